"""Readers: turn every input a user brings (files, directories, URLs, stdin) into Articles.

Each input kind has its module (text, html, jsonl, warc, feed; fetch for URLs); this one picks
the reader by file name, or by the answer's Content-Type for a URL, and walks directories. An
input that cannot be read becomes a failed Article (its `error` a one-line message from the
catalogue) and the batch goes on.

An argument that names no existing file and starts with a URL scheme (`https:`, `ftp:`,
`data:`...) is a URL: http and https are fetched politely (see fetch.py), other schemes refused.
One Fetcher serves a whole call of `iter_articles`, so robots.txt is read once per site and the
rate limit per host holds across inputs and feed items.

`settings.max_bytes` bounds one document: a whole .txt, .html, .json, feed file or fetched body,
one line of a JSON Lines file, one WARC record (JSON Lines and WARC files are streamed, so they
may be larger).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import BinaryIO

from ..article import Article
from ..errors import Errors, InputError
from ..settings import Settings
from . import feed, html, jsonl, text, warc
from .fetch import Fetcher, kind_of_response, read_page, url_scheme
from .jsonl import DEFAULT_FIELDS, JsonFields

__all__ = [
    "DEFAULT_FIELDS",
    "Fetcher",
    "JsonFields",
    "is_url",
    "iter_articles",
    "kind_of",
    "read_path",
    "read_stream",
    "read_url",
]

_KINDS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
    ".rss": "feed",
    ".atom": "feed",
    ".xml": "feed",  # read as a feed when its root element is one, else refused (E017)
}


def iter_articles(
    paths: Sequence[str], settings: Settings, *, json_fields: JsonFields = DEFAULT_FIELDS
) -> Iterator[Article]:
    """One Article per input document, in input order; an unreadable input yields a failed Article.

    A path is a file, a directory (every file under it: a folder's files in sorted order, then
    its subfolders in sorted order, hidden files and folders skipped), a URL, or `-` for
    standard input (HTML when it looks like HTML, else text).
    """
    if json_fields is DEFAULT_FIELDS:
        json_fields = jsonl.fields_of(settings)
    fetcher = Fetcher(settings)  # makes no request until a URL or a feed item needs one
    for path in paths:
        if path == "-":
            yield read_stream(sys.stdin.buffer, "-", settings)
        elif os.path.isdir(path):
            found = list(_walk(Path(path)))
            if not found:
                yield text.failure(Errors.E011, input=path)
            for file in found:
                if isinstance(file, OSError):  # a folder inside that cannot be listed: say so, go on
                    where = str(file.filename or path)
                    yield text.failure(Errors.E001, input=where, reason=text.one_line(file.strerror or file))
                else:
                    yield from read_path(file, settings, json_fields=json_fields, fetcher=fetcher)
        elif is_url(path):
            yield from read_url(path, settings, fetcher=fetcher)
        else:
            yield from read_path(Path(path), settings, source=path, json_fields=json_fields, fetcher=fetcher)


def is_url(argument: str) -> bool:
    """Whether an argument is a URL: it starts with a scheme (`https:`) and names no existing file."""
    return url_scheme(argument) is not None and not os.path.exists(argument)


def read_url(url: str, settings: Settings, *, fetcher: Fetcher | None = None) -> Iterator[Article]:
    """The Articles of a URL: one for a page, one per item for a feed; its `source` is `url` as given."""
    fetcher = fetcher or Fetcher(settings)
    try:
        response = fetcher.fetch(url)
        if kind_of_response(response) == "feed":
            yield from feed.iter_feed(
                response.body, url, settings, base_url=response.final_url, fetcher=fetcher
            )
        else:
            yield read_page(response, source=url, settings=settings)
    except InputError as exc:
        yield text.failed(url, exc)


def kind_of(path: Path) -> str:
    """The reader for a file name: html, json, jsonl, warc, feed, or text for anything else."""
    name = path.name.lower()
    if name.endswith((".warc.gz", ".warc")):
        return "warc"
    return _KINDS.get(path.suffix.lower(), "text")


def read_path(
    path: Path,
    settings: Settings,
    *,
    source: str | None = None,
    json_fields: JsonFields = DEFAULT_FIELDS,
    fetcher: Fetcher | None = None,
) -> Iterator[Article]:
    """The Articles of one file; a file that cannot be read at all yields one failed Article.

    `fetcher` fetches the pages a feed's items link to (a new one when not given).
    """
    source = source if source is not None else str(path)
    try:
        if not path.exists():
            raise InputError(Errors.E004, input=source)
        if not path.is_file():
            raise InputError(Errors.E001, input=source, reason="not a regular file")
        kind = kind_of(path)
        if kind == "warc":
            yield from warc.iter_warc(path, source, settings)
        elif kind == "jsonl":
            yield from jsonl.iter_jsonl(path, source, settings, json_fields)
        else:
            data = text.read_limited(path, source, settings.max_bytes)
            if kind == "json":
                yield from jsonl.iter_json(data, source, settings, json_fields)
            elif kind == "feed":
                yield from feed.iter_feed(data, source, settings, fetcher=fetcher)
            elif kind == "html":
                yield html.read_html(data, source=source, settings=settings)
            else:
                yield text.read_text(data, source=source, settings=settings)
    except InputError as exc:
        yield text.failed(source, exc)
    except OSError as exc:
        yield text.failure(Errors.E001, input=source, reason=text.one_line(exc.strerror or exc))


def read_stream(stream: BinaryIO, source: str, settings: Settings) -> Article:
    """The Article of a stream of unknown kind (standard input): HTML if it looks like HTML, else text."""
    try:
        data = stream.read(settings.max_bytes + 1)
        if len(data) > settings.max_bytes:
            raise InputError(
                Errors.E008, input=source, size=f"more than {settings.max_bytes}", limit=settings.max_bytes
            )
        if not settings.as_is and html.looks_like_html(data):
            return html.read_html(data, source=source, settings=settings)
        return text.read_text(data, source=source, settings=settings)
    except InputError as exc:
        return text.failed(source, exc)
    except OSError as exc:
        return text.failure(Errors.E001, input=source, reason=text.one_line(exc.strerror or exc))


def _walk(root: Path) -> Iterator[Path | OSError]:
    """Every non-hidden file under `root`, depth first, names in sorted order; the error of each
    folder that cannot be listed, in its place (os.walk would skip it without a word)."""
    errors: list[OSError] = []
    for folder, dirs, files in os.walk(root, onerror=errors.append):
        yield from errors
        errors.clear()
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name
    yield from errors
