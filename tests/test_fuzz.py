"""Property tests: every reader and `analyze` turn any input into Articles, never an exception.

Structured generators (text in many encodings, HTML trees, JSON Lines, WARC archives cut and
damaged, RSS and Atom feeds) and plain random bytes go through the readers as files; each input
must give Articles that are valid records or failures whose `error` is one catalogue line naming
the input. The runs are derandomised (the same examples every time) and small; fuzz/run.sh is the
long run with atheris (issue 9). The named bad inputs of issue 3 that tests/test_ingest.py and
tests/test_feed.py do not already cover are here too.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import socket
import tempfile
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import validate_record
from newsgraph.api import analyze
from newsgraph.article import Article
from newsgraph.errors import InputError
from newsgraph.ingest import Fetcher, iter_articles, read_path, read_url
from newsgraph.ingest.fetch import Response, read_page
from newsgraph.ingest.html import looks_like_html
from newsgraph.ingest.jsonl import JsonFields, iso_date, iter_json, iter_jsonl
from newsgraph.ingest.text import failed, on_one_line
from newsgraph.ingest.warc import MAX_HEADER_BYTES
from newsgraph.settings import Settings
from test_fetch import LOCAL, redirect
from test_fetch import serve as serve  # the local HTTP server fixture

# No network: feed items are read from the feed alone.
OFFLINE = Settings(follow_links=False)
ERROR_LINE = re.compile(r"^E\d{3} ")
FAST = settings(
    derandomize=True,
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLOW = settings(FAST, max_examples=40)  # trafilatura or the whole pipeline per example

SENTENCE = (
    "Heavy rain flooded parts of Lviv on Tuesday, and council spokesman Ostap Melnyk said the water "
    "was falling while about two hundred residents waited in schools in the north of the city."
)


def check(articles: list[Article], source: str, *, archive: bool = False) -> list[Article]:
    """The readers' promise for one input file; the Articles, for more checks."""
    assert articles or archive, f"{source} gave no Article"
    for article in articles:
        assert archive or article.source.startswith(source), (source, article.source)
        check_article(article)
    return articles


def check_article(article: Article) -> None:
    if article.error is not None:
        assert ERROR_LINE.match(article.error), article.error
        assert len(article.error.splitlines()) == 1, article.error
        assert on_one_line(article.source or "<text>") in article.error, article.error
        assert article.text == ""
    for clean, raw, length in article.raw_offsets:
        assert clean >= 0 and clean + length <= len(article.text), article.raw_offsets
        assert raw >= 0 and raw + length <= len(article.raw), article.raw_offsets
    article.to_json().encode("utf-8")  # no lone surrogate: every record can be written out
    validate_record(article.to_dict())


def read_bytes(data: bytes, name: str, options: Settings = OFFLINE) -> tuple[list[Article], str]:
    """Write `data` as a file called `name` and read it; the Articles and the file's path."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        return list(read_path(path, options, source=str(path))), str(path)


# Random bytes under every name


NAMES = ["a.txt", "a.html", "a.json", "a.jsonl", "a.warc", "a.warc.gz", "a.rss", "a.xml", "a.atom"]


@FAST
@given(st.binary(max_size=2000), st.sampled_from(NAMES), st.booleans())
def test_random_bytes_under_every_name_fail_cleanly(data: bytes, name: str, as_is: bool) -> None:
    articles, source = read_bytes(data, name, OFFLINE.but(as_is=as_is))
    # Random bytes are never a WARC of non-HTML records: a WARC too must give at least a failure.
    check(articles, source, archive=False)


@pytest.mark.parametrize("name", NAMES)
def test_an_empty_file_of_any_kind_is_one_clear_failure(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")
    (article,) = read_path(path, OFFLINE, source=str(path))
    assert article.error is not None and article.error.startswith("E002 " + str(path)), article.error


def test_a_folder_that_cannot_be_listed_is_one_failure_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "locked").mkdir()
    (tmp_path / "locked" / "b.txt").write_text(SENTENCE, encoding="utf-8")
    (tmp_path / "z.txt").write_text(SENTENCE, encoding="utf-8")
    walk = os.walk

    def refusing_walk(top: str, onerror: Any = None) -> Iterator[tuple[str, list[str], list[str]]]:
        for folder, dirs, files in walk(top, onerror=onerror):
            if folder.endswith("locked"):  # as os.walk does for a folder it may not list (root may list all)
                onerror(PermissionError(13, "Permission denied", folder))
                continue
            yield folder, dirs, files

    monkeypatch.setattr("newsgraph.ingest.os.walk", refusing_walk)
    articles = list(iter_articles([str(tmp_path)], OFFLINE))
    assert [a.source for a in articles] == [str(tmp_path / n) for n in ("a.txt", "z.txt", "locked")]
    assert articles[2].error == f"E001 cannot read {tmp_path / 'locked'}: Permission denied"


# Plain text in random encodings


ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1251", "koi8-r", "cp1252"]
BOMS = [b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]
printable = st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029")


@FAST
@given(
    st.text(st.one_of(printable, st.sampled_from("\n\t\x00\x07\x1b")), max_size=400),
    st.sampled_from(ENCODINGS),
    st.sampled_from(BOMS),
    st.binary(max_size=8),
)
def test_text_in_random_encodings_with_boms_reads_or_fails_cleanly(
    text: str, encoding: str, bom: bytes, junk: bytes
) -> None:
    data = text.encode(encoding, errors="replace")
    for variant in (data, bom + data, data + junk, junk + data):
        check(*read_bytes(variant, "a.txt"))


@FAST
@given(
    st.text(printable.filter(str.isprintable), min_size=1, max_size=300),
    st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-32"]),
)
def test_text_with_a_byte_order_mark_or_in_utf8_reads_back_exactly(text: str, encoding: str) -> None:
    (article,), _ = read_bytes(text.encode(encoding), "a.txt")
    if text.strip():
        assert article.error is None and article.text == text
    else:
        assert article.error is not None and article.error.startswith("E002")


def test_invalid_utf8_in_every_reader_is_one_clear_line(tmp_path: Path) -> None:
    broken = b"\xc3\x28 caf\xe9 \xf0\x28\x8c\x28 " * 30
    for name, data in [
        ("a.jsonl", b'{"text": "' + broken + b'"}\n{"text": "After."}\n'),
        (
            "a.rss",
            b'<?xml version="1.0" encoding="utf-8"?><rss><channel><item><title>' + broken + b"</title>",
        ),
        ("a.html", b"<html><body><p>" + broken + b"</p></body></html>"),
    ]:
        path = tmp_path / name
        path.write_bytes(data)
        articles = check(list(read_path(path, OFFLINE, source=str(path))), str(path))
        assert articles[0].error is not None or articles[0].text, (name, articles[0])
    # The line after a broken JSON line is still read.
    assert [a.text for a in read_path(tmp_path / "a.jsonl", OFFLINE)][1] == "After."


# HTML: random nesting and attributes


TAGS = [
    "div",
    "p",
    "span",
    "article",
    "main",
    "section",
    "h1",
    "h2",
    "a",
    "b",
    "ul",
    "li",
    "table",
    "tr",
    "td",
    "nav",
    "footer",
    "header",
    "aside",
    "script",
    "style",
    "blockquote",
    "pre",
    "form",
    "iframe",
]
ATTRIBUTES = st.sampled_from(
    [
        'class="content"',
        'class="comments"',
        'id="main"',
        'href="javascript:alert(1)"',
        'onerror="x()"',
        'lang="uk"',
        'lang="en-GB"',
        'style="display:none"',
        "hidden",
        'data-x="<>&"',
        'role="main"',
    ]
)
words = st.sampled_from(
    [
        SENTENCE,
        "Read also",
        "Share this",
        "Kharkiv",
        "&amp;",
        "&#0;",
        "&bogus;",
        "<!--",
        "]]>",
        "\u202e",
        "Жители Харькова",
        "",
    ]
)


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.builds(
        lambda tag, attrs, inner, close: (
            f"<{tag} {' '.join(attrs)}>{''.join(inner)}" + (f"</{tag}>" if close else "")
        ),
        st.sampled_from(TAGS),
        st.lists(ATTRIBUTES, max_size=3),
        st.lists(children, max_size=4),
        st.booleans(),
    )


html_trees = st.recursive(words, element, max_leaves=25)


@SLOW
@given(
    html_trees,
    st.sampled_from(
        [
            "",
            '<meta charset="koi8-r">',
            '<meta charset="nonsense">',
            '<meta charset="base64">',
            "<title>T &amp; t</title>",
        ]
    ),
    st.sampled_from(["<!DOCTYPE html>", "", "\ufeff", "<?xml version='1.0'?>"]),
)
def test_html_with_random_nesting_and_attributes_reads_or_fails_cleanly(
    body: str, head: str, doctype: str
) -> None:
    page = f"{doctype}<html><head>{head}</head><body>{body}</body></html>"
    (article,), source = read_bytes(page.encode("utf-8"), "a.html")
    check([article], source)
    assert article.error is None or article.error[:4] in {"E002", "E003", "E007", "E010"}, article.error


@pytest.mark.parametrize(
    "charset", ["base64", "rot13", "hex", "zlib", "undefined", "idna", "utf-7", "no-such"]
)
def test_a_page_declaring_a_codec_that_is_no_text_encoding_is_guessed(tmp_path: Path, charset: str) -> None:
    path = tmp_path / "page.html"
    body = f"<p>{SENTENCE}</p><p>Caf\u00e9 prices in Lviv rose again.</p>"
    path.write_bytes(
        f'<html><head><meta charset="{charset}"></head><body>{body}</body></html>'.encode("cp1252")
    )
    (article,) = read_path(path, OFFLINE, source=str(path))
    assert article.error is None and "Café prices in Lviv" in article.text


page_bodies = st.one_of(
    st.binary(max_size=300),
    html_trees.map(lambda body: f"<html><body>{body}</body></html>".encode("utf-8", "surrogatepass")),
    st.sampled_from([b"<rss><channel></channel></rss>", b"\xef\xbb\xbf<!doctype html><p>x</p>", b"%PDF-1.4"]),
)


@SLOW
@given(
    st.one_of(
        st.none(),
        st.sampled_from(
            [
                "text/html",
                "text/plain",
                "application/rss+xml",
                "image/png",
                "application/octet-stream",
                "application/xhtml+xml",
            ]
        ),
        st.text(max_size=12),
        st.just("text/x\nhtml\x0b"),
    ),
    st.one_of(
        st.none(),
        st.sampled_from(["utf-8", "koi8-r", "base64", "undefined", "utf-16", "nonsense", "", "utf\x008"]),
    ),
    page_bodies,
)
def test_a_fetched_answer_of_any_type_and_charset_reads_or_fails_cleanly(
    media_type: str | None, charset: str | None, body: bytes
) -> None:
    url = "https://news.test/page"
    response = Response(url, url, 200, media_type, charset, body)
    try:
        article = read_page(response, source=url, settings=OFFLINE)
    except InputError as exc:
        article = failed(url, exc)  # as read_url and the feed reader record it
    check([article], url)


def test_binary_data_named_html_fails_as_not_text(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(gzip.compress(SENTENCE.encode() * 10)[:200])  # a truncated gzip under an HTML name
    (article,) = read_path(path, OFFLINE, source=str(path))
    assert article.error is not None and article.error.startswith(f"E005 {path}") and "gzip" in article.error


def test_a_50_mb_html_page_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as out:
        out.write(b"<html><body>")
        chunk = f"<p>{SENTENCE}</p>\n".encode() * 5000
        while out.tell() < 50_000_100:
            out.write(chunk)
    started = time.monotonic()
    (article,) = read_path(path, Settings(), source=str(path))
    assert time.monotonic() - started < 2
    assert article.error is not None and article.error.startswith(f"E008 {path} is too large")
    assert "limit is 50000000" in article.error


# JSON Lines: random types and field mappings


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
KEYS = ["text", "html", "title", "url", "date", "language", "body", "headline"]
records = st.dictionaries(
    st.sampled_from(KEYS),
    st.one_of(
        json_values,
        st.sampled_from(
            [
                SENTENCE,
                f"<html><body><p>{SENTENCE}</p></body></html>",
                "2022-06-21",
                "Tue, 21 Jun 99999999999 10:00:00 +0300",
                "\ud800 half",
                "  ",
            ]
        ),
    ),
    max_size=6,
)
raw_lines = st.sampled_from(
    [
        "{broken",
        "[1, 2]",
        '"a string"',
        "null",
        "[" * 5000,
        "1" * 5000,
        "\ufeff{}",
        '{"text": NaN}',
        '{"text": "a", "text": 1}',
        " ",
    ]
)
fields = st.builds(
    JsonFields,
    text=st.sampled_from(["text", "body"]),
    title=st.sampled_from(["title", "headline"]),
    html=st.sampled_from(["html", "body"]),
)


@SLOW
@given(
    st.lists(st.one_of(records.map(json.dumps), raw_lines), max_size=8),
    fields,
    st.sampled_from(["\n", "\r\n"]),
)
def test_json_lines_with_random_types_and_fields_fail_line_by_line(
    lines: list[str], json_fields: JsonFields, newline: str
) -> None:
    data = newline.join(lines).encode("utf-8", "surrogatepass")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "a.jsonl"
        path.write_bytes(data)
        articles = check(list(iter_jsonl(path, str(path), OFFLINE, json_fields)), str(path))
    numbered = [f"{path}:{n}" for n, line in enumerate(lines, 1) if line.strip()]
    assert [a.source for a in articles] == (numbered or [str(path)])


@SLOW
@given(st.one_of(json_values, st.lists(records, max_size=4)), fields)
def test_json_files_of_any_value_fail_cleanly(value: Any, json_fields: JsonFields) -> None:
    data = json.dumps(value).encode("utf-8", "surrogatepass")
    try:
        articles = list(iter_json(data, "a.json", OFFLINE, json_fields))
    except Exception as exc:  # iter_json may refuse the whole file: only as an InputError
        assert isinstance(exc, InputError), exc
        articles = [Article.failed("a.json", str(exc))]
    check(articles, "a.json")


def test_json_that_python_cannot_hold_is_bad_json(tmp_path: Path) -> None:
    path = tmp_path / "odd.jsonl"
    path.write_text("[" * 100_000 + "\n" + "1" * 5000 + '\n{"text": "Fine."}\n', encoding="utf-8")
    deep, long, fine = read_path(path, OFFLINE, source=str(path))
    assert deep.error is not None and deep.error.startswith(f"E006 {path}:1") and "nested" in deep.error
    assert long.error is not None and long.error.startswith(f"E006 {path}:2")
    assert fine.text == "Fine."


def test_half_a_character_in_json_becomes_the_replacement_character(tmp_path: Path) -> None:
    path = tmp_path / "half.jsonl"
    path.write_text('{"text": "Kyiv \\ud83d today", "title": "\\udc00"}\n', encoding="utf-8")
    (article,) = read_path(path, OFFLINE)
    assert (article.text, article.title) == ("Kyiv \ufffd today", "\ufffd")
    article.to_json().encode("utf-8")


def test_an_empty_json_array_is_no_article(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("[]", encoding="utf-8")
    (article,) = read_path(path, OFFLINE, source=str(path))
    assert article.error is not None and article.error.startswith(f"E007 {path}")


def test_a_date_with_a_year_too_long_for_python_is_no_date() -> None:
    assert iso_date("Tue, 21 Jun 99999999999 10:00:00 +0300") is None


# WARC: random headers and lengths, gzip members cut short, damage mid-file


content_types = st.sampled_from(
    [
        "text/html",
        "text/html; charset=utf-8",
        "text/html; charset=nonsense",
        "text/html; charset=koi8-r",
        "application/xhtml+xml",
        "image/png",
        "",
        "text/plain",
        'TEXT/HTML;;charset=""',
    ]
)
payloads = st.one_of(
    st.just(f"<html><body><article><p>{SENTENCE}</p></article></body></html>".encode()),
    html_trees.map(lambda body: f"<html><body>{body}</body></html>".encode()),
    st.binary(max_size=200),
)
warc_records = st.tuples(
    st.sampled_from(["response", "resource", "request", "metadata", "revisit"]),
    st.sampled_from(["200 OK", "404 Not Found", "301 Moved", "204 No Content", "999 ?"]),
    content_types,
    payloads,
    st.sampled_from(["http://news.test/a", "http://news.test/b c", "urn:x"]),
)


def build_warc(records: list[tuple[str, str, str, bytes, str]], compress: bool) -> tuple[bytes, int]:
    """The archive and how many of its records are successful HTML pages."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    pages = 0
    for kind, status, content_type, payload, uri in records:
        if kind == "request":  # warcio parses a request's headers from its payload
            payload = b"GET / HTTP/1.1\r\nHost: news.test\r\n\r\n"
        headers = [("Content-Type", content_type)] if content_type else []
        http = (
            StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            if kind in ("response", "revisit")
            else None
        )
        record = writer.create_warc_record(
            uri,
            kind,
            payload=io.BytesIO(payload),
            length=len(payload),
            http_headers=http,
            warc_content_type=content_type if kind == "resource" else "",
        )
        writer.write_record(record)
        # warcio writes application/warc-record for a resource given no type
        declared = content_type or ("application/warc-record" if kind == "resource" else "")
        media = declared.split(";")[0].strip().lower()
        html = media in ("text/html", "application/xhtml+xml") or (not media and looks_like_html(payload))
        if html and (kind == "resource" or (kind == "response" and status.startswith("2"))):
            pages += 1
    return buffer.getvalue(), pages


@SLOW
@given(
    st.lists(warc_records, min_size=1, max_size=4),
    st.booleans(),
    st.sampled_from(["intact", "cut", "damaged", "doubled"]),
    st.integers(min_value=0, max_value=10_000),
    st.binary(min_size=1, max_size=40),
)
def test_warc_with_random_records_cut_and_damaged_reads_or_fails_cleanly(
    records: list[tuple[str, str, str, bytes, str]], compress: bool, change: str, at: int, junk: bytes
) -> None:
    data, pages = build_warc(records, compress)
    at %= len(data)
    if change == "cut":
        data = data[:at]
    elif change == "damaged":
        data = data[:at] + junk + data[at + len(junk) :]
    elif change == "doubled":
        data = data[:at] + data
    name = "a.warc.gz" if compress else "a.warc"
    articles, source = read_bytes(data, name)
    check(articles, source, archive=True)
    if change == "intact":
        assert len(articles) == pages, [(a.source, a.error) for a in articles]
    for article in articles:
        if article.error is not None and article.error.startswith("E009"):
            assert source in article.error, article.error  # a broken record names its file too


@pytest.mark.parametrize("compress", [False, True])
def test_a_response_without_its_url_is_a_broken_record_and_the_next_is_read(compress: bool) -> None:
    page = f"<html><body><article><p>{SENTENCE}</p></article></body></html>".encode()
    records = [
        ("response", "200 OK", "text/html", page, uri)
        for uri in ("http://news.test/1", "", "http://news.test/3")
    ]
    data, _ = build_warc(records, compress)
    first, broken, last = check(*read_bytes(data, "a.warc"), archive=True)
    assert (first.source, first.error, last.source, last.error) == (
        "http://news.test/1",
        None,
        "http://news.test/3",
        None,
    )
    assert broken.error is not None and broken.error.startswith(f"E009 {broken.source}: broken WARC")
    assert "warcio cannot parse the record: AttributeError" in broken.error


@pytest.mark.parametrize(
    "head",
    [b"", b"WARC/1.0\r\nWARC-Type: response\r\nX-Long: ", b"WARC/1.0\r\n" + b"X-Many: header\r\n" * 10],
)
def test_a_warc_gz_whose_header_line_inflates_without_end_fails_fast(tmp_path: Path, head: bytes) -> None:
    """A few kilobytes of gzip that inflate into a header line far longer than any record's headers."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    body = compressor.compress(head)
    for _ in range(3 * MAX_HEADER_BYTES // 65536):
        body += compressor.compress(b"a" * 65536)
    page = f"<html><body><article><p>{SENTENCE}</p></article></body></html>".encode()
    good, _ = build_warc([("response", "200 OK", "text/html", page, "http://news.test/after")], True)
    path = tmp_path / "bomb.warc.gz"
    path.write_bytes(body + compressor.compress(b"\r\n\r\n") + compressor.flush() + good)
    started = time.monotonic()
    broken, after = check(list(read_path(path, OFFLINE, source=str(path))), str(path), archive=True)
    assert time.monotonic() - started < 5
    assert (
        broken.error == f"E009 {path}@0: broken WARC (its headers are longer than {MAX_HEADER_BYTES} bytes)"
    )
    assert (after.source, after.error) == ("http://news.test/after", None)


def test_a_file_that_claims_no_size_is_still_cut_at_the_limit() -> None:
    path = Path("/proc/self/maps")  # st_size 0, yet it has content
    if not path.is_file():
        pytest.skip("needs /proc (Linux)")
    (article,) = read_path(path, Settings(max_bytes=100))
    assert (
        article.error
        == f"E008 {path} is too large (more than 100 bytes; the limit is 100): split it or raise --max-bytes"
    )


# Feeds: RSS and Atom with random elements


def xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wrap(tag: str, value: str) -> str:
    return f"<{tag}>{xml_text(value)}</{tag}>"


item_parts = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "title",
                "link",
                "description",
                "pubDate",
                "guid",
                "content:encoded",
                "dc:date",
                "summary",
                "content",
                "published",
                "updated",
                "category",
            ]
        ).flatmap(
            lambda tag: st.sampled_from(
                [
                    SENTENCE,
                    "https://news.test/x",
                    "/relative",
                    "Tue, 21 Jun 2022",
                    "2022-06-21T10:00:00Z",
                    "<p>markup</p>",
                    "",
                    "javascript:alert(1)",
                    "http://a\nb",
                    "//[::1/x",
                    " " * 3,
                ]
            ).map(lambda value: wrap(tag, value))
        ),
        st.just(f"<content:encoded><![CDATA[<p>{SENTENCE * 4}</p>]]></content:encoded>"),
        st.just('<link rel="alternate" href="https://news.test/atom"/>'),
        st.just('<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Hi</p></div></content>'),
        st.just('<content type="text" src="https://news.test/src"/>'),
    ),
    max_size=6,
)


def build_feed(kind: str, items: list[list[str]]) -> str:
    inner = "".join(
        ("<entry>" if kind == "atom" else "<item>")
        + "".join(parts)
        + ("</entry>" if kind == "atom" else "</item>")
        for parts in items
    )
    if kind == "atom":
        return f'<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.test/">{inner}</feed>'
    if kind == "rdf":
        return (
            '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            f"<channel><title>T</title></channel>{inner}</rdf:RDF>"
        )
    return (
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        f'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>T</title>{inner}</channel></rss>'
    )


@SLOW
@given(
    st.sampled_from(["rss", "rdf", "atom"]),
    st.lists(item_parts, min_size=1, max_size=4),
    st.sampled_from(
        [
            "",
            '<?xml version="1.0" encoding="utf-8"?>',
            '<?xml version="1.0" encoding="koi8-r"?>',
            '<?xml version="1.0" encoding="base64"?>',
        ]
    ),
    st.one_of(st.none(), st.integers(min_value=0, max_value=5000)),
)
def test_feeds_with_random_elements_give_one_article_per_item(
    kind: str, items: list[list[str]], declaration: str, cut: int | None
) -> None:
    data = (declaration + build_feed(kind, items)).encode("utf-8")
    if cut is not None:
        data = data[: cut % len(data)]
    articles, source = read_bytes(data, "a.rss")
    check(articles, source)
    if "base64" in declaration:  # no text encoding: libxml2 cannot read the feed at all
        assert len(articles) == 1 and (articles[0].error or "").startswith(f"E017 {source}"), articles
    elif cut is None:
        assert [a.source for a in articles] == [f"{source}#{n}" for n in range(1, len(items) + 1)]
    elif len(articles) == 1 and articles[0].error and articles[0].source == source:
        assert articles[0].error[:4] in {"E002", "E017"}, articles[0].error


# URLs: any string given as a URL, without the network


def loopback(host: str, port: int, **_: Any) -> list[tuple[Any, ...]]:
    """A resolver that sends every host to 127.0.0.1, which the fetcher refuses: no request leaves."""
    return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]


url_prefixes = st.sampled_from(
    [
        "http://",
        "https://",
        "HTTP://",
        "ftp://",
        "file:///",
        "data:text/html,",
        "javascript:",
        "http://[",
        "http://[::1",
        "http://user:pw@",
        "https://xn--",
        "http://a.test:99999/",
        "http://a.test:x/",
        "//",
    ]
)


@FAST
@given(
    st.one_of(st.text(min_size=1, max_size=60), st.builds(str.__add__, url_prefixes, st.text(max_size=40)))
)
def test_any_url_is_refused_with_one_clear_line(url: str) -> None:
    articles = list(read_url(url, OFFLINE, fetcher=Fetcher(OFFLINE, resolve=loopback)))
    assert len(articles) == 1 and articles[0].source == url
    check_article(articles[0])
    assert articles[0].error is not None and articles[0].error[:4] in {"E012", "E013"}, articles[0].error


def test_a_url_with_a_line_break_fails_on_one_line() -> None:
    (article,) = read_url("http://news.test/a\nb", OFFLINE)
    assert (
        article.error
        == "E012 http://news.test/a\\nb: URL refused (the URL contains spaces or control characters)"
    )


def test_a_file_name_with_a_line_break_fails_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "two\nlines.txt"
    path.write_bytes(b"")
    (article,) = read_path(path, OFFLINE)
    assert (
        article.source == str(path)
        and article.error == f"E002 {tmp_path}/two\\nlines.txt is empty: there is no text to analyse"
    )


def test_a_redirect_to_a_malformed_url_is_a_clear_error(serve: Any) -> None:
    server = serve({"/go": redirect("http://[::1/x")})
    (article,) = read_url(server.url("/go"), LOCAL)
    assert article.error is not None and article.error.startswith(f"E013 {server.url('/go')}: cannot fetch")
    assert "malformed URL" in article.error


def test_a_robots_txt_with_digits_python_cannot_read_keeps_its_rules(serve: Any) -> None:
    robots = "User-agent: *\nCrawl-delay: \u00b2\nRequest-rate: \u00b2/5\nDisallow: /private\n".encode()
    page = f"<html><body><article><p>{SENTENCE}</p></article></body></html>".encode()
    html = {"Content-Type": "text/html; charset=utf-8"}
    server = serve(
        {"/robots.txt": (200, {}, robots), "/news": (200, html, page), "/private": (200, html, page)}
    )
    news, private = (next(read_url(server.url(path), LOCAL)) for path in ("/news", "/private"))
    assert news.error is None and news.text == SENTENCE
    assert private.error is not None and private.error.startswith("E015") and "robots.txt" in private.error


def test_a_feed_with_a_malformed_base_or_link_reads(tmp_path: Path) -> None:
    item = f"<item><title>T</title><link>//[::1/a</link><description>{SENTENCE}</description></item>"
    path = tmp_path / "odd.rss"
    path.write_text(
        f'<rss version="2.0" xml:base="http://[bad/"><channel>{item}</channel></rss>', encoding="utf-8"
    )
    (article,) = read_path(path, OFFLINE, source=str(path))
    assert article.error is None and article.text == SENTENCE
    feed_url = "https://news.test/feed.rss"
    (linked,) = list(iter_feed_bytes(path.read_bytes().replace(b' xml:base="http://[bad/"', b""), feed_url))
    assert linked.error is not None and linked.error.startswith(f"E012 {feed_url}#1 (//[::1/a)"), linked.error


def iter_feed_bytes(data: bytes, url: str) -> list[Article]:
    """A feed fetched from `url` (its base), items with no text followed, every lookup refused."""
    from newsgraph.ingest.feed import iter_feed

    settings = OFFLINE.but(follow_links=True)
    return list(iter_feed(data, url, settings, base_url=url, fetcher=Fetcher(settings, resolve=loopback)))


# Inputs the atheris harnesses found (fuzz/regressions/HARNESS/NAME), replayed as the harness reads them


REGRESSIONS = Path(__file__).resolve().parents[1] / "fuzz" / "regressions"
# As fuzz/fuzz_*.py: the first byte picks the file name (and, its high bit, --as-is); the rest is the file.
HARNESS_NAMES = {
    "text": ("input.txt",),
    "html": ("input.html",),
    "jsonl": ("input.jsonl", "input.json"),
    "warc": ("input.warc", "input.warc.gz"),
    "feed": ("input.rss", "input.xml"),
}


@pytest.mark.parametrize(
    "found", sorted(REGRESSIONS.glob("*/*")), ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_inputs_the_fuzzers_found_are_read_in_bounded_time(found: Path) -> None:
    data = found.read_bytes()
    names = HARNESS_NAMES[found.parent.name]
    options = OFFLINE.but(as_is=bool(data[0] & 0x80))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / names[data[0] % len(names)]
        path.write_bytes(data[1:])
        articles, deadline = [], time.monotonic() + 10
        for article in read_path(path, options, source=str(path)):  # a reader that never ends fails here
            articles.append(article)
            assert time.monotonic() < deadline, f"still reading after {len(articles)} Articles"
    check(articles, str(path), archive=found.parent.name == "warc")


# analyze on text


@pytest.fixture(scope="module")
def warm_pipeline() -> Iterator[None]:
    analyze("Warm-up in Kyiv.")  # loads the spaCy pipeline once, outside hypothesis' timing
    yield


@SLOW
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(
            st.sampled_from(
                [
                    SENTENCE,
                    "“Yes,” she said.",
                    "Photo: A. B.",
                    "Leave a Reply",
                    "< h4>",
                    "if If",
                    "\n\n",
                    "On 31/02/2022",
                    '"',
                    "Mr.",
                    "\u00a0",
                    "Kyiv",
                ]
            ),
            max_size=12,
        ).map(" ".join),
    ),
    st.booleans(),
)
def test_analyze_any_text_gives_a_valid_record(warm_pipeline: None, text: str, as_is: bool) -> None:
    text = text.encode("utf-8", "replace").decode("utf-8")  # analyze takes str; lone surrogates are not text
    article = analyze(text, as_is=as_is, source="fuzz-text")
    check_article(article)
    assert article.error is None or article.error.startswith("E103 "), article.error
