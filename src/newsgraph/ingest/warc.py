"""WARC reader: one article per HTML response record, streamed with warcio, resyncing after a broken record.

The `source` of an article is the record's WARC-Target-URI; a record too broken to name itself
is `PATH@OFFSET` (its byte offset in the file). Records that are not successful HTML responses
(requests, metadata, images, redirects) are skipped without a record of their own.
"""

from __future__ import annotations

import logging
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import IO, Any

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import ChunkedDataException
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeadersParserException

from ..article import Article
from ..errors import Errors, InputError
from ..settings import Settings
from .html import looks_like_html, read_html
from .text import failed, failure, one_line

# warcio logs a warning for every odd header it mends; the record itself still reads.
logging.getLogger("warcio").setLevel(logging.ERROR)

_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
_GZIP_MAGIC = b"\x1f\x8b\x08"
_RECORD_MAGIC = b"\nWARC/1."
_CHUNK = 1 << 20
MAX_HEADER_BYTES = 1 << 20  # real records carry a few kilobytes of headers
_WARCIO_ERRORS = (ArchiveLoadFailed, StatusAndHeadersParserException, ChunkedDataException)


class HeadersTooLong(ValueError):
    """A record whose headers (WARC and HTTP, with the blank lines before them) pass `MAX_HEADER_BYTES`."""


class _Records(ArchiveIterator):  # type: ignore[misc]
    """warcio's iterator, remembering whether it stopped inside an unfinished gzip member, and
    reading at most `MAX_HEADER_BYTES` of lines per record.

    warcio reads header lines whole: a small .warc.gz whose one line inflates to 200 MB took 2.6 GB
    of memory. It reads lines only for headers and the blank lines between records (blocks are read
    by length), so a bound on the lines read for one record bounds the memory without touching pages.
    """

    truncated = False
    # warcio writes a warning straight to stderr for a record not followed by a blank line;
    # the failed Article (or nothing, when the record still parses) is the report here.
    INC_RECORD = ""

    def __init__(self, stream: IO[bytes]) -> None:
        super().__init__(stream)
        self._line_bytes = 0
        readline = self.reader.readline

        def bounded_readline(length: int | None = None) -> bytes:
            room = MAX_HEADER_BYTES - self._line_bytes + 1
            line: bytes = readline(room if length is None else min(length, room))
            self._line_bytes += len(line)
            if self._line_bytes > MAX_HEADER_BYTES:
                raise HeadersTooLong(f"its headers are longer than {MAX_HEADER_BYTES} bytes")
            return line

        self.reader.readline = bounded_readline

    def _next_record(self, next_line: bytes | None) -> Any:
        self._line_bytes = len(next_line or b"")  # the record's first line, already read
        return super()._next_record(next_line)

    def close(self) -> None:
        decompressor = getattr(self.reader, "decompressor", None) if self.reader else None
        # warcio ends quietly at a member cut short; zlib knows it never saw the member's end.
        if decompressor is not None and not getattr(decompressor, "eof", True):
            self.truncated = True
        super().close()


def iter_warc(path: Path, source: str, settings: Settings) -> Iterator[Article]:
    """One Article per HTML response record of a WARC file (.warc or .warc.gz), in file order."""
    with path.open("rb") as stream:
        head = stream.read(_CHUNK)
        # Nothing at all is no archive of pages: say so rather than yield nothing.
        if not head.strip() and not _data_after(stream, len(head)):
            raise InputError(Errors.E002, input=source)
        gzipped = head[:2] == _GZIP_MAGIC[:2]
        position: int | None = 0
        while position is not None:
            position = yield from read_from(stream, position, source, settings, gzipped)


def read_from(
    stream: IO[bytes], position: int, source: str, settings: Settings, gzipped: bool
) -> Generator[Article, None, int | None]:
    """Read records from `position` on; after a broken record, return where the next may start.

    Public for readers of a byte range of one file (newsgraph.scale cuts a WARC at record starts)."""
    stream.seek(position)
    records = _Records(stream)
    start = position
    while True:
        try:
            record = next(records)
        except StopIteration:
            # A gzip member cut short belongs to the last record read; other leftovers follow it.
            at = start if records.truncated else max(records.offset, start)
            if records.truncated or _data_after(stream, at):
                yield failure(Errors.E009, input=f"{source}@{at}", reason="the file ends inside a record")
            return None
        except Exception as exc:  # warcio on damaged bytes raises anything, AttributeError included
            start = max(records.offset, start)
            yield failure(Errors.E009, input=f"{source}@{start}", reason=_reason(exc))
            return _next_start(stream, start + 1, gzipped)
        # warcio's offset can run backwards past a member that is not gzip: never resync backwards,
        # or a damaged file is read round and round for ever.
        start = max(records.offset, start)
        where = _where(record, source, start)
        if not (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
            # Every WARC record has one; warcio returns a record whose headers were cut off.
            yield _broken(where, source, start, "the record's headers are incomplete")
            return _next_start(stream, start + 1, gzipped)
        try:
            try:
                article = _article(record, where, settings)
            except InputError as exc:
                article = failed(where, exc)
            if _cut_short(record):
                # A record cut short ends the data or throws the rest out of step: resync.
                yield _broken(where, source, start, "the record is shorter than its Content-Length")
                return _next_start(stream, start + 1, gzipped)
        except Exception as exc:  # as above: one damaged record must not stop the file
            yield _broken(where, source, start, _reason(exc))
            return _next_start(stream, start + 1, gzipped)
        if article is not None:
            yield article


def _article(record: Any, where: str, settings: Settings) -> Article | None:
    """The Article of one record, or None for a record that holds no HTML page."""
    if record.rec_type not in ("response", "resource"):
        return None
    if record.rec_type == "response":
        http = record.http_headers
        if http is None or not http.get_statuscode().startswith("2"):
            return None
        content_type = http.get_header("Content-Type")
    else:
        content_type = record.rec_headers.get_header("Content-Type")
    mime, charset = _media_type(content_type)
    if mime is not None and mime not in _HTML_TYPES:
        return None  # images, scripts, PDFs: never read, however large
    data = record.content_stream().read(settings.max_bytes + 1)
    if mime is None and not looks_like_html(data):
        return None
    if len(data) > settings.max_bytes:
        size = record.rec_headers.get_header("Content-Length") or f"more than {settings.max_bytes}"
        raise InputError(Errors.E008, input=where, size=size, limit=settings.max_bytes)
    url = where if "://" in where else None  # `PATH@OFFSET` names a record without an address
    return read_html(data, source=where, settings=settings, url=url, charset=charset)


def _where(record: Any, source: str, start: int) -> str:
    """A record's source: its WARC-Target-URI on one line, else `PATH@OFFSET`."""
    uri = " ".join(str(record.rec_headers.get_header("WARC-Target-URI") or "").split())
    return uri or f"{source}@{start}"


def _broken(where: str, source: str, start: int, reason: str) -> Article:
    """The failed Article of a broken record, its error naming the record and where it is in the file."""
    at = f"{source}@{start}"
    return failed(where, Errors.E009.format(input=where if where == at else f"{where} ({at})", reason=reason))


def _data_after(stream: IO[bytes], offset: int) -> bool:
    """Whether anything but blank lines follows the last record warcio could read.

    warcio stops without a word at a record whose headers are cut off: the bytes left say so.
    """
    stream.seek(offset)
    return bool(stream.read(_CHUNK).strip())


def _cut_short(record: Any) -> bool:
    """Read what is left of the record; whether its block ended before its Content-Length."""
    while record.raw_stream.read(_CHUNK):
        pass
    return bool(getattr(record.raw_stream, "limit", 0) > 0)


def _reason(exc: BaseException) -> str:
    # warcio quotes the bytes it could not parse: keep the message, not the binary.
    message = one_line("".join(c if c.isprintable() else "?" for c in str(exc)), 120)
    if isinstance(exc, (*_WARCIO_ERRORS, HeadersTooLong)):
        return message
    # A slip inside warcio on bytes it did not expect (a response without WARC-Target-URI makes an
    # AttributeError): the exception's name says more than its message alone.
    return f"warcio cannot parse the record: {type(exc).__name__}: {message}"


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    """("text/html", "utf-8") from a Content-Type header value."""
    if not value:
        return None, None
    mime, *params = (part.strip() for part in value.split(";"))
    charset = next(
        (p.split("=", 1)[1].strip("\"' ") for p in params if p.lower().startswith("charset=")), None
    )
    return mime.lower() or None, charset or None


def _next_start(stream: IO[bytes], after: int, gzipped: bool) -> int | None:
    """The offset of the next thing that looks like a record start at or after `after`, if any."""
    marker = _GZIP_MAGIC if gzipped else _RECORD_MAGIC
    stream.seek(after)
    offset, carry = after, b""
    while chunk := stream.read(_CHUNK):
        window = carry + chunk
        found = window.find(marker)
        if found >= 0:
            start = offset - len(carry) + found
            return start if gzipped else start + 1  # a plain record starts after the newline
        carry = window[-(len(marker) - 1) :]
        offset += len(chunk)
    return None
