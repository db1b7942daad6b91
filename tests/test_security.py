"""Hostile input at the knowledge base's doors, over SQLite and PostgreSQL (what test_web_api.py,
test_store_cli.py and test_fetch.py do not cover already).

- Search text that tries FTS5, tsquery or SQL syntax is read as plain words, never as operators:
  each query below would find the "ferries" articles if its operator worked, and finds none
  because its extra words are required words that no article has. Text with no words at all is
  a 400 with a message over HTTP (API and page) and exit status 2 with one line on the CLI.
- Size limits and bounds on every input: query length, filter values, limit and offset (CLI,
  API, pages), path parameters, ingest bodies sent without a length; NUL characters.
- Writes: the token only counts in the Authorization header, and is checked before the body is
  read.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'newsgraph[web]'")
from fastapi.testclient import TestClient
from httpx import Response

from conftest import create_schema, drop_schemas, need_postgresql
from newsgraph.cli import main
from newsgraph.store import open_store
from newsgraph.store.fts import MAX_QUERY
from newsgraph.web import create_app
from newsgraph.web.params import MAX_PAGE, MAX_PARAM
from newsgraph.web.params import MAX_QUERY as MAX_WEB_QUERY
from test_concurrency import people_articles

TOKEN = "another-s3cret-token"
HTML = {"accept": "text/html"}
ARTICLES = 12

# Each would widen the search (or change it) if its syntax were obeyed; read as words, it finds nothing.
OPERATORS = [
    "ferries OR qzxwv",
    "ferries | qzxwv",
    "ferr*",
    "ferries NOT pier qzxwv",
    "text:ferries",
    "title : ferries",
    "NEAR(ferries pier, 5)",
    "ferries' OR 'qzxwv'='qzxwv",
    'ferries" OR qzxwv=qzxwv --',
    "ferries'); DROP TABLE articles; --",
    "ferries) OR (qzxwv",
    "{text title}: ferries",
    "ferries & !qzxwv",
    "ferries <-> qzxwv",
    "ferries:* qzxwv",
    "qzxwv or ferries",
    "-qzxwv ferries",
    "ferries AND qzxwv",
]
# No words at all: nothing to search for.
NO_WORDS = ['"', "*", "()", "'; --", "-", "^", "!!!", " \t ", '""', "(*)", ":", "||", "&", "—"]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if request.param == "sqlite":
        location = str(tmp_path_factory.mktemp("security") / "store.db")
        schema = None
    else:
        need_postgresql("PostgreSQL security tests")
        schema, location = create_schema("sec")
    with open_store(location) as store:
        report = store.ingest(people_articles("harbour", ARTICLES))
        assert report.stored == ARTICLES
    try:
        yield location
    finally:
        if schema:
            drop_schemas(schema)


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db, token=TOKEN)) as c:
        yield c


def cli(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_clean_line(err: str) -> None:
    assert err.count("\n") == 1 and err.startswith("newsgraph: "), err
    for leak in ("Traceback", "sqlite3", "psycopg", "syntax error", "fts5"):
        assert leak not in err, err


def assert_error(response: Response, status: int, *codes: str) -> dict[str, object]:
    """The error shape with one of `codes` (its message starting with the code)."""
    assert response.status_code == status, response.text
    error: dict[str, object] = response.json()["error"]
    assert str(error["code"]) in codes and str(error["message"]).startswith(str(error["code"])), error
    return error


# -- search syntax ---------------------------------------------------------------------------------


def test_the_plain_word_finds_every_article(
    client: TestClient, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    # The baseline the operator queries are measured against.
    assert client.get("/api/search", params={"q": "ferries"}).json()["total"] == ARTICLES
    code, out, _ = cli("search", "ferries", "--db", db, "--format", "json", capsys=capsys)
    assert code == 0 and json.loads(out)["hits"]["total"] == ARTICLES


@pytest.mark.parametrize("query", OPERATORS)
def test_search_syntax_is_read_as_words_over_http(client: TestClient, query: str) -> None:
    response = client.get("/api/search", params={"q": query})
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 0, query
    page = client.get("/search", params={"q": query}, headers=HTML)
    assert page.status_code == 200 and "Traceback" not in page.text
    assert client.get("/api/stats").json()["articles"] == ARTICLES


@pytest.mark.parametrize("query", OPERATORS)
def test_search_syntax_is_read_as_words_on_the_cli(
    db: str, query: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli("search", query, "--db", db, "--format", "json", capsys=capsys)
    assert (code, err) == (0, "")
    assert json.loads(out)["hits"]["total"] == 0, query


@pytest.mark.parametrize("query", NO_WORDS)
def test_a_query_without_words_is_a_400_with_a_message(client: TestClient, query: str) -> None:
    # A blank query is the web's E403; one with characters but no words the store's E304.
    error = assert_error(client.get("/api/search", params={"q": query}), 400, "E403", "E304")
    assert "no words" in str(error["message"])
    page = client.get("/search", params={"q": query}, headers=HTML)
    if query.strip():  # an empty search box is the search form, not an error
        assert page.status_code == 400 and 'class="error"' in page.text and "no words" in page.text


@pytest.mark.parametrize("query", NO_WORDS)
def test_a_query_without_words_exits_2_with_one_line(
    db: str, query: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = cli("search", query, "--db", db, capsys=capsys)
    assert (code, out) == (2, "")
    assert_one_clean_line(err)
    assert "E304" in err and "no words" in err


def test_nul_and_control_characters_in_a_query_are_never_a_server_error(
    client: TestClient, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for query in ("ferries\x00", "\x00", "ferries\x1b[31m", "ferries\u202e", "ferries\ud800"[:-1] + "\ufffd"):
        response = client.get("/api/search", params={"q": query})
        assert response.status_code in (200, 400), (query, response.text)
        for speaker in (query + "x", query + "%", "_" + query):  # (NULs alone: no filter at all)
            quotes = client.get("/api/quotes", params={"speaker": speaker})
            assert quotes.status_code == 200 and quotes.json()["total"] == 0, (speaker, quotes.text)
        code, _, err = cli("search", query, "--db", db, capsys=capsys)
        assert code in (0, 2) and "Traceback" not in err


# -- size limits and bounds ---------------------------------------------------------------------------


def test_a_query_over_the_limit_is_refused_everywhere(
    client: TestClient, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    words = "ferries " * (MAX_QUERY // 8 + 1)
    assert len(words) > MAX_QUERY
    code, _, err = cli("search", words, "--db", db, capsys=capsys)
    assert code == 2 and "E304" in err and f"longer than {MAX_QUERY}" in err
    assert_one_clean_line(err)
    just = ("ferries " * MAX_QUERY)[:MAX_WEB_QUERY]
    assert client.get("/api/search", params={"q": just}).status_code == 200
    assert "q" in str(
        assert_error(client.get("/api/search", params={"q": just + "x"}), 400, "E402")["message"]
    )
    page = client.get("/search", params={"q": just + "x"}, headers=HTML)
    assert page.status_code == 400 and "Traceback" not in page.text


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "0"},
        {"limit": str(MAX_PAGE + 1)},
        {"limit": "9" * 40},
        {"limit": "-5"},
        {"limit": "1e3"},
        {"offset": "-1"},
        {"offset": "9" * 40},
        {"offset": "10000001"},
        {"speaker": "x" * (MAX_PARAM + 1)},
        {"source": "y" * (MAX_PARAM + 1)},
        {"since": "2023-01-01x"},
        {"until": "9" * 50},
    ],
)
@pytest.mark.parametrize("path", ["/api/quotes", "/api/articles", "/api/search?q=ferries"])
def test_out_of_bounds_paging_and_filters_are_400_on_the_api(
    client: TestClient, path: str, params: dict[str, str]
) -> None:
    error = assert_error(client.get(path, params=params), 400, "E402")
    assert next(iter(params)) in str(error["message"])


@pytest.mark.parametrize(
    "params",
    [{"limit": "9" * 40}, {"offset": "9" * 40}, {"offset": "-1"}, {"speaker": "x" * (MAX_PARAM + 1)}],
)
@pytest.mark.parametrize("path", ["/quotes", "/articles", "/search?q=ferries", "/entities", "/places"])
def test_out_of_bounds_paging_and_filters_are_400_on_the_pages(
    client: TestClient, path: str, params: dict[str, str]
) -> None:
    page = client.get(path, params=params, headers=HTML)
    assert page.status_code == 400, (path, params, page.status_code)
    assert page.headers["content-type"].startswith("text/html") and "Traceback" not in page.text


def test_the_largest_page_is_served_and_capped(
    client: TestClient, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    body = client.get("/api/quotes", params={"limit": MAX_PAGE, "offset": 10_000_000}).json()
    assert body["items"] == [] and body["total"] == 2 * ARTICLES
    code, out, err = cli("quotes", "--db", db, "--limit", "100000", "--format", "json", capsys=capsys)
    assert code == 0, err
    assert json.loads(out)["limit"] == 1000


@pytest.mark.parametrize("option", ["--limit", "--offset"])
@pytest.mark.parametrize("value", ["-1", "9" * 30, "abc"])
def test_out_of_bounds_paging_on_the_cli_is_one_line(
    db: str, option: str, value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    for command in (["search", "ferries"], ["quotes"]):
        try:
            code, _, err = cli(*command, "--db", db, option, value, capsys=capsys)
        except SystemExit as exc:  # argparse: a value that is not a number
            code, err = int(str(exc.code)), capsys.readouterr().err
            assert "invalid int value" in err
        if value == "9" * 30 and option == "--limit":
            assert code == 0, err  # capped at the largest page
        elif value == "9" * 30:
            assert code == 2, err  # beyond what a database can count
            assert_one_clean_line(err)
            assert "E311" in err or "E310" in err
        else:
            assert code == 2, (command, option, value, err)
            assert "Traceback" not in err


@pytest.mark.parametrize(
    "path",
    [
        "/api/articles/" + "a" * 5000,
        "/articles/" + "b" * 5000,
        "/articles/" + "c" * 5000 + ".json",
        "/api/entities/" + "Name " * 1000,
        "/entities/" + "%00" * 10,
        "/api/places/" + "9" * 60,
        "/places/" + "#" * 3,
        "/api/articles/%00",
        "/api/entities/%ff%fe",
    ],
)
def test_hostile_path_parameters_are_a_4xx_never_a_500(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert 400 <= response.status_code < 500, (path[:60], response.status_code, response.text[:200])


# -- writes -------------------------------------------------------------------------------------------


def test_the_token_counts_only_in_the_authorization_header(client: TestClient) -> None:
    body = {"articles": [people_articles("pier", 1)[0].to_dict()]}
    for attempt in (
        client.post(f"/api/ingest?token={TOKEN}", json=body),
        client.post("/api/ingest", json=body, headers={"x-api-key": TOKEN}),
        client.post("/api/ingest", json=body, cookies={"token": TOKEN}),
        client.post("/api/ingest", json=body, headers={"authorization": f"Bearer  {TOKEN} extra"}),
        client.post("/api/ingest", json=body, headers={"authorization": f"bearer {TOKEN.upper()}"}),
    ):
        assert_error(attempt, 401, "E406")
    assert client.get("/api/stats").json()["articles"] == ARTICLES


def test_a_write_without_a_token_is_refused_before_its_body_is_read(client: TestClient) -> None:
    read = []

    def endless() -> Iterator[bytes]:
        for _ in range(10_000):
            read.append(1)
            yield b"x" * 65536

    response = client.post("/api/ingest", content=endless())
    assert_error(response, 401, "E406")
    assert len(read) < 100  # refused without reading 650 MB


def test_an_ingest_body_without_a_length_is_cut_at_the_limit(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsgraph.web import api

    monkeypatch.setattr(api, "MAX_INGEST_BYTES", 100_000)
    sent = []

    def chunks() -> Iterator[bytes]:  # chunked: no Content-Length to refuse it by
        yield b'{"texts": [{"text": "'
        for _ in range(1000):
            sent.append(1)
            yield b"word " * 200
        yield b'"}]}'

    response = client.post("/api/ingest", content=chunks(), headers={"authorization": f"Bearer {TOKEN}"})
    assert "too large" in str(assert_error(response, 413, "E407")["message"])
    assert client.get("/api/stats").json()["articles"] == ARTICLES


def test_a_record_with_hostile_ids_and_sizes_is_refused_or_stored_inert(tmp_path: Path) -> None:
    path = str(tmp_path / "ingest.db")
    open_store(path).close()
    good = people_articles("quay", 1)[0].to_dict()
    bad_id = dict(good, id="../../etc/passwd")
    bad_offsets = json.loads(json.dumps(good))
    bad_offsets["quotes"][0]["start"] = 10**12
    with TestClient(create_app(path, token=TOKEN)) as c:
        response = c.post(
            "/api/ingest",
            json={"articles": [bad_id, bad_offsets, {"schema": "x" * 100_000}]},
            headers={"authorization": f"Bearer {TOKEN}"},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["stored"] + len(body["failed"]) == 3
        assert all(len(f["reason"]) < 500 for f in body["failed"])  # one line each, not the input back
        for item in c.get("/api/articles").json()["items"]:
            # An id with slashes is stored as given but no route reaches it: a 404, never a file.
            page = c.get(f"/articles/{item['id']}", headers=HTML)
            assert page.status_code in (200, 404) and "root:" not in page.text
