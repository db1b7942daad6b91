"""The REST API and the pages through FastAPI's TestClient, over a store built from our fixture articles.

The fixtures (tests/data/web/) are written for these tests: fictional people in real places, one
speaker quoted in three articles under three spellings, and hostile articles whose titles, names,
quotes and sources carry `<script>`, `onerror=` and `javascript:`.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import time
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'newsgraph[web]'")
from fastapi.testclient import TestClient

from conftest import validate_record
from newsgraph.api import analyze_paths
from newsgraph.article import Article
from newsgraph.store import open_store
from newsgraph.web import create_app
from newsgraph.web.highlight import highlight
from newsgraph.web.map import OUTLINES_REQUIREMENT, clip, draw_map, load_countries, simplify
from newsgraph.web.security import CONTENT_SECURITY_POLICY, safe_url

DATA = Path(__file__).parent / "data" / "web"


def needs_outlines() -> None:
    """Skip (fail under CI=true) when the package with the country outlines is not installed."""
    if load_countries():
        return
    reason = f"the country outlines are not installed: pip install {OUTLINES_REQUIREMENT}"
    if os.environ.get("CI") == "true":
        pytest.fail(reason)
    pytest.skip(reason)


TOKEN = "s3cret-test-token"
HTML = {"accept": "text/html"}
SPELLINGS = ("Oleksandr Hrytsenko", "Olexandr Gritsenko", "Oleksandr Hritsenko", "Hrytsenko", "Gritsenko")
LISTS = (
    "/api/articles",
    "/api/entities",
    "/api/quotes",
    "/api/places",
    "/api/claims",
    "/api/events",
    "/api/predictions",
)
PAGES = (
    "/",
    "/articles",
    "/entities",
    "/quotes",
    "/places",
    "/claims",
    "/predictions",
    "/events",
    "/timeline",
    "/search",
    "/search?q=officials",
    "/search?q=Kharkiv",
)


def hostile_json() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / "hostile-record.json").read_text(encoding="utf-8"))
    return data


def hostile_record() -> Article:
    return Article.from_dict(hostile_json())


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite store holding the fixture articles (analysed by the pipeline) and the hostile record."""
    path = str(tmp_path_factory.mktemp("web") / "web.db")
    articles = list(analyze_paths([str(DATA / "articles.jsonl")]))
    assert all(a.error is None for a in articles), [a.error for a in articles]
    articles.append(hostile_record())
    with open_store(path) as store:
        report = store.ingest(articles)
    assert report.stored == 6, report.summary()
    return path


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[TestClient]:
    with TestClient(create_app(db, token=TOKEN)) as c:
        yield c


def article_id(client: TestClient, title_part: str) -> str:
    items = client.get("/api/articles?limit=50").json()["items"]
    return str(next(a["id"] for a in items if title_part in (a["title"] or "")))


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The one error shape: {"error": {"code": "E4xx", "message": "...", "status": N}}."""
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    assert {"code", "message", "status"} <= set(error)
    assert error["status"] == status
    assert re.fullmatch(r"E\d{3}", error["code"]), error
    assert error["message"].startswith(error["code"] + " "), error
    if code:
        assert error["code"] == code, error
    return dict(error)


# -- lists, pagination, filters -----------------------------------------------------------------


@pytest.mark.parametrize("path", LISTS)
def test_every_list_is_paginated(client: TestClient, path: str) -> None:
    body = client.get(path, params={"limit": 2}).json()
    assert set(body) >= {"items", "total", "limit", "offset", "next", "prev"}
    assert body["limit"] == 2 and body["offset"] == 0 and body["prev"] is None
    assert len(body["items"]) == min(2, body["total"])
    assert (body["next"] is not None) == (body["total"] > 2)


def test_following_next_links_walks_the_whole_list_once(client: TestClient) -> None:
    first = client.get("/api/quotes", params={"limit": 3}).json()
    seen: list[tuple[str, str]] = []
    body, link = first, None
    while True:
        seen += [(q["article_id"], q["quote_id"]) for q in body["items"]]
        link = body["next"]
        if link is None:
            break
        assert "offset=" in link and "limit=3" in link
        body = client.get(link).json()
    assert len(seen) == first["total"] == len(set(seen))
    assert first["total"] > 6


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_quotes_by_any_spelling_of_the_speaker_come_from_three_articles(
    client: TestClient, spelling: str
) -> None:
    body = client.get("/api/quotes", params={"speaker": spelling, "limit": 50}).json()
    assert body["total"] >= 3
    assert len({q["article_id"] for q in body["items"]}) == 3
    assert {q["entity_name"] for q in body["items"]} == {"Oleksandr Hrytsenko"}


def test_filters_narrow_the_lists(client: TestClient) -> None:
    everything = client.get("/api/quotes", params={"limit": 100}).json()
    direct = client.get("/api/quotes", params={"kind": "direct", "limit": 100}).json()
    assert 0 < direct["total"] < everything["total"]
    assert {q["kind"] for q in direct["items"]} == {"direct"}
    since = client.get("/api/articles", params={"since": "2024-01-01"}).json()
    until = client.get("/api/articles", params={"until": "2023-12-31"}).json()
    assert since["total"] + until["total"] == 6
    assert all(a["published"] >= "2024-01-01" for a in since["items"])
    in_lviv = client.get("/api/articles", params={"place": "Lviv"}).json()
    assert [a["title"] for a in in_lviv["items"]] == [
        "Lviv opens a new heating plant ahead of the cold season"
    ]
    mentioning = client.get("/api/articles", params={"entity": "Gritsenko"}).json()
    assert mentioning["total"] == 3
    from_jsonl = client.get("/api/articles", params={"source": "articles.jsonl"}).json()
    assert from_jsonl["total"] == 5
    people = client.get("/api/entities", params={"kind": "PERSON", "limit": 100}).json()
    assert people["total"] >= 7 and {e["type"] for e in people["items"]} == {"PERSON"}


def test_ledgers_list_the_records_claims_events_and_predictions(client: TestClient) -> None:
    # The hand-made hostile record carries one claim, one event and one prediction; the analysed
    # fixture articles add what the claims, events and predictions stages find in them.
    claims = client.get("/api/claims", params={"limit": 100}).json()
    assert claims["total"] == len(claims["items"]) >= 1 and 5 in [c["value"] for c in claims["items"]]
    assert client.get("/api/events").json()["total"] >= 1
    assert client.get("/api/predictions").json()["total"] >= 1
    timeline = client.get("/api/timeline").json()["days"]
    assert [d["day"] for d in timeline] == sorted(d["day"] for d in timeline)
    assert sum(d["articles"] for d in timeline) == 6
    stats = client.get("/api/stats").json()
    assert stats["articles"] == 6 and stats["backend"] == "sqlite"


# -- one resource -------------------------------------------------------------------------------


def test_article_page_and_its_json_come_from_one_route(client: TestClient) -> None:
    aid = article_id(client, "Odesa port")
    record = client.get(f"/articles/{aid}.json").json()
    validate_record(record)
    assert record["id"] == aid and record["title"].startswith("Odesa port")
    assert client.get(f"/api/articles/{aid}").json() == record
    page = client.get(f"/articles/{aid}", headers=HTML)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "<h1>Odesa port restarts night shifts as grain exports grow</h1>" in html
    # The speaker is linked to the registry entity, the quote and the place highlighted.
    entity_id = client.get("/api/entities/Gritsenko").json()["entity"]["id"]
    assert re.search(rf'<a href="/entities/{entity_id}" class="speaker"[^>]*>Olexandr Gritsenko</a>', html)
    assert 'class="quote"' in html and 'class="place"' in html and 'class="date"' in html
    links = client.get(f"/api/articles/{aid}/links").json()
    assert links["article_id"] == aid and links["copies"]


def test_entity_by_id_name_or_variant_spelling(client: TestClient) -> None:
    by_name = client.get("/api/entities/Oleksandr Hrytsenko").json()
    entity = by_name["entity"]
    assert entity["name"] == "Oleksandr Hrytsenko" and entity["articles"] == 3
    assert client.get(f"/api/entities/{entity['id']}").json() == by_name
    assert client.get("/api/entities/Hritsenko").json()["entity"]["id"] == entity["id"]
    assert client.get(f"/entities/{entity['id']}.json").json()["entity"] == entity
    page = client.get(f"/entities/{entity['id']}", headers=HTML).text
    assert '<h1 class="entity-name">Oleksandr Hrytsenko</h1>' in page
    # Quotes from the three articles, grouped by month over time.
    assert page.count('<li class="quote-card">') >= 3
    assert [m for m in re.findall(r'<h3 class="month">([^<]+)</h3>', page)] == [
        "2024-01",
        "2023-11",
        "2023-10",
    ]


def test_place_page_draws_the_place_on_a_map(client: TestClient) -> None:
    needs_outlines()
    place = client.get("/api/places", params={"place": "Odesa"}).json()["items"][0]
    detail = client.get(f"/api/places/{place['id']}").json()
    assert detail["place"]["name"] == "Odesa" and detail["articles"]
    assert client.get(f"/places/{place['id']}.json").json() == detail
    html = client.get(f"/places/{place['id']}", headers=HTML).text
    svg = re.search(r"<svg viewBox=\"0 0 (\d+) (\d+)\".*?</svg>", html, re.S)
    assert svg, "no map on the place page"
    assert svg.group(0).count('class="land"') >= 3  # Ukraine and its neighbours
    point = re.search(r'<circle cx="([\d.]+)" cy="([\d.]+)"', svg.group(0))
    assert (
        point
        and 0 < float(point.group(1)) < int(svg.group(1))
        and 0 < float(point.group(2)) < int(svg.group(2))
    )
    assert len(html) < 80_000, "the map should be simplified and clipped"


def test_search_with_snippets_and_facets(client: TestClient) -> None:
    body = client.get("/api/search", params={"q": "power"}).json()
    assert body["total"] >= 2 and set(body["facets"]) == {"source", "entity", "place", "year"}
    titles = {h["article"]["title"] for h in body["items"]}
    assert "Kharkiv braces for a winter of short power cuts" in titles
    html = client.get("/search", params={"q": "power"}, headers=HTML).text
    assert "<mark>" in html.lower() or "<mark>" in html
    assert 'class="facets"' in html
    # A facet link narrows the search.
    year = re.search(r'href="(/search\?[^"]*since=2023[^"]*)"', html)
    assert year
    narrowed = client.get(year.group(1).replace("&amp;", "&"), headers=HTML)
    assert narrowed.status_code == 200 and "Lviv opens" not in narrowed.text


@pytest.mark.parametrize(
    "query",
    ['"unbalanced', "AND OR", "*", "NEAR(", "'; DROP TABLE articles; --", "a:b", "((", "power)", "-", "^"],
)
def test_hostile_search_syntax_is_a_result_or_a_400_never_a_crash(client: TestClient, query: str) -> None:
    response = client.get("/api/search", params={"q": query})
    if response.status_code != 200:
        assert_error(response, 400)
    page = client.get("/search", params={"q": query}, headers=HTML)
    assert page.status_code in (200, 400)
    assert client.get("/api/stats").json()["articles"] == 6


def test_search_without_words_is_a_400_with_a_message(client: TestClient) -> None:
    assert "no words" in assert_error(client.get("/api/search", params={"q": "!!!"}), 400)["message"]
    assert_error(client.get("/api/search", params={"q": "   "}), 400, "E403")
    page = client.get("/search", params={"q": "!!!"}, headers=HTML)
    assert page.status_code == 400 and 'class="error"' in page.text and "no words" in page.text


# -- the error shape ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/quotes?limit=0", "limit"),
        ("/api/quotes?limit=abc", "limit"),
        ("/api/quotes?limit=100000", "limit"),
        ("/api/articles?offset=-1", "offset"),
        ("/api/articles?since=yesterday", "since"),
        ("/api/articles?until=2024-13", "until"),
        ("/api/articles?until=2023-02-30", "until"),
        ("/api/quotes?speaker=" + "x" * 500, "speaker"),
        ("/api/search", "q"),
        ("/api/search?q=" + "w" * 600, "q"),
    ],
)
def test_bad_parameters_get_a_400_in_the_error_shape(client: TestClient, path: str, param: str) -> None:
    error = assert_error(client.get(path), 400, "E402")
    assert param in error["message"]


def test_not_found_and_wrong_method_share_the_shape(client: TestClient) -> None:
    assert "no article" in assert_error(client.get("/api/articles/" + "0" * 64), 404, "E401")["message"]
    assert_error(client.get("/articles/nope.json"), 404, "E401")
    assert_error(client.get("/api/entities/Nobody Atall"), 404, "E401")
    assert_error(client.get("/api/places/999999"), 404, "E401")
    assert_error(client.get("/api/nothing-here"), 404, "E404")
    assert_error(client.get("/no/such/page"), 404, "E404")
    assert_error(client.delete("/api/articles"), 405, "E409")
    assert_error(client.get("/api/ingest"), 405, "E409")
    page = client.get("/no/such/page", headers=HTML)
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "E404 no page at /no/such/page" in page.text


def test_openapi_describes_every_api_route(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert set(LISTS) | {"/api/search", "/api/ingest", "/api/articles/{article_id}", "/api/timeline"} <= paths
    assert "post" in spec["paths"]["/api/ingest"]
    assert client.get("/docs").status_code == 404  # the interactive docs would load a CDN


# -- writes -------------------------------------------------------------------------------------


def test_writes_are_refused_when_no_token_is_configured(db: str) -> None:
    with TestClient(create_app(db, token=None)) as c:
        body = {"articles": [hostile_json()]}
        error = assert_error(c.post("/api/ingest", json=body), 403, "E405")
        assert "NEWSGRAPH_TOKEN" in error["message"]
        assert_error(c.post("/api/ingest", json=body, headers={"authorization": "Bearer "}), 403, "E405")


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer wrong", "Basic " + TOKEN, TOKEN, "Bearer " + TOKEN + "x"]
)
def test_writes_need_the_right_bearer_token(client: TestClient, header: str | None) -> None:
    headers = {"authorization": header} if header is not None else {}
    response = client.post("/api/ingest", json={"articles": [hostile_json()]}, headers=headers)
    assert "Bearer" in assert_error(response, 401, "E406")["message"]


def test_ingest_with_the_token_stores_records_and_texts(tmp_path: Path) -> None:
    path = str(tmp_path / "ingest.db")
    open_store(path).close()
    auth = {"authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(path, token=TOKEN)) as c:
        record = hostile_json()
        first = c.post("/api/ingest", json={"articles": [record, {"text": 1}, "not an object"]}, headers=auth)
        assert first.status_code == 200, first.text
        body = first.json()
        assert body["stored"] == 1 and len(body["failed"]) == 2
        assert (
            body["failed"][0]["source"] == "articles[1]"
            and "newsgraph.article/1" in body["failed"][0]["reason"]
        )
        again = c.post("/api/ingest", json={"articles": [record]}, headers=auth).json()
        assert again["stored"] == 0 and again["duplicates"] == 1
        forged = dict(record, id="../../etc/passwd")
        refused = c.post("/api/ingest", json={"articles": [forged]}, headers=auth).json()
        assert refused["stored"] == 0 and refused["failed"] == [
            {"source": "articles[0]", "reason": "its id is not the sha256 of its text"}
        ]
        text = (
            'Kyiv officials said on Monday that the bridge would reopen.\n\n"It is safe," said Petro Danylko.'
        )
        texts = c.post(
            "/api/ingest",
            json={"texts": [{"text": text, "source": "posted", "published": "2024-04-02"}, {"text": ""}]},
            headers=auth,
        ).json()
        assert texts["stored"] == 1 and len(texts["failed"]) == 1
        assert c.get("/api/stats").json()["articles"] == 2
        assert c.get("/api/quotes", params={"speaker": "Danylko"}).json()["total"] >= 1


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"{not json", 400),
        (b"[]", 400),
        (b'{"articles": []}', 400),
        (b'{"articles": [], "texts": []}', 400),
        (b'{"articles": {"a": 1}}', 400),
        (b'{"texts": [{"text": "x", "published": "June"}]}', 200),
        (b"\xff\xfe\x00garbage", 400),
    ],
)
def test_broken_ingest_bodies_get_one_clear_error(tmp_path: Path, body: bytes, status: int) -> None:
    path = str(tmp_path / "broken.db")
    open_store(path).close()
    with TestClient(create_app(path, token=TOKEN)) as c:
        response = c.post("/api/ingest", content=body, headers={"authorization": f"Bearer {TOKEN}"})
        if status == 200:
            assert response.status_code == 200 and len(response.json()["failed"]) == 1
        else:
            assert_error(response, status, "E408")


def test_huge_ingest_bodies_are_refused_before_reading(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newsgraph.web import api

    monkeypatch.setattr(api, "MAX_INGEST_BYTES", 1000)
    big = json.dumps({"texts": [{"text": "word " * 1000}]})
    response = client.post("/api/ingest", content=big, headers={"authorization": f"Bearer {TOKEN}"})
    assert "too large" in assert_error(response, 413, "E407")["message"]
    many = {"texts": [{"text": "a"}] * (api.MAX_INGEST_ARTICLES + 1)}
    monkeypatch.setattr(api, "MAX_INGEST_BYTES", 10_000_000)
    response = client.post("/api/ingest", json=many, headers={"authorization": f"Bearer {TOKEN}"})
    assert_error(response, 413, "E408")


# -- security -----------------------------------------------------------------------------------


class Tags(HTMLParser):
    """Every real tag and attribute of a page, as a browser's parser sees them (text and values unescaped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_inert(html: str, where: str) -> None:
    """No script but ours, no event handler, no javascript: URL, no embedded content from the data."""
    parser = Tags()
    parser.feed(html)
    for tag, attrs in parser.tags:
        values = dict(attrs)
        if tag == "script":
            assert values.get("src") == "/static/app.js", (where, tag, attrs)
        assert tag not in ("iframe", "img", "object", "embed", "b", "i"), (where, tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (where, tag, attrs)
            if name in ("href", "src", "action", "xlink:href", "formaction"):
                assert not (value or "").strip().lower().startswith(("javascript:", "data:")), (
                    where,
                    tag,
                    attrs,
                )


def test_hostile_content_is_escaped_on_every_page(client: TestClient) -> None:
    hostile = [article_id(client, "Hostile record"), article_id(client, "Hostile <img")]
    people = client.get("/api/entities", params={"limit": 200}).json()["items"]
    mallory = next(e["id"] for e in people if e["name"].startswith("Mallory"))
    place = client.get("/api/places", params={"limit": 200}).json()["items"]
    zhytomyr = next(p["id"] for p in place if "Zhytomyr" in p["name"])
    paths = [*PAGES, *(f"/articles/{i}" for i in hostile), f"/entities/{mallory}", f"/places/{zhytomyr}"]
    paths += ["/search?q=pwned", "/search?q=script", "/quotes?speaker=Mallory", "/search?q=%3Cscript%3E"]
    shown = 0
    for path in paths:
        response = client.get(path, headers=HTML)
        assert response.status_code == 200, (path, response.status_code)
        assert_inert(response.text, path)
        shown += response.text.count("&lt;script&gt;window.__pwned")
    assert shown >= 10, "the hostile text should be shown, escaped, not dropped"
    record = client.get(f"/articles/{hostile[0]}", headers=HTML).text
    assert "javascript:window.__pwned_source" in record  # shown as text ...
    assert 'href="javascript' not in record  # ... never as a link


def test_security_headers_on_pages_api_static_and_errors(client: TestClient) -> None:
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "script-src 'self'" in CONTENT_SECURITY_POLICY
    for path, headers in [
        ("/", HTML),
        ("/api/articles", {}),
        ("/static/style.css", {}),
        ("/nope", HTML),
        ("/api/x", {}),
    ]:
        response = client.get(path, headers=headers)
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY, path
        assert response.headers["x-content-type-options"] == "nosniff", path
        assert response.headers["referrer-policy"] == "no-referrer", path


def test_no_asset_comes_from_elsewhere(client: TestClient) -> None:
    for path in PAGES:
        html = client.get(path, headers=HTML).text
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert url.startswith(("/", "#")), (path, url)
    css = client.get("/static/style.css").text
    assert "url(" not in css and "@import" not in css


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        ("JavaScript:alert(1)", False),
        (" javascript:alert(1)", False),
        ("java\tscript:alert(1)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("file:///etc/passwd", False),
        ("//example.org/x", False),
        ("/local/path", False),
        ("https://", False),
        ("", False),
        (None, False),
        (42, False),
        ("http://[::1", False),
    ],
)
def test_safe_url_keeps_only_http_links(url: object, safe: bool) -> None:
    assert (safe_url(url) is not None) == safe


# -- speed, and the store given as an object ----------------------------------------------------


def test_pages_render_fast_on_a_small_store(client: TestClient) -> None:
    aid = article_id(client, "Kharkiv braces")
    entity = client.get("/api/entities/Hrytsenko").json()["entity"]["id"]
    place = client.get("/api/places", params={"place": "Kharkiv"}).json()["items"][0]["id"]
    timings = {}
    for path in [f"/articles/{aid}", f"/entities/{entity}", f"/places/{place}", "/search?q=power", "/"]:
        client.get(path, headers=HTML)  # warm
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            assert client.get(path, headers=HTML).status_code == 200
            runs.append((time.perf_counter() - started) * 1000)
        timings[path] = statistics.median(runs)
    assert max(timings.values()) < 100, timings


def test_an_open_store_object_serves_too(db: str) -> None:
    with open_store(db) as store, TestClient(create_app(store)) as c:
        assert c.get("/api/stats").json()["articles"] == 6
        assert c.get("/", headers=HTML).status_code == 200


# -- the parts: highlighting and maps -----------------------------------------------------------


def test_highlight_keeps_every_character_and_marks_overlaps() -> None:
    article = hostile_record()
    paragraphs = highlight(article, {"e1": 7}, {0: 3})
    joined = "\n\n".join("".join(s.text for s in p) for p in paragraphs)
    assert joined == article.text
    speaker = [s for p in paragraphs for s in p if "speaker" in s.classes]
    assert speaker and speaker[0].href == "/entities/7"
    place = [s for p in paragraphs for s in p if "place" in s.classes]
    assert place[0].href == "/places/3"
    assert [s.anchor for p in paragraphs for s in p if s.anchor] == ["quote-q1", "claim-c1"]


def test_highlight_survives_offsets_out_of_range() -> None:
    article = hostile_record()
    article.quotes[0].end = len(article.text) + 50
    article.places[0].start, article.places[0].end = 10, 5
    paragraphs = highlight(article)
    assert "".join(s.text for p in paragraphs for s in p).replace("\n", "") == article.text.replace("\n", "")
    assert not [s for p in paragraphs for s in p if "quote" in s.classes or "place" in s.classes]


def test_country_outlines_ship_offline() -> None:
    needs_outlines()
    countries = load_countries()
    codes = {c.code for c in countries}
    assert len(countries) > 200 and {"UA", "BY", "PL", "LT", "FR", "BR"} <= codes
    ukraine = next(c for c in countries if c.code == "UA")
    west, south, east, north = ukraine.bbox
    assert 22 < west < 23 and 44 < south < 46 and 40 < east < 41 and 52 < north < 53


def test_map_projects_points_into_the_view_and_skips_bad_ones() -> None:
    needs_outlines()
    view = draw_map(
        [(50.45, 30.52, "Kyiv", "/places/1"), (float("nan"), 1.0, "x", "/"), (95.0, 0.0, "y", "/")]
    )
    assert [p.label for p in view.points] == ["Kyiv"]
    kyiv = view.points[0]
    assert abs(kyiv.x - view.width / 2) < 2 and abs(kyiv.y - view.height / 2) < 2  # centred
    world = draw_map([])
    assert world.points == () and len(world.paths) > 150
    assert sum(len(p) for p in world.paths) < 60_000


def test_simplify_and_clip() -> None:
    ring = (*tuple((x / 10, x % 7 / 1000) for x in range(100)), (10.0, 10.0), (0.0, 10.0))
    simple = simplify(ring, 0.05)
    assert simple[0] == ring[0] and simple[-1] == ring[-1] and len(simple) < 10
    square = ((0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0))
    clipped = clip(square, (5.0, -1.0, 20.0, 5.0))
    assert sorted(clipped) == sorted([(5.0, 0.0), (10.0, 0.0), (10.0, 5.0), (5.0, 5.0)])
    assert clip(square, (20.0, 20.0, 30.0, 30.0)) == ()


def test_timeline_keeps_a_continuous_axis_with_gaps() -> None:
    from newsgraph.store import DayCount
    from newsgraph.web.pages import timeline_bars

    days = [
        DayCount(day="2024-03-01", articles=1, quotes=5),
        DayCount(day="2024-03-05", articles=2, quotes=1),
    ]
    unit, bars = timeline_bars(days)
    assert unit == "day" and [b.articles for b in bars] == [1, 0, 0, 0, 2]
    assert bars[-1].height == 160 and bars[0].height == 80
    unit, bars = timeline_bars([*days, DayCount(day="2023-10-02", articles=1, quotes=0)])
    assert unit == "week" and bars[0].href == "/articles?since=2023-10-02&until=2023-10-08"
    unit, bars = timeline_bars(
        [*days, DayCount(day="2020-01-15", articles=1, quotes=0), DayCount(day="bad", articles=9, quotes=9)]
    )
    assert unit == "month" and bars[0].label == "2020-01" and sum(b.articles for b in bars) == 4
    assert timeline_bars([]) == ("day", [])


def test_serve_binds_to_loopback_by_default() -> None:
    import inspect

    from newsgraph.web import serve

    defaults = {k: v.default for k, v in inspect.signature(serve).parameters.items()}
    assert defaults == {"db": inspect.Parameter.empty, "host": "127.0.0.1", "port": 8000, "token": None}


def test_a_loopback_server_answers_only_its_own_names(db: str) -> None:
    app = create_app(db, allowed_hosts=["127.0.0.1", "localhost", "::1"])
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        assert c.get("/api/stats").status_code == 200
        assert c.get("/api/stats", headers={"host": "localhost:8000"}).status_code == 200
        assert c.get("/api/stats", headers={"host": "[::1]:8000"}).status_code == 200
        for host in ("rebind.example:8000", "127.0.0.1.evil.example", ""):
            response = c.get("/api/stats", headers={"host": host})
            assert "E411" in assert_error(response, 400, "E411")["message"]
            assert response.headers["x-content-type-options"] == "nosniff"


def test_failures_inside_the_server_keep_the_error_shape(db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from newsgraph.errors import Errors, NewsgraphError
    from newsgraph.web.stores import StoreProvider

    def broken(self: StoreProvider) -> Any:
        raise RuntimeError("disk on fire")

    with TestClient(create_app(db), raise_server_exceptions=False) as c:
        monkeypatch.setattr(StoreProvider, "use", broken)
        error = assert_error(c.get("/api/articles"), 500, "E410")
        assert "RuntimeError" in error["message"] and "disk on fire" not in error["message"]
        page = c.get("/articles", headers=HTML)
        assert page.status_code == 500 and "E410" in page.text
        assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY

        def store_failed(self: StoreProvider) -> Any:
            raise NewsgraphError(Errors.E310, db="x.db", reason="database is locked")

        monkeypatch.setattr(StoreProvider, "use", store_failed)
        assert "database is locked" in assert_error(c.get("/api/quotes"), 500, "E310")["message"]


def test_names_with_slashes_reach_the_entity_route(client: TestClient) -> None:
    assert "AC/DC" in assert_error(client.get("/api/entities/AC%2FDC"), 404, "E401")["message"]
    assert_error(client.get("/api/places/Nowhere/At/All"), 404, "E401")


def test_an_empty_store_shows_clear_empty_states(tmp_path: Path) -> None:
    path = str(tmp_path / "empty.db")
    open_store(path).close()
    with TestClient(create_app(path)) as c:
        for page, text in [
            ("/", "No articles yet."),
            ("/articles", "No articles yet."),
            ("/entities", "No people or organisations yet."),
            ("/quotes", "No quotes yet."),
            ("/places", "No places yet."),
            ("/claims", "No claims yet."),
            ("/predictions", "No predictions yet."),
            ("/events", "No events yet."),
            ("/timeline", "No dated articles yet."),
            ("/claims?since=2020", "No claims match these filters yet."),
        ]:
            response = c.get(page, headers=HTML)
            assert response.status_code == 200, page
            assert text in response.text, page
        search = c.get("/search", params={"q": "anything"}, headers=HTML)
        assert search.status_code == 200 and "Nothing matches" in search.text
        assert c.get("/api/articles").json() == {
            "items": [],
            "total": 0,
            "limit": 20,
            "offset": 0,
            "next": None,
            "prev": None,
        }
