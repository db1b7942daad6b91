"""Polite fetching of URLs: robots.txt, a rate limit per host, timeouts, a size cap, bounded redirects.

Only http and https are fetched, with the standard library's http.client (no proxy is used, and
no cookies are kept). Before every request (the first and each redirect target) the host name is
resolved and every address it resolves to is checked: private, loopback, link-local, multicast,
reserved, unspecified and other non-global addresses are refused unless `settings.allow_private`.
The connection then goes to one of the checked addresses, so a second lookup cannot swap in another.

robots.txt (RFC 9309) is fetched once per scheme, host and port and kept by the Fetcher: an answer
in 4xx (no robots.txt) allows everything, an answer in 5xx allows nothing; a Crawl-delay for
newsgraph longer than `settings.fetch_interval` is honoured, up to 60 s. Requests to one host
(robots.txt included) start at least `fetch_interval` seconds apart, measured with the Fetcher's
clock and waited with its sleep, both injectable so tests need no real time.

`settings.timeout` bounds connecting and each read; the whole answer must arrive within
`_DEADLINE_FACTOR` times that. A body larger than `settings.max_bytes` is refused (by its
Content-Length, or as soon as more than that has been read). At most `MAX_REDIRECTS` redirects are
followed; a redirect back to a URL already visited is reported as a loop.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import ssl
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

from ..article import Article
from ..errors import Errors, InputError
from ..settings import Settings
from .html import looks_like_html, read_html
from .text import decode, one_line


def _version() -> str:
    try:
        return version("newsgraph")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0.0.0+unknown"


ROBOTS_AGENT = "newsgraph"
USER_AGENT = f"newsgraph/{_version()} (news article analysis; obeys robots.txt as {ROBOTS_AGENT})"
MAX_REDIRECTS = 5
MAX_CRAWL_DELAY = 60.0  # a robots.txt asking for more is honoured up to this many seconds
_DEADLINE_FACTOR = 4  # the whole answer must arrive within this many timeouts
_ROBOTS_MAX_BYTES = 512_000  # RFC 9309: parse at least the first 500 KiB
_CHUNK = 65_536
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_RATE_LINE = re.compile(r"^\s*(?:crawl-delay|request-rate)\s*:", re.IGNORECASE)

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = frozenset({"text/plain"})
FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
        "application/rss",
        "application/x-rss+xml",
    }
)
# Media types a server sends when it does not know better: the body decides.
_UNKNOWN_TYPES = frozenset({"application/octet-stream", "binary/octet-stream", "text/plain"})
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")

Clock = Callable[[], float]
Sleep = Callable[[float], None]
Resolve = Callable[..., Sequence[tuple[Any, ...]]]
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class Response:
    """A successful answer: the URL asked for, where it ended after redirects, and the body."""

    url: str
    final_url: str
    status: int
    media_type: str | None  # lower case, without parameters; None when the server sent none
    charset: str | None
    body: bytes


@dataclass(frozen=True)
class _Target:
    """A URL taken apart for http.client."""

    url: str
    scheme: str
    host: str  # ASCII (IDNA) form, no brackets
    port: int
    path: str  # path and query, percent-encoded

    @property
    def site(self) -> tuple[str, str, int]:
        return (self.scheme, self.host, self.port)


@dataclass(frozen=True)
class _Answer:
    status: int
    reason: str
    headers: http.client.HTTPMessage
    body: bytes


@dataclass(frozen=True)
class _Robots:
    parser: RobotFileParser | None  # None: the rule below applies to every path
    allow_all: bool
    why: str  # said when a path is refused


def address_refusal(address: Address) -> str | None:
    """Why newsgraph does not connect to `address` unless private addresses are allowed, or None."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address_refusal(address.ipv4_mapped)
    for kind in ("unspecified", "loopback", "link_local", "multicast", "reserved", "private"):
        if getattr(address, f"is_{kind}"):
            return f"a {kind.replace('_', '-')} address"
    if not address.is_global:
        return "not a public address"
    return None


def url_scheme(value: str) -> str | None:
    """The scheme a string starts with (`https`, `file`, `data`), lower case, or None.

    A single letter before the colon is a Windows drive, not a scheme.
    """
    match = _SCHEME.match(value)
    return match.group(1).lower() if match and len(match.group(1)) > 1 else None


class Fetcher:
    """Fetches URLs politely; one Fetcher keeps robots.txt and request times for a whole batch."""

    def __init__(
        self,
        settings: Settings,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        resolve: Resolve = socket.getaddrinfo,
        refusal: Callable[[Address], str | None] = address_refusal,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.settings = settings
        self._clock = clock
        self._sleep = sleep
        self._resolve = resolve
        self._refusal = refusal
        self._tls = tls
        self._robots: dict[tuple[str, str, int], _Robots] = {}
        self._delays: dict[str, float] = {}
        self._last: dict[str, float] = {}

    def fetch(self, url: str, *, label: str | None = None) -> Response:
        """GET `url`, following redirects; InputError naming `label` (default: the URL) on any failure."""
        label = label or url
        final, answer = self._follow(url, label, self.settings.max_bytes, robots=True)
        if not 200 <= answer.status < 300:
            raise InputError(Errors.E014, input=label, status=f"{answer.status} {answer.reason}".strip())
        media_type, charset = media_type_of(answer.headers.get("Content-Type"))
        return Response(url, final, answer.status, media_type, charset, answer.body)

    def _follow(self, url: str, label: str, limit: int, *, robots: bool) -> tuple[str, _Answer]:
        """The first answer that is not a redirect, and the URL that gave it."""
        visited = [url]
        current = url
        while True:
            target = _target(current, label)
            if robots:
                self._check_robots(target, label)
            answer = self._request(target, label, limit, truncate=not robots)
            if answer.status not in _REDIRECTS:
                return current, answer
            location = (answer.headers.get("Location") or "").strip()
            if not location:
                raise InputError(
                    Errors.E013, input=label, reason=f"{current} redirects (HTTP {answer.status}) to nowhere"
                )
            try:
                following = urlunsplit(urlsplit(urljoin(current, location))._replace(fragment=""))
            except ValueError as exc:  # a Location no URL parser reads ("http://[::1")
                raise InputError(
                    Errors.E013,
                    input=label,
                    reason=f"{current} redirects (HTTP {answer.status}) to a malformed URL ({one_line(exc)})",
                ) from exc
            if following in visited:
                chain = " → ".join([*visited[visited.index(following) :], following])
                raise InputError(Errors.E016, input=label, reason=f"a redirect loop: {chain}")
            if len(visited) > MAX_REDIRECTS:
                raise InputError(
                    Errors.E016,
                    input=label,
                    reason=f"more than {MAX_REDIRECTS} redirects (the last to {following})",
                )
            visited.append(following)
            current = following

    def _check_robots(self, target: _Target, label: str) -> None:
        robots = self._robots.get(target.site)
        if robots is None:
            robots = self._robots[target.site] = self._read_robots(target, label)
        if robots.allow_all:
            return
        if robots.parser is None or not robots.parser.can_fetch(ROBOTS_AGENT, target.url):
            raise InputError(Errors.E015, input=label, url=target.url, reason=robots.why)

    def _read_robots(self, target: _Target, label: str) -> _Robots:
        netloc = f"[{target.host}]" if ":" in target.host else target.host
        robots_url = f"{target.scheme}://{netloc}:{target.port}/robots.txt"
        try:
            _, answer = self._follow(robots_url, label, _ROBOTS_MAX_BYTES, robots=False)
        except InputError as exc:
            if exc.code == "E013":  # the host cannot be reached: neither can the page
                raise
            # Redirected out of bounds or to a refused address: RFC 9309 counts that as unavailable.
            return _Robots(None, True, "")
        if 400 <= answer.status < 500:
            return _Robots(None, True, "")
        if not 200 <= answer.status < 300:
            return _Robots(
                None,
                False,
                f"robots.txt answered HTTP {answer.status} (RFC 9309: then nothing may be fetched)",
            )
        parser = _parse_robots(robots_url, answer.body.decode("utf-8", "replace").splitlines())
        delay = parser.crawl_delay(ROBOTS_AGENT)
        if delay is not None:
            self._delays[target.host] = min(float(delay), MAX_CRAWL_DELAY)
        return _Robots(parser, False, f"its robots.txt disallows it for {ROBOTS_AGENT}")

    def _wait(self, host: str) -> None:
        """Keep requests to one host apart by the fetch interval (or the robots.txt crawl delay)."""
        interval = max(self.settings.fetch_interval, self._delays.get(host, 0.0))
        last = self._last.get(host)
        if last is not None:
            delay = last + interval - self._clock()
            if delay > 0:
                self._sleep(delay)
        self._last[host] = self._clock()

    def _addresses(self, target: _Target, label: str) -> list[tuple[int, tuple[Any, ...]]]:
        """Every address the host resolves to, each one checked; (family, sockaddr) pairs."""
        try:
            infos = self._resolve(target.host, target.port, type=socket.SOCK_STREAM)
        except (socket.gaierror, UnicodeError) as exc:
            reason = exc.strerror if isinstance(exc, socket.gaierror) and exc.strerror else exc
            raise InputError(
                Errors.E013, input=label, reason=f"cannot resolve host {target.host} ({one_line(reason)})"
            ) from exc
        found: list[tuple[int, tuple[Any, ...]]] = []
        for family, _, _, _, sockaddr in infos:
            if family not in (socket.AF_INET, socket.AF_INET6):
                continue
            address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
            why = self._refusal(address)
            if why is not None and not self.settings.allow_private:
                named = (
                    f"{address} is"
                    if target.host == str(address)
                    else f"{target.host} resolves to {address},"
                )
                raise InputError(
                    Errors.E012,
                    input=label,
                    reason=f"{named} {why}; allow it with --allow-private",
                )
            found.append((family, tuple(sockaddr)))
        if not found:
            raise InputError(Errors.E013, input=label, reason=f"host {target.host} has no IP address")
        return found

    def _request(self, target: _Target, label: str, limit: int, *, truncate: bool) -> _Answer:
        """One GET of `target`: the body is read only for a successful answer, and capped at `limit`."""
        addresses = self._addresses(target, label)
        timeout = self.settings.timeout
        self._wait(target.host)
        deadline = time.monotonic() + _DEADLINE_FACTOR * timeout
        connection = _Connection(target, addresses, timeout, self._tls)
        try:
            connection.request(
                "GET",
                target.path,
                headers={
                    "User-Agent": USER_AGENT,
                    "Accept": "text/html, application/xhtml+xml, application/rss+xml, "
                    "application/atom+xml, application/xml;q=0.9, text/plain;q=0.8, */*;q=0.1",
                    "Accept-Encoding": "identity",
                    "Connection": "close",
                },
            )
            response = connection.getresponse()
            body = b""
            if 200 <= response.status < 300:
                body = _read_body(response, target, label, limit, deadline, truncate=truncate)
            return _Answer(response.status, response.reason, response.headers, body)
        except InputError:
            raise
        except ssl.SSLCertVerificationError as exc:
            reason = f"TLS certificate of {target.host} not valid ({exc.verify_message or exc.reason})"
            raise InputError(Errors.E013, input=label, reason=one_line(reason)) from exc
        except ssl.SSLError as exc:
            raise InputError(
                Errors.E013, input=label, reason=one_line(f"TLS error: {exc.reason or exc}")
            ) from exc
        except TimeoutError as exc:
            raise InputError(
                Errors.E013,
                input=label,
                reason=f"{target.host} did not answer in time (timeout {timeout:g} s)",
            ) from exc
        except ConnectionRefusedError as exc:
            raise InputError(
                Errors.E013, input=label, reason=f"connection refused by {target.host} port {target.port}"
            ) from exc
        except http.client.HTTPException as exc:
            reason = f"broken HTTP answer from {target.host} ({type(exc).__name__}: {exc})"
            raise InputError(Errors.E013, input=label, reason=one_line(reason)) from exc
        except OSError as exc:
            raise InputError(Errors.E013, input=label, reason=one_line(exc.strerror or exc)) from exc
        finally:
            connection.close()


class _Connection(http.client.HTTPConnection):
    """An HTTP or HTTPS connection to one of the addresses already checked, never to a fresh lookup."""

    def __init__(
        self,
        target: _Target,
        addresses: list[tuple[int, tuple[Any, ...]]],
        timeout: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._addresses = addresses
        self._tls_context = (tls or ssl.create_default_context()) if target.scheme == "https" else None

    def connect(self) -> None:
        error: OSError | None = None
        for family, sockaddr in self._addresses:
            sock = socket.socket(family, socket.SOCK_STREAM)
            try:
                sock.settimeout(self.timeout)
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                error = exc
                continue
            if self._tls_context is not None:
                try:
                    sock = self._tls_context.wrap_socket(sock, server_hostname=self.host)
                except BaseException:
                    sock.close()
                    raise
            self.sock = sock
            return
        assert error is not None  # there is always at least one address
        raise error


def _parse_robots(url: str, lines: list[str]) -> RobotFileParser:
    """robots.txt parsed by the standard library, which raises ValueError on a Crawl-delay or
    Request-rate of digits int() does not read ("Crawl-delay: ²"): those lines are then dropped,
    the rules kept."""
    parser = RobotFileParser(url)
    try:
        parser.parse(lines)
    except ValueError:
        parser = RobotFileParser(url)
        parser.parse([line for line in lines if not _RATE_LINE.match(line)])
    return parser


def _read_body(
    response: http.client.HTTPResponse,
    target: _Target,
    label: str,
    limit: int,
    deadline: float,
    *,
    truncate: bool,
) -> bytes:
    """The body, streamed; past `limit` bytes refused (or cut, with `truncate`); bounded by `deadline`."""
    declared = (response.getheader("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) > limit and not truncate:
        raise InputError(Errors.E008, input=label, size=int(declared), limit=limit)
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read1(min(_CHUNK, limit + 1 - size))  # what has come, not a full chunk
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    body = b"".join(chunks)
    if size > limit:
        if truncate:
            return body[:limit]
        raise InputError(Errors.E008, input=label, size=f"more than {limit}", limit=limit)
    return body


def _target(url: str, label: str) -> _Target:
    """Take `url` apart; InputError (E012) unless it is an absolute http or https URL newsgraph may fetch."""
    scheme = url_scheme(url)
    if scheme not in ("http", "https"):
        what = f"the {scheme}: scheme" if scheme else "not an absolute URL"
        raise InputError(Errors.E012, input=label, reason=f"{what}; newsgraph fetches only http and https")
    if any(c.isspace() or ord(c) < 32 for c in url):
        raise InputError(Errors.E012, input=label, reason="the URL contains spaces or control characters")
    try:
        parts = urlsplit(url)  # ValueError for a broken IPv6 literal ("http://[::1")
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError) as exc:
        raise InputError(Errors.E012, input=label, reason=f"a malformed URL ({one_line(exc)})") from exc
    if not host:
        raise InputError(Errors.E012, input=label, reason="the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise InputError(Errors.E012, input=label, reason="the URL carries a user name or password")
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if parts.query:
        path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return _Target(url, scheme, host, port or (443 if scheme == "https" else 80), path)


def media_type_of(header: str | None) -> tuple[str | None, str | None]:
    """The media type (lower case) and charset of a Content-Type header; (None, None) without one."""
    if not header:
        return None, None
    kind, *params = header.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return kind.strip().lower() or None, charset


def kind_of_response(response: Response, source: str | None = None) -> str:
    """The reader for a response: html, text or feed, by its Content-Type (by its first bytes when
    the type says nothing); InputError (E018) naming `source` (default: the URL) for anything else."""
    media = response.media_type
    head = response.body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n")
    if media in HTML_TYPES:
        return "html"
    if media in FEED_TYPES:
        return "feed"
    if media is None or media in _UNKNOWN_TYPES:
        if head.startswith(b"<") and _FEED_ROOT.search(head):
            return "feed"
        if looks_like_html(head):
            return "html"
        if media is None or media in TEXT_TYPES:
            return "text"
    raise InputError(Errors.E018, input=source or response.url, media_type=media or "no Content-Type")


def read_page(
    response: Response,
    *,
    source: str,
    settings: Settings,
    title: str | None = None,
    published: str | None = None,
    language: str | None = None,
) -> Article:
    """The Article of a fetched HTML or plain-text page (a feed is read by the feed reader)."""
    kind = kind_of_response(response, source)
    if kind == "html":
        return read_html(
            response.body,
            source=source,
            settings=settings,
            title=title,
            published=published,
            language=language,
            url=response.final_url,
            charset=response.charset,
        )
    if kind == "text":
        text = decode(response.body, source, declared=response.charset, exact=settings.as_is)
        if not text.strip() and not (settings.as_is and text):
            raise InputError(Errors.E002, input=source)
        return Article.from_raw(
            text,
            source=source,
            title=title,
            published=settings.published or published,
            language=language,
            as_is=settings.as_is,
        )
    raise InputError(Errors.E018, input=source, media_type=f"{response.media_type} (a feed, not a page)")
