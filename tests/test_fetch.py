"""Fetching URLs: a real HTTP server on 127.0.0.1, every polite rule and every failure one clear line."""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from newsgraph.api import analyze_paths
from newsgraph.article import Article
from newsgraph.errors import NewsgraphError
from newsgraph.ingest import is_url, iter_articles, kind_of
from newsgraph.ingest.fetch import (
    MAX_REDIRECTS,
    USER_AGENT,
    Fetcher,
    address_refusal,
    media_type_of,
)
from newsgraph.settings import Settings

# A route answers with (status, headers, body), or writes the answer itself.
Route = tuple[int, dict[str, str], bytes] | Callable[[BaseHTTPRequestHandler], None]

# Happy paths talk to 127.0.0.1, so they allow private addresses; no test waits for the rate limit.
LOCAL = Settings(allow_private=True, fetch_interval=0.0, timeout=5.0)

PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Floods reach Lviv | The Lviv Example</title>
<meta property="article:published_time" content="2023-04-12T08:00:00+00:00"></head>
<body><nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Floods reach Lviv</h1>
<p>Heavy rain caused the river Poltva to flood parts of Lviv on Tuesday, the city council said in a
statement released in the morning.</p>
<p>About two hundred residents were moved to schools in the north of the city, according to council
spokesman Ostap Melnyk, who added that the water was falling.</p>
</article><footer>All rights reserved.</footer></body></html>
"""
TEXT = "Snow closed the road from Uzhhorod to Mukachevo on Friday.\n\nThe regional road service said it would reopen by Sunday.\n"  # noqa: E501
GREEK_TEXT = (
    "Η βροχή πλημμύρισε δρόμους στη Θεσσαλονίκη την Τρίτη, είπε ο δήμαρχος Νίκος Παππάς σε δημοσιογράφους. "
    "Οι κάτοικοι της παραλίας μετακινήθηκαν σε σχολεία."
)
GREEK_PAGE = (
    "<html><head><title>Πλημμύρες στη Θεσσαλονίκη</title></head><body><article><h1>Πλημμύρες</h1>"
    f"<p>{GREEK_TEXT}</p></article></body></html>"
).encode("iso-8859-7")

HTML = {"Content-Type": "text/html; charset=utf-8"}
PLAIN = {"Content-Type": "text/plain; charset=utf-8"}


class LocalServer:
    """An HTTP server on 127.0.0.1 in a thread, answering from a table of routes; it records requests."""

    def __init__(self, routes: dict[str, Route]) -> None:
        self.routes = routes
        self.requests: list[tuple[str, str]] = []  # (path, User-Agent)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.requests.append((self.path, self.headers.get("User-Agent", "")))
                route = server.routes.get(self.path, (404, {"Content-Type": "text/plain"}, b"not found"))
                if callable(route):
                    route(self)
                    return
                status, headers, body = route
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.05,), daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[dict[str, Route]], LocalServer]]:
    servers: list[LocalServer] = []

    def start(routes: dict[str, Route]) -> LocalServer:
        servers.append(LocalServer(routes))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def redirect(to: str, status: int = 302) -> Route:
    return (status, {"Location": to}, b"")


def read(*urls: str, settings: Settings = LOCAL) -> list[Article]:
    return list(iter_articles(list(urls), settings))


def assert_failed(article: Article, source: str, code: str, *words: str) -> None:
    assert article.error is not None, article
    assert article.source == source
    assert article.error.startswith(code), article.error
    assert source in article.error and "\n" not in article.error, article.error
    assert article.text == ""
    for word in words:
        assert word in article.error, article.error


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class FakeClock:
    """A clock that moves only when slept on (or when a test moves it)."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


# Pages and their kinds


def test_html_page_is_read_with_its_metadata_and_a_clear_user_agent(serve: Any) -> None:
    server = serve({"/news/floods.html": (200, HTML, PAGE)})
    url = server.url("/news/floods.html")
    [article] = read(url)
    assert article.error is None
    assert article.source == url
    assert article.title == "Floods reach Lviv"
    assert article.published == "2023-04-12"
    assert "river Poltva" in article.text and "All rights reserved" not in article.text
    assert server.paths() == ["/robots.txt", "/news/floods.html"]
    assert {agent for _, agent in server.requests} == {USER_AGENT}
    assert USER_AGENT.startswith("newsgraph/") and "robots.txt" in USER_AGENT


def test_text_page_is_read_as_text(serve: Any) -> None:
    server = serve({"/note.txt": (200, PLAIN, TEXT.encode())})
    [article] = read(server.url("/note.txt"))
    assert article.error is None
    assert article.text == TEXT


@pytest.mark.parametrize(
    ("content_type", "body", "expected"),
    [
        ("text/html; charset=iso-8859-7", GREEK_PAGE, "Θεσσαλονίκη την Τρίτη"),
        ("text/plain; charset=ISO-8859-7", GREEK_TEXT.encode("iso-8859-7"), GREEK_TEXT),
    ],
)
def test_the_charset_of_the_header_decodes_the_body(
    serve: Any, content_type: str, body: bytes, expected: str
) -> None:
    # Without the header the bytes would be guessed as Cyrillic (cp1251 or koi8-r): see test below.
    server = serve({"/page": (200, {"Content-Type": content_type}, body)})
    [article] = read(server.url("/page"))
    assert article.error is None, article.error
    assert expected in article.text


def test_without_a_charset_greek_bytes_are_not_read_as_greek(serve: Any) -> None:
    # The control for the test above: it is the header that made the difference.
    server = serve({"/page": (200, {"Content-Type": "text/plain"}, GREEK_TEXT.encode("iso-8859-7"))})
    [article] = read(server.url("/page"))
    assert GREEK_TEXT not in article.text


def test_a_body_without_content_type_is_sniffed(serve: Any) -> None:
    server = serve(
        {"/page": (200, {}, PAGE), "/raw": (200, {"Content-Type": "application/octet-stream"}, PAGE)}
    )
    for path in ("/page", "/raw"):
        [article] = read(server.url(path))
        assert article.error is None and article.title == "Floods reach Lviv"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/pdf", b"%PDF-1.7 ..."), ("image/png", b"\x89PNG\r\n"), ("application/json", b"{}")],
)
def test_kinds_newsgraph_does_not_read_are_refused(serve: Any, content_type: str, body: bytes) -> None:
    server = serve({"/file": (200, {"Content-Type": content_type}, body)})
    url = server.url("/file")
    [article] = read(url)
    assert_failed(article, url, "E018", content_type, "a kind newsgraph does not read")


def test_a_page_with_no_text_fails_alone(serve: Any) -> None:
    server = serve({"/empty": (200, PLAIN, b""), "/ok": (200, PLAIN, TEXT.encode())})
    empty, ok = read(server.url("/empty"), server.url("/ok"))
    assert_failed(empty, server.url("/empty"), "E002")
    assert ok.error is None


# robots.txt


def test_robots_txt_disallow_is_respected_and_read_once_per_site(serve: Any) -> None:
    robots = b"User-agent: *\nDisallow: /private/\n"
    server = serve(
        {
            "/robots.txt": (200, PLAIN, robots),
            "/private/report.html": (200, HTML, PAGE),
            "/public.html": (200, HTML, PAGE),
        }
    )
    private, public, again = read(
        server.url("/private/report.html"), server.url("/public.html"), server.url("/public.html")
    )
    assert_failed(private, server.url("/private/report.html"), "E015", "robots.txt disallows")
    assert public.error is None and again.error is None
    assert server.paths().count("/robots.txt") == 1
    assert "/private/report.html" not in server.paths()


def test_robots_txt_rules_for_newsgraph_apply_to_newsgraph(serve: Any) -> None:
    robots = b"User-agent: newsgraph\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    server = serve({"/robots.txt": (200, PLAIN, robots), "/page": (200, HTML, PAGE)})
    [article] = read(server.url("/page"))
    assert_failed(article, server.url("/page"), "E015")


def test_a_missing_robots_txt_allows_everything(serve: Any) -> None:
    server = serve({"/page": (200, HTML, PAGE)})  # /robots.txt answers 404
    [article] = read(server.url("/page"))
    assert article.error is None


def test_a_robots_txt_that_fails_on_the_server_allows_nothing(serve: Any) -> None:
    server = serve({"/robots.txt": (503, PLAIN, b"busy"), "/page": (200, HTML, PAGE)})
    [article] = read(server.url("/page"))
    assert_failed(article, server.url("/page"), "E015", "503")
    assert "/page" not in server.paths()


def test_a_redirect_target_is_checked_against_its_own_robots_txt(serve: Any) -> None:
    server = serve(
        {
            "/robots.txt": (200, PLAIN, b"User-agent: *\nDisallow: /hidden\n"),
            "/go": redirect("/hidden"),
            "/hidden": (200, HTML, PAGE),
        }
    )
    [article] = read(server.url("/go"))
    assert_failed(article, server.url("/go"), "E015", "/hidden")


# Redirects


def test_a_redirect_chain_within_the_bound_is_followed(serve: Any) -> None:
    routes: dict[str, Route] = {f"/r{i}": redirect(f"/r{i + 1}", 301 + i % 3) for i in range(MAX_REDIRECTS)}
    routes[f"/r{MAX_REDIRECTS}"] = (200, HTML, PAGE)
    server = serve(routes)
    response = Fetcher(LOCAL).fetch(server.url("/r0"))
    assert response.url == server.url("/r0")
    assert response.final_url == server.url(f"/r{MAX_REDIRECTS}")
    assert response.media_type == "text/html" and response.charset == "utf-8"
    [article] = read(server.url("/r0"))
    assert article.error is None and article.source == server.url("/r0")


def test_a_redirect_loop_is_named_a_loop(serve: Any) -> None:
    server = serve({"/a": redirect("/b"), "/b": redirect("/a")})
    [article] = read(server.url("/a"))
    assert_failed(article, server.url("/a"), "E016", "loop", "/b")


def test_too_many_redirects_are_refused(serve: Any) -> None:
    server = serve({f"/r{i}": redirect(f"/r{i + 1}") for i in range(MAX_REDIRECTS + 3)})
    [article] = read(server.url("/r0"))
    assert_failed(article, server.url("/r0"), "E016", f"more than {MAX_REDIRECTS} redirects")
    assert f"/r{MAX_REDIRECTS + 1}" not in server.paths()


def test_a_redirect_without_location_is_a_clear_error(serve: Any) -> None:
    server = serve({"/nowhere": (302, {}, b"")})
    [article] = read(server.url("/nowhere"))
    assert_failed(article, server.url("/nowhere"), "E013", "to nowhere")


def test_a_redirect_to_another_scheme_is_refused(serve: Any) -> None:
    server = serve({"/go": redirect("file:///etc/passwd")})
    [article] = read(server.url("/go"))
    assert_failed(article, server.url("/go"), "E012", "file:")


# HTTP and network failures


@pytest.mark.parametrize(
    ("status", "phrase"), [(404, "Not Found"), (500, "Internal Server Error"), (403, "")]
)
def test_http_errors_name_the_status(serve: Any, status: int, phrase: str) -> None:
    server = serve({"/page": (status, PLAIN, b"sorry")})
    [article] = read(server.url("/page"))
    assert_failed(article, server.url("/page"), "E014", f"HTTP {status} {phrase}".strip())


def test_an_oversized_body_is_refused_by_its_content_length(serve: Any) -> None:
    server = serve({"/big": (200, PLAIN, b"word " * 2000)})
    [article] = read(server.url("/big"), settings=LOCAL.but(max_bytes=1000))
    assert_failed(article, server.url("/big"), "E008", "10000 bytes", "1000")


def test_an_oversized_body_without_content_length_is_cut_off_while_streaming(serve: Any) -> None:
    sent: list[int] = []

    def endless(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Connection", "close")
        handler.end_headers()
        try:
            for _ in range(10_000):  # up to 10 MB, far more than is read
                handler.wfile.write(b"x" * 1000)
                sent.append(1000)
        except OSError:
            pass  # the client hung up: what the test expects

    server = serve({"/stream": endless})
    [article] = read(server.url("/stream"), settings=LOCAL.but(max_bytes=5000))
    assert_failed(article, server.url("/stream"), "E008", "more than 5000")


def test_a_slow_server_times_out(serve: Any) -> None:
    release = threading.Event()

    def slow(handler: BaseHTTPRequestHandler) -> None:
        release.wait(5)

    server = serve({"/slow": slow})
    started = time.monotonic()
    [article] = read(server.url("/slow"), settings=LOCAL.but(timeout=0.3))
    elapsed = time.monotonic() - started
    release.set()
    assert_failed(article, server.url("/slow"), "E013", "in time", "0.3 s")
    assert elapsed < 2


def test_a_server_that_drips_its_body_is_cut_off_at_the_deadline(serve: Any) -> None:
    release = threading.Event()

    def drip(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/plain")
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(1000):  # each byte well within the timeout, the whole far beyond it
            if release.wait(0.05):
                return
            handler.wfile.write(b"x")
            handler.wfile.flush()

    server = serve({"/drip": drip})
    started = time.monotonic()
    [article] = read(server.url("/drip"), settings=LOCAL.but(timeout=0.2))
    elapsed = time.monotonic() - started
    release.set()
    assert_failed(article, server.url("/drip"), "E013", "in time")
    assert elapsed < 3


def test_an_unreachable_port_is_a_refused_connection() -> None:
    url = f"http://127.0.0.1:{free_port()}/page"
    [article] = read(url)
    assert_failed(article, url, "E013", "connection refused")


def test_a_host_that_does_not_resolve_is_named() -> None:
    def resolve(*args: Any, **kwargs: Any) -> list[tuple[Any, ...]]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    url = "https://no-such-paper.example/news"
    with pytest.raises(NewsgraphError) as caught:
        Fetcher(LOCAL, resolve=resolve).fetch(url)
    assert caught.value.code == "E013"
    assert "cannot resolve host no-such-paper.example" in str(caught.value)
    assert "Name or service not known" in str(caught.value)


def test_a_tls_failure_is_named(serve: Any) -> None:
    server = serve({"/page": (200, HTML, PAGE)})  # plain HTTP: the TLS handshake fails
    url = f"https://127.0.0.1:{server.port}/page"
    [article] = read(url)
    assert_failed(article, url, "E013", "TLS")


# Schemes and addresses


@pytest.mark.parametrize(
    ("url", "scheme"),
    [
        ("file:///etc/passwd", "file:"),
        ("ftp://ftp.example.org/news.txt", "ftp:"),
        ("data:text/plain,Kyiv", "data:"),
        ("javascript:alert(1)", "javascript:"),
    ],
)
def test_schemes_other_than_http_and_https_are_refused(url: str, scheme: str) -> None:
    assert is_url(url)
    [article] = read(url)
    assert_failed(article, url, "E012", f"the {scheme} scheme", "only http and https")


@pytest.mark.parametrize(
    "url",
    ["http://", "http://user:secret@127.0.0.1/", "http://127.0.0.1:99999/", "http://exa mple.org/"],
)
def test_malformed_urls_are_refused(url: str) -> None:
    [article] = read(url)
    assert_failed(article, url, "E012")


def test_paths_are_not_urls(tmp_path: Any) -> None:
    assert not is_url("news/article.txt") and not is_url("C:\\news\\article.txt") and not is_url("-")
    odd = tmp_path / "http:odd.txt"
    odd.write_text(TEXT, encoding="utf-8")
    assert not is_url(str(odd))
    assert kind_of(odd) == "text"


def test_loopback_is_refused_unless_private_addresses_are_allowed(serve: Any) -> None:
    server = serve({"/page": (200, HTML, PAGE)})
    url = server.url("/page")
    [article] = read(url, settings=Settings(fetch_interval=0.0))
    assert_failed(article, url, "E012", "127.0.0.1", "loopback", "--allow-private")
    assert server.requests == []
    [allowed] = read(url, settings=Settings(fetch_interval=0.0, allow_private=True))
    assert allowed.error is None


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("10.1.2.3", "private"),
        ("192.168.0.7", "private"),
        ("172.16.5.4", "private"),
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("169.254.169.254", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("100.64.0.1", "not a public address"),
        ("fc00::1", "private"),
    ],
)
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    why = address_refusal(ipaddress.ip_address(address))
    assert why is not None and kind in why


@pytest.mark.parametrize("address", ["93.184.215.14", "151.101.1.69", "2a00:1450:4001:82a::200e"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert address_refusal(ipaddress.ip_address(address)) is None


def test_every_address_a_name_resolves_to_is_checked() -> None:
    def resolve(host: str, port: int, **kwargs: Any) -> list[tuple[Any, ...]]:
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port)),
        ]

    with pytest.raises(NewsgraphError) as caught:
        Fetcher(Settings(), resolve=resolve).fetch("https://mixed.example/page")
    assert caught.value.code == "E012"
    assert "mixed.example resolves to 10.1.2.3, a private address" in str(caught.value)


def test_every_redirect_target_is_checked_again(serve: Any) -> None:
    # 127.0.0.2 stands for a private address behind a public one: the policy refuses it alone.
    def refusal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
        return "a test-refused address" if str(address) == "127.0.0.2" else None

    server = serve({"/go": redirect("http://127.0.0.2:1/secret")})
    with pytest.raises(NewsgraphError) as caught:
        Fetcher(Settings(fetch_interval=0.0), refusal=refusal).fetch(server.url("/go"))
    assert caught.value.code == "E012"
    assert "127.0.0.2 is a test-refused address" in str(caught.value)
    assert server.paths() == ["/robots.txt", "/go"]


# The rate limit per host


def test_requests_to_one_host_are_spaced_by_the_interval(serve: Any) -> None:
    server = serve({"/a": (200, HTML, PAGE), "/b": (200, HTML, PAGE)})
    clock = FakeClock()
    fetcher = Fetcher(LOCAL.but(fetch_interval=1.0), clock=clock, sleep=clock.sleep)
    fetcher.fetch(server.url("/a"))  # robots.txt, then /a: one wait between them
    assert clock.sleeps == [1.0]
    clock.now += 0.25  # time passes between two inputs
    fetcher.fetch(server.url("/b"))
    assert clock.sleeps == [1.0, 0.75]
    clock.now += 5
    fetcher.fetch(server.url("/a"))  # long enough ago: no wait
    assert clock.sleeps == [1.0, 0.75]
    assert server.paths() == ["/robots.txt", "/a", "/b", "/a"]


def test_the_rate_limit_is_per_host(serve: Any) -> None:
    server = serve({"/a": (200, HTML, PAGE)})
    clock = FakeClock()
    fetcher = Fetcher(LOCAL.but(fetch_interval=2.0), clock=clock, sleep=clock.sleep)
    fetcher.fetch(server.url("/a"))
    assert clock.sleeps == [2.0]
    # The same server under another host name: another host, its own robots.txt, no wait before it.
    fetcher.fetch(server.url("/a", host="localhost"))
    assert clock.sleeps == [2.0, 2.0]  # only between localhost's robots.txt and its page


def test_a_crawl_delay_longer_than_the_interval_is_honoured(serve: Any) -> None:
    robots = b"User-agent: *\nCrawl-delay: 3\n"
    server = serve({"/robots.txt": (200, PLAIN, robots), "/a": (200, HTML, PAGE)})
    clock = FakeClock()
    fetcher = Fetcher(LOCAL.but(fetch_interval=1.0), clock=clock, sleep=clock.sleep)
    fetcher.fetch(server.url("/a"))
    fetcher.fetch(server.url("/a"))
    assert clock.sleeps == [3.0, 3.0]


def test_the_real_clock_waits_by_default(serve: Any) -> None:
    server = serve({"/a": (200, HTML, PAGE)})
    started = time.monotonic()
    Fetcher(LOCAL.but(fetch_interval=0.2)).fetch(server.url("/a"))
    assert time.monotonic() - started >= 0.2


# Batches and settings


def test_a_batch_of_urls_goes_on_past_failures(serve: Any) -> None:
    server = serve({"/ok": (200, HTML, PAGE), "/gone": (404, PLAIN, b"")})
    urls = [server.url("/gone"), "ftp://example.org/x", server.url("/ok")]
    gone, ftp, ok = read(*urls)
    assert_failed(gone, urls[0], "E014")
    assert_failed(ftp, urls[1], "E012")
    assert ok.error is None and ok.source == urls[2]


@pytest.mark.parametrize(
    "option", [{"timeout": 0}, {"timeout": -1.0}, {"timeout": float("nan")}, {"fetch_interval": -0.5}]
)
def test_bad_fetch_settings_are_refused(option: dict[str, float]) -> None:
    with pytest.raises(NewsgraphError) as caught:
        Settings(**option)  # type: ignore[arg-type]
    assert caught.value.code == "E202" and next(iter(option)) in str(caught.value)


def test_media_type_of_reads_type_and_charset() -> None:
    assert media_type_of('Text/HTML; Charset="KOI8-R"') == ("text/html", "KOI8-R")
    assert media_type_of("application/rss+xml") == ("application/rss+xml", None)
    assert media_type_of(None) == (None, None)


def test_a_url_goes_through_the_whole_analysis(serve: Any) -> None:
    server = serve({"/news/floods.html": (200, HTML, PAGE)})
    url = server.url("/news/floods.html")
    [article] = list(analyze_paths([url], LOCAL))
    assert article.error is None and article.source == url
    record = article.to_dict()  # checked against the shipped schema by the autouse fixture
    assert record["title"] == "Floods reach Lviv"
    assert any(e["name"].startswith("Ostap Melnyk") for e in record["entities"]), record["entities"]
