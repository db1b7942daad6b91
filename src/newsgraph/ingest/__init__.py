"""Readers: turn every input a user brings (files, directories, stdin) into Articles.

Each input kind has its module (text, html, jsonl, warc); this one picks the reader by file
name and walks directories. An input that cannot be read becomes a failed Article (its
`error` a one-line message from the catalogue) and the batch goes on.

`settings.max_bytes` bounds one document: a whole .txt, .html or .json file, one line of a
JSON Lines file, one WARC record (JSON Lines and WARC files are streamed, so they may be larger).
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
from . import html, jsonl, text, warc
from .jsonl import DEFAULT_FIELDS, JsonFields

__all__ = ["DEFAULT_FIELDS", "JsonFields", "iter_articles", "kind_of", "read_path", "read_stream"]

_KINDS = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".warc": "warc",
}


def iter_articles(
    paths: Sequence[str], settings: Settings, *, json_fields: JsonFields = DEFAULT_FIELDS
) -> Iterator[Article]:
    """One Article per input document, in input order; an unreadable input yields a failed Article.

    A path is a file, a directory (every file under it: a folder's files in sorted order, then
    its subfolders in sorted order, hidden files and folders skipped) or `-` for standard input
    (HTML when it looks like HTML, else text).
    """
    for path in paths:
        if path == "-":
            yield read_stream(sys.stdin.buffer, "-", settings)
        elif os.path.isdir(path):
            files = list(_walk(Path(path)))
            if not files:
                yield text.failure(Errors.E011, input=path)
            for file in files:
                yield from read_path(file, settings, json_fields=json_fields)
        else:
            yield from read_path(Path(path), settings, source=path, json_fields=json_fields)


def kind_of(path: Path) -> str:
    """The reader for a file name: html, json, jsonl, warc, or text for anything else."""
    name = path.name.lower()
    if name.endswith((".warc.gz", ".warc")):
        return "warc"
    return _KINDS.get(path.suffix.lower(), "text")


def read_path(
    path: Path, settings: Settings, *, source: str | None = None, json_fields: JsonFields = DEFAULT_FIELDS
) -> Iterator[Article]:
    """The Articles of one file; a file that cannot be read at all yields one failed Article."""
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
            elif kind == "html":
                yield html.read_html(data, source=source, settings=settings)
            else:
                yield text.read_text(data, source=source, settings=settings)
    except InputError as exc:
        yield Article.failed(source, str(exc))
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
        return Article.failed(source, str(exc))
    except OSError as exc:
        return text.failure(Errors.E001, input=source, reason=text.one_line(exc.strerror or exc))


def _walk(root: Path) -> Iterator[Path]:
    """Every non-hidden file under `root`, depth first, names in sorted order."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name
