"""Feeds: RSS 2.0, RSS 1.0 (RDF) and Atom from files and URLs; bad feeds and bad items one clear line each."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from newsgraph.article import Article
from newsgraph.errors import NewsgraphError
from newsgraph.ingest import iter_articles, kind_of
from newsgraph.ingest.feed import MIN_CONTENT_WORDS, Text, parse_feed
from newsgraph.settings import Settings
from test_fetch import LOCAL, assert_failed, read
from test_fetch import serve as serve  # the local HTTP server fixture

FEEDS = Path(__file__).resolve().parent / "data" / "feeds"
RSS = {"Content-Type": "application/rss+xml; charset=utf-8"}
HTML = {"Content-Type": "text/html; charset=utf-8"}


def read_file(name: str, **options: Any) -> list[Article]:
    return list(iter_articles([str(FEEDS / name)], LOCAL.but(**options)))


def feed_server(serve: Any, feed: bytes, content_type: str = RSS["Content-Type"]) -> Any:
    return serve(
        {
            "/feeds/linked.rss": (200, {"Content-Type": content_type}, feed),
            "/articles/tram.html": (200, HTML, (FEEDS / "pages" / "tram.html").read_bytes()),
            "/feeds/articles/bridge.html": (200, HTML, (FEEDS / "pages" / "bridge.html").read_bytes()),
            "/articles/brochure.pdf": (200, {"Content-Type": "application/pdf"}, b"%PDF-1.4"),
        }
    )


@pytest.mark.parametrize(
    ("name", "kind"),
    [("news.rss", "feed"), ("news.atom", "feed"), ("NEWS.XML", "feed"), ("news.txt", "text")],
)
def test_feed_files_are_known_by_their_names(name: str, kind: str) -> None:
    assert kind_of(Path(name)) == kind


# Feeds that carry their articles


def test_rss2_items_with_content_become_articles_without_any_fetch() -> None:
    metro, library, bare = read_file("rss2.rss")
    source = str(FEEDS / "rss2.rss")
    assert metro.error is None and metro.source == f"{source}#1"
    assert metro.title == "Metro station reopens in Kharkiv"
    assert metro.published == "2024-05-14"
    assert metro.language == "en"
    # content:encoded wins over the short description that teases it.
    assert metro.text.startswith("The Universytet metro station in Kharkiv reopened")
    assert "Iryna Bondar" in metro.text and "teaser" not in metro.text
    assert metro.text.count("\n\n") == 2  # its three paragraphs kept apart
    # A description of at least MIN_CONTENT_WORDS words is the article; its date is a dc:date.
    assert library.error is None and library.source == f"{source}#2"
    assert library.published == "2024-05-15"
    assert "Taras Kovalchuk" in library.text and "<p>" not in library.text
    assert_failed(bare, f"{source}#3", "E007", "no content and no link")


def test_atom_entries_read_xhtml_html_and_text_content() -> None:
    ferry, lighthouse, market = read_file("atom.atom", follow_links=False)
    source = str(FEEDS / "atom.atom")
    assert ferry.error is None and ferry.source == f"{source}#1"
    assert ferry.title == "Ferry to Izmail resumes"  # type="html": the markup is gone
    assert ferry.published == "2024-03-05"  # published wins over updated
    assert ferry.language == "en"
    assert "Captain Oksana Lytvyn" in ferry.text and "xmlns" not in ferry.text
    # A short summary with its link not followed: the summary is all there is.
    assert lighthouse.error is None and lighthouse.published == "2024-03-07"
    assert lighthouse.text.startswith("The Vorontsov lighthouse in Odesa will open")
    assert (
        market.text == "The fish market at Privoz will move to a new hall next month, traders said on Friday."
    )


def test_rss1_rdf_items_are_read() -> None:
    bridge, trolleybus = read_file("rdf.xml", follow_links=False)
    source = str(FEEDS / "rdf.xml")
    assert bridge.source == f"{source}#1" and bridge.error is None
    assert bridge.title == "Bridge over the Neris closes for repairs"
    assert bridge.published == "2023-10-02" and bridge.language == "en"
    assert "Engineer Rasa Petraitė" in bridge.text
    assert trolleybus.published == "2023-10-04"
    assert (
        trolleybus.text
        == "Vilnius will open a trolleybus route to Antakalnis in December, the transport company said."
    )


def test_items_are_parsed_with_links_resolved_and_dates_normalised() -> None:
    items = parse_feed(
        (FEEDS / "atom.atom").read_bytes(), "atom", base_url="https://harbour.example/atom.xml"
    )
    assert [item.link for item in items] == [
        "https://harbour.example/ferry",
        "https://harbour.example/lighthouse",
        None,
    ]
    assert [item.published for item in items] == ["2024-03-05", "2024-03-07", "2024-03-08"]
    content = items[0].content
    assert content is not None and content.is_html and content.words >= MIN_CONTENT_WORDS
    summary = items[1].description
    assert summary is not None and summary.words < MIN_CONTENT_WORDS


def test_the_words_of_a_text_are_counted_without_markup() -> None:
    text = Text("<p>Rain in <b>Lviv</b>&nbsp;today.</p><p>More&#160;tomorrow.</p>", True)
    assert text.words == 6
    assert text.plain() == "Rain in Lviv today.\n\nMore tomorrow."


def test_source_ids_are_stable() -> None:
    first = [a.source for a in read_file("rdf.xml", follow_links=False)]
    again = [a.source for a in read_file("rdf.xml", follow_links=False)]
    assert first == again == [f"{FEEDS / 'rdf.xml'}#{n}" for n in (1, 2)]


# Feeds whose items link to their pages


def test_items_link_to_pages_on_the_local_server(serve: Any) -> None:
    server = feed_server(serve, (FEEDS / "linked.rss").read_bytes())
    url = server.url("/feeds/linked.rss")
    tram, bridge, missing, brochure = read(url)
    assert tram.error is None and tram.source == f"{url}#1"
    assert tram.title == "Tram line to the river port reopens"  # the feed's title
    assert tram.published == "2024-09-09"  # the feed's date: the page gives none
    assert "Serhii Tkachenko" in tram.text and "Subscribe" not in tram.text
    # A relative link resolves against the feed's URL.
    assert bridge.error is None and "Nadiia Shevchuk" in bridge.text
    assert bridge.published == "2024-09-10"
    assert_failed(missing, f"{url}#3", "E014", "/articles/missing.html", "404")
    assert_failed(brochure, f"{url}#4", "E018", "application/pdf")
    assert server.paths()[:3] == ["/robots.txt", "/feeds/linked.rss", "/articles/tram.html"]
    assert "/feeds/articles/bridge.html" in server.paths()


def test_robots_txt_applies_to_item_pages(serve: Any) -> None:
    server = feed_server(serve, (FEEDS / "linked.rss").read_bytes())
    server.routes["/robots.txt"] = (
        200,
        {"Content-Type": "text/plain"},
        b"User-agent: *\nDisallow: /articles/\n",
    )
    url = server.url("/feeds/linked.rss")
    articles = read(url)
    assert_failed(articles[0], f"{url}#1", "E015", "/articles/tram.html")
    assert bridge_ok(articles[1])  # /feeds/articles/ is not under /articles/
    assert "/articles/tram.html" not in server.paths()


def bridge_ok(article: Article) -> bool:
    return article.error is None and "Desna" in article.text


def test_with_follow_links_off_the_teasers_are_the_articles(serve: Any) -> None:
    server = feed_server(serve, (FEEDS / "linked.rss").read_bytes())
    url = server.url("/feeds/linked.rss")
    articles = read(url, settings=LOCAL.but(follow_links=False))
    assert [a.error for a in articles] == [None] * 4
    assert articles[0].text == "The tram line to the river port in Chernihiv is running again."
    assert server.paths() == ["/robots.txt", "/feeds/linked.rss"]


def test_item_links_in_a_feed_file_must_be_absolute() -> None:
    articles = read_file("linked.rss")
    for number, article in enumerate(articles, start=1):
        assert_failed(article, f"{FEEDS / 'linked.rss'}#{number}", "E012", "not an absolute URL")


def test_a_feed_served_as_xml_or_without_a_type_is_read(serve: Any) -> None:
    for content_type in ("text/xml", "application/octet-stream"):
        server = feed_server(serve, (FEEDS / "rdf.xml").read_bytes(), content_type)
        articles = read(server.url("/feeds/linked.rss"), settings=LOCAL.but(follow_links=False))
        assert [a.title for a in articles] == [
            "Bridge over the Neris closes for repairs",
            "New trolleybus route to Antakalnis",
        ]


def test_a_feed_url_that_fails_is_one_record(serve: Any) -> None:
    server = serve({"/feed.rss": (200, RSS, (FEEDS / "not_xml.rss").read_bytes())})
    url = server.url("/feed.rss")
    [article] = read(url)
    assert_failed(article, url, "E017", "not well-formed XML")


# Bad feeds


@pytest.mark.parametrize(
    ("name", "code", "words"),
    [
        ("not_xml.rss", "E017", ("not well-formed XML",)),
        ("not_feed.xml", "E017", ("root element is <catalog>", "not a feed")),
        ("empty.rss", "E017", ("no items",)),
        ("entities.rss", "E017", ("declares XML entities",)),
        ("billion_laughs.rss", "E017", ("declares XML entities",)),
    ],
)
def test_bad_feeds_fail_with_one_clear_line(name: str, code: str, words: tuple[str, ...]) -> None:
    [article] = read_file(name)
    assert_failed(article, str(FEEDS / name), code, *words)


def test_billion_laughs_is_rejected_quickly_even_past_the_prescan() -> None:
    data = (FEEDS / "billion_laughs.rss").read_bytes()
    started = time.monotonic()
    with pytest.raises(NewsgraphError) as caught:
        parse_feed(data, "laughs")
    assert caught.value.code == "E017"
    # Hidden from the text scan (UTF-16): the parser itself must refuse it, and fast.
    hidden = data.decode("utf-8").replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>')
    with pytest.raises(NewsgraphError) as caught:
        parse_feed(hidden.encode("utf-16"), "laughs16")
    assert caught.value.code == "E017" and "entities" in str(caught.value)
    assert time.monotonic() - started < 1


@pytest.mark.parametrize(
    "data", [b"", b"   \n", b"\x89PNG\r\n\x1a\n\x00\x00", b"<rss version='2.0'><channel>"]
)
def test_broken_and_empty_feed_bytes_fail_cleanly(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "feed.rss"
    path.write_bytes(data)
    [article] = list(iter_articles([str(path)], Settings()))
    assert_failed(article, str(path), "E002" if not data.strip() else "E017")


def test_a_batch_goes_on_past_bad_feeds() -> None:
    paths = [str(FEEDS / n) for n in ("not_xml.rss", "rdf.xml", "billion_laughs.rss")]
    articles = list(iter_articles(paths, LOCAL.but(follow_links=False)))
    assert [a.source for a in articles] == [paths[0], f"{paths[1]}#1", f"{paths[1]}#2", paths[2]]
    assert [a.error is None for a in articles] == [False, True, True, False]


def test_a_directory_reads_its_feeds(tmp_path: Path) -> None:
    (tmp_path / "a.rss").write_bytes((FEEDS / "rss2.rss").read_bytes())
    (tmp_path / "b.atom").write_bytes((FEEDS / "atom.atom").read_bytes())
    articles = list(iter_articles([str(tmp_path)], LOCAL.but(follow_links=False)))
    assert [a.source.rsplit("/", 1)[-1] for a in articles] == [
        "a.rss#1",
        "a.rss#2",
        "a.rss#3",
        "b.atom#1",
        "b.atom#2",
        "b.atom#3",
    ]
