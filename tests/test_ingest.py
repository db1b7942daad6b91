"""Readers: every input kind and encoding becomes Articles; every bad input a one-line failure."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsgraph.article import Article
from newsgraph.errors import NewsgraphError
from newsgraph.ingest import iter_articles, kind_of, read_stream
from newsgraph.ingest.jsonl import JsonFields, iso_date
from newsgraph.settings import Settings

CYRILLIC = (
    "Жители Харькова получили новые квартиры.\n\n"
    "Мэр города Олег Петренко сказал, что работы закончатся летом, а школы откроются в сентябре.\n"
)
ENGLISH = "Heavy rain flooded parts of Lviv on Tuesday.\n\nThe city council said the water was falling.\n"

PAGE = """<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Floods reach Lviv | The Lviv Example</title>
<meta property="og:title" content="Floods reach Lviv">
<meta property="article:published_time" content="2023-04-12T08:00:00+00:00">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article><h1>Floods reach Lviv</h1>
<p>Heavy rain caused the river Poltva to flood parts of Lviv on Tuesday, the city council said in a
statement released in the morning.</p>
<h2>Residents evacuated</h2>
<p>About two hundred residents were moved to schools in the north of the city, according to council
spokesman Ostap Melnyk, who added that the water was falling.</p>
<p>“We expect the situation to improve by Thursday,” Melnyk told reporters.</p>
</article>
<footer>All rights reserved. Share this on Facebook.</footer>
</body></html>
"""


def read(*paths: Path | str, **options: object) -> list[Article]:
    return list(iter_articles([str(p) for p in paths], Settings(**options)))  # type: ignore[arg-type]


def assert_failed(article: Article, source: str, code: str) -> None:
    assert article.error is not None, article
    assert article.source == source
    assert article.error.startswith(code), article.error
    assert source in article.error and "\n" not in article.error
    assert article.text == ""


# Plain text


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1251", "koi8-r"])
def test_text_in_every_encoding_reads_the_same(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / f"article-{encoding}.txt"
    path.write_bytes(CYRILLIC.encode(encoding))
    (article,) = read(path)
    assert article.error is None
    assert article.text == article.raw == CYRILLIC
    assert article.source == str(path)


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
def test_short_cyrillic_lines_are_told_apart(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "short.txt"
    path.write_bytes("Это тест.".encode(encoding))
    assert read(path)[0].text == "Это тест."


def test_western_single_byte_text_reads(tmp_path: Path) -> None:
    text = "Die Bürger von München sind über die Straßenbahn verärgert, sagte Jürgen Müller."
    path = tmp_path / "de.txt"
    path.write_bytes(text.encode("cp1252"))
    assert read(path)[0].text == text


def test_unknown_extension_is_read_as_text(tmp_path: Path) -> None:
    path = tmp_path / "article.news"
    path.write_text(ENGLISH, encoding="utf-8")
    assert read(path)[0].text == ENGLISH


def test_as_is_keeps_text_byte_for_byte(tmp_path: Path) -> None:
    raw = "Leave a Reply\r\n\r\n< h4>Kyiv, June 21\r\n"
    path = tmp_path / "clean.txt"
    path.write_bytes(raw.encode("utf-8"))
    (article,) = read(path, as_is=True)
    assert article.text == raw and article.as_is


def test_published_setting_wins_over_the_input(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    assert read(page)[0].published == "2023-04-12"
    assert read(page, published="2022-06-21")[0].published == "2022-06-21"


# HTML


def test_html_gives_main_text_title_date_and_language(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    (article,) = read(path)
    assert article.error is None
    assert article.title == "Floods reach Lviv"
    assert article.published == "2023-04-12"
    assert article.language == "en"
    paragraphs = article.text.split("\n\n")
    assert paragraphs[1].startswith("Heavy rain caused the river Poltva")
    assert "Residents evacuated" in paragraphs  # headings stay, as paragraphs of their own
    assert "Home" not in article.text and "All rights reserved" not in article.text
    # The raw text of a page is the extracted text: offsets point into it.
    assert article.raw == article.text


def test_html_byline_becomes_the_author_and_a_page_without_one_has_none(tmp_path: Path) -> None:
    signed = tmp_path / "signed.html"
    signed.write_text(
        PAGE.replace("<head>", '<head><meta name="author" content="Halyna Shevchuk">', 1), encoding="utf-8"
    )
    unsigned = tmp_path / "unsigned.html"
    unsigned.write_text(PAGE, encoding="utf-8")
    assert read(signed)[0].author == "Halyna Shevchuk"
    assert read(unsigned)[0].author is None
    assert read(signed)[0].url is None  # a file has no address; fetched pages and WARC records do


def test_html_with_a_malformed_meta_date_gets_no_date_and_no_guess(tmp_path: Path) -> None:
    # htmldate's extensive search used to hand this to dateparser: 10 s, then a wrong 2023-01-01.
    page = tmp_path / "page.html"
    page.write_text(
        PAGE.replace(
            "<head>", '<head><meta property="article:published_time" content="2023-0+4-12T08:00:00">', 1
        ).replace("2023-04-12", "no date here"),
        encoding="utf-8",
    )
    (article,) = read(page)
    assert article.error is None and article.published is None


def test_html_declaring_a_legacy_charset_is_decoded_by_it(tmp_path: Path) -> None:
    page = PAGE.replace('charset="utf-8"', 'charset="windows-1251"').replace("Ostap Melnyk", "Остап Мельник")
    path = tmp_path / "page.htm"
    path.write_bytes(page.encode("cp1251"))
    assert "Остап Мельник" in read(path)[0].text


def test_html_with_as_is_is_the_decoded_page(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(PAGE, encoding="utf-8")
    assert read(path, as_is=True)[0].text == PAGE


def test_stdin_is_sniffed_as_html_or_text() -> None:
    html = read_stream(io.BytesIO(PAGE.encode()), "-", Settings())
    assert html.title == "Floods reach Lviv" and html.source == "-"
    text = read_stream(io.BytesIO(b"< h4>Kyiv, June 21\n\nThe talks ended."), "-", Settings())
    assert text.text == "< h4>Kyiv, June 21\n\nThe talks ended."


# JSON


def test_jsonl_bad_line_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    lines = [
        json.dumps(
            {"text": ENGLISH, "title": "Floods", "date": "2023-04-12T08:00:00Z", "url": "http://x.test/1"}
        ),
        "[1, 2, 3]",
        "{not json",
        "",
        json.dumps({"html": PAGE}),
        json.dumps({"title": "no text here"}),
        json.dumps({"text": 42}),
        json.dumps({"text": "The last one.", "date": "Tue, 21 Jun 2022 10:00:00 +0300", "language": "en"}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    articles = read(path)
    assert [a.source for a in articles] == [f"{path}:{n}" for n in (1, 2, 3, 5, 6, 7, 8)]
    first, as_list, broken, page, no_text, number, last = articles
    assert (first.text, first.title, first.published, first.error) == (ENGLISH, "Floods", "2023-04-12", None)
    assert_failed(as_list, f"{path}:2", "E006")
    assert "array" in (as_list.error or "")
    assert_failed(broken, f"{path}:3", "E006")
    assert page.error is None and page.title == "Floods reach Lviv"
    assert_failed(no_text, f"{path}:6", "E007")
    assert_failed(number, f"{path}:7", "E006")
    assert (last.text, last.published, last.language) == ("The last one.", "2022-06-21", "en")


def test_jsonl_line_over_the_limit_fails_alone(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    long_line = json.dumps({"text": "word " * 100})
    path.write_text(f'{{"text": "Short."}}\n{long_line}\n{{"text": "After."}}\n', encoding="utf-8")
    short, long, after = read(path, max_bytes=200)
    assert (short.text, after.text) == ("Short.", "After.")
    assert_failed(long, f"{path}:2", "E008")


def test_json_array_single_object_and_lines(tmp_path: Path) -> None:
    array = tmp_path / "array.json"
    array.write_text(json.dumps([{"text": "One."}, {"text": "Two."}]), encoding="utf-8")
    single = tmp_path / "single.json"
    single.write_text(json.dumps({"body": "Only.", "headline": "H"}), encoding="utf-8")
    lines = tmp_path / "lines.json"
    lines.write_text('{"text": "L1"}\n{"text": "L2"}\n', encoding="utf-8")
    fields = JsonFields(text="body", title="headline")
    assert [(a.source, a.text) for a in read(array)] == [(f"{array}:1", "One."), (f"{array}:2", "Two.")]
    (only,) = iter_articles([str(single)], Settings(), json_fields=fields)
    assert (only.source, only.text, only.title) == (str(single), "Only.", "H")
    assert [a.text for a in read(lines)] == ["L1", "L2"]


def test_the_json_field_mapping_comes_from_the_settings_too(tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    path.write_text('{"body": "Taras Boyko spoke in Lviv.", "when": "2024-02-01"}\n', encoding="utf-8")
    settings = Settings(json_fields=(("text", "body"), ("date", "when")))
    (article,) = iter_articles([str(path)], settings)
    assert (article.text, article.published, article.error) == (
        "Taras Boyko spoke in Lviv.",
        "2024-02-01",
        None,
    )
    (unmapped,) = iter_articles([str(path)], Settings())
    assert unmapped.error is not None and unmapped.error.startswith("E007")
    for bad in ((("bogus", "x"),), (("text", ""),)):
        with pytest.raises(NewsgraphError, match="E202 bad value for json_fields"):
            Settings(json_fields=bad)


def test_iso_dates_from_fields() -> None:
    assert iso_date("2022-06-21") == "2022-06-21"
    assert iso_date("2022-06-21T14:00:00+03:00") == "2022-06-21"
    assert iso_date("Tue, 21 Jun 2022 10:00:00 GMT") == "2022-06-21"
    assert iso_date("2022-13-45") is None and iso_date("last Tuesday") is None and iso_date(20220621) is None


# WARC


def write_warc(path: Path, pages: list[tuple[str, str]], *, compress: bool) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    for uri, html in pages:
        payload = html.encode("utf-8")
        headers = StatusAndHeaders(
            "200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1"
        )
        writer.write_record(
            writer.create_warc_record(
                uri, "response", payload=io.BytesIO(payload), length=len(payload), http_headers=headers
            )
        )
        request = b"GET / HTTP/1.1\r\nHost: x.test\r\n\r\n"
        writer.write_record(
            writer.create_warc_record(uri, "request", payload=io.BytesIO(request), length=len(request))
        )
    data = buffer.getvalue()
    path.write_bytes(data)
    return data


def pages(n: int) -> list[tuple[str, str]]:
    return [
        (f"http://news.test/{i}", PAGE.replace("Floods reach Lviv", f"Floods reach Lviv {i}"))
        for i in range(n)
    ]


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_response_records_become_articles(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    write_warc(path, pages(3), compress=name.endswith(".gz"))
    articles = read(path)
    assert [a.source for a in articles] == [f"http://news.test/{i}" for i in range(3)]
    assert [a.title for a in articles] == [f"Floods reach Lviv {i}" for i in range(3)]
    assert [a.url for a in articles] == [f"http://news.test/{i}" for i in range(3)]
    assert all(a.error is None and a.published == "2023-04-12" for a in articles)


def test_warc_records_without_an_html_page_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "mixed.warc.gz"
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for uri, status, content_type, payload in [
        ("http://news.test/logo.png", "200 OK", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(64)),
        ("http://news.test/old", "301 Moved Permanently", "text/html", b"<html><body>Moved</body></html>"),
        ("http://news.test/story", "200 OK", "text/html", PAGE.encode("utf-8")),
    ]:
        headers = StatusAndHeaders(status, [("Content-Type", content_type)], protocol="HTTP/1.1")
        record = writer.create_warc_record(
            uri, "response", payload=io.BytesIO(payload), length=len(payload), http_headers=headers
        )
        writer.write_record(record)
    path.write_bytes(buffer.getvalue())
    assert [(a.source, a.error) for a in read(path)] == [("http://news.test/story", None)]


def test_truncated_warc_gz_fails_and_keeps_what_came_before(tmp_path: Path) -> None:
    path = tmp_path / "cut.warc.gz"
    data = write_warc(path, pages(3), compress=True)
    path.write_bytes(data[: len(data) * 3 // 4])
    articles = read(path)
    assert [a.error is None for a in articles][:2] == [True, True]
    assert articles[-1].error is not None and articles[-1].error.startswith("E009")
    assert "\n" not in articles[-1].error


def test_broken_warc_record_does_not_stop_later_ones(tmp_path: Path) -> None:
    path = tmp_path / "broken.warc.gz"
    data = write_warc(path, pages(3), compress=True)
    members = [i for i in range(len(data)) if data.startswith(b"\x1f\x8b\x08", i)]
    second = members[2]  # the response record of page 1 (page 0 has a response and a request)
    path.write_bytes(data[: second + 20] + b"\x00damaged\x00" * 4 + data[second + 60 :])
    articles = read(path)
    assert [a.source for a in articles if a.error is None] == ["http://news.test/0", "http://news.test/2"]
    (failed,) = [a for a in articles if a.error]
    assert failed.error is not None and failed.error.startswith("E009") and str(path) in failed.error


# Bad inputs, each failing alone


def test_every_bad_input_fails_alone(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(ENGLISH, encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "photo.html"
    binary.write_bytes(bytes(range(256)))
    image = tmp_path / "image.html"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    garbage = tmp_path / "garbage.txt"
    garbage.write_bytes(b"\xc3\x28\xa0\xa1\xe2\x28\xa1\xf0\x28\x8c\xbc\xfe\xfd" * 20)
    missing = tmp_path / "missing.txt"
    large = tmp_path / "large.txt"
    large.write_text("word " * 80, encoding="utf-8")
    gz = tmp_path / "archive.txt.gz"
    gz.write_bytes(gzip.compress(b"text"))
    articles = read(good, empty, binary, image, garbage, missing, large, gz, good, max_bytes=300)
    assert articles[0].error is None and articles[-1].error is None
    for article, path, code in zip(
        articles[1:-1],
        [empty, binary, image, garbage, missing, large, gz],
        ["E002", "E003", "E005", "E003", "E004", "E008", "E005"],
        strict=True,
    ):
        assert_failed(article, str(path), code)


def test_whitespace_only_file_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.txt"
    path.write_text(" \n\n \n", encoding="utf-8")
    assert_failed(read(path)[0], str(path), "E002")


def test_page_without_text_fails(tmp_path: Path) -> None:
    path = tmp_path / "nav.html"
    path.write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    assert_failed(read(path)[0], str(path), "E007")


# Directories


def test_directory_is_walked_sorted_without_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b" / "2.txt").write_text("Two.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "c.txt").write_text("Three.", encoding="utf-8")
    (tmp_path / ".secret.txt").write_text("Hidden.", encoding="utf-8")
    (tmp_path / ".hidden" / "x.txt").write_text("Hidden too.", encoding="utf-8")
    assert [a.text for a in read(tmp_path)] == ["One.", "Three.", "Two."]


def test_empty_directory_fails(tmp_path: Path) -> None:
    assert_failed(read(tmp_path)[0], str(tmp_path), "E011")


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("a.txt", "text"),
        ("a.HTML", "html"),
        ("a.htm", "html"),
        ("a.jsonl", "jsonl"),
        ("a.json", "json"),
        ("a.warc", "warc"),
        ("a.warc.gz", "warc"),
        ("a.md", "text"),
    ],
)
def test_kind_of_file_names(name: str, kind: str) -> None:
    assert kind_of(Path(name)) == kind
