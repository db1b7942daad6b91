"""JSON readers: one article per JSON object, from JSON Lines (streamed) or a .json file.

The `source` of the object on line N of a JSON Lines file is `PATH:N` (N counts from 1, blank
lines included); of element N of a JSON array it is `PATH:N` too; a .json file holding a single
object keeps `PATH`. A field holding HTML goes through the HTML reader.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from ..article import Article
from ..errors import Errors, InputError
from ..settings import Settings
from .html import read_html
from .text import decode, failed, failure, one_line

_CHUNK = 1 << 20
_ISO_DATE = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T ])")
# JSON's \ud800 escapes can spell half a character, which no UTF-8 output can hold.
_SURROGATE = re.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True, kw_only=True)
class JsonFields:
    """Which keys of a JSON object hold what; a key that is absent is simply not used."""

    text: str = "text"
    html: str = "html"
    title: str = "title"
    url: str = "url"
    date: str = "date"
    language: str = "language"


DEFAULT_FIELDS = JsonFields()


def fields_of(settings: Settings) -> JsonFields:
    """The field mapping the settings give (`json_fields`), else the default one."""
    return JsonFields(**dict(settings.json_fields)) if settings.json_fields else DEFAULT_FIELDS


def iter_jsonl(
    path: Path, source: str, settings: Settings, fields: JsonFields = DEFAULT_FIELDS
) -> Iterator[Article]:
    """One Article per line of a JSON Lines file, read line by line; a bad line fails alone."""
    with path.open("rb") as stream:
        found = False
        for article in read_lines(stream, source, settings, fields):
            found = True
            yield article
        if not found:
            yield failure(Errors.E002, input=source)


def read_lines(
    stream: BinaryIO, source: str, settings: Settings, fields: JsonFields, *, first_line: int = 1
) -> Iterator[Article]:
    """One Article per non-blank line of `stream`, the lines numbered from `first_line` (the
    sources are `SOURCE:N`); a line longer than `settings.max_bytes` is never held whole."""
    limit = settings.max_bytes
    number = first_line - 1
    while line := stream.readline(limit + 1):
        number += 1
        if not line.strip():
            continue
        where = f"{source}:{number}"
        if len(line.rstrip(b"\r\n")) > limit:
            if not line.endswith(b"\n"):
                while (rest := stream.readline(_CHUNK)) and not rest.endswith(b"\n"):
                    pass
            yield failure(Errors.E008, input=where, size=f"more than {limit}", limit=limit)
            continue
        try:
            text = line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            yield failure(Errors.E006, input=where, reason=f"invalid UTF-8 at byte {exc.start}")
            continue
        yield _from_line(text, where, settings, fields)


def iter_json(
    data: bytes, source: str, settings: Settings, fields: JsonFields = DEFAULT_FIELDS
) -> Iterator[Article]:
    """The Articles of a .json file: an object, an array of objects, or JSON Lines under a .json name."""
    text = decode(data, source)
    if not text.strip():
        raise InputError(Errors.E002, input=source)
    try:
        value = _loads(text, source)
    except InputError as exc:
        if not isinstance(exc.__cause__, json.JSONDecodeError) or exc.__cause__.msg != "Extra data":
            raise
        # Several values one after another: JSON Lines saved as .json.
        yield from _from_lines(text.split("\n"), source, settings, fields)
        return
    if isinstance(value, list):
        if not value:
            raise InputError(Errors.E007, input=source, reason="the JSON array is empty")
        for number, item in enumerate(value, 1):
            yield _from_value(item, f"{source}:{number}", settings, fields)
    else:
        yield _from_value(value, source, settings, fields)


def iso_date(value: object) -> str | None:
    """A date given in an input field as YYYY-MM-DD, or None when it is not a recognisable date."""
    if not isinstance(value, str):
        return None
    match = _ISO_DATE.match(value)
    try:
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3])).isoformat()
        # The RSS and e-mail style: "Tue, 21 Jun 2022 10:00:00 +0300".
        return email.utils.parsedate_to_datetime(value).date().isoformat()
    except (ValueError, TypeError, OverflowError):  # OverflowError: a year of twenty digits
        return None


def _from_lines(
    lines: Iterable[str], source: str, settings: Settings, fields: JsonFields
) -> Iterator[Article]:
    for number, line in enumerate(lines, 1):
        if line.strip():
            yield _from_line(line, f"{source}:{number}", settings, fields)


def _from_line(line: str, where: str, settings: Settings, fields: JsonFields) -> Article:
    try:
        value = _loads(line, where)
    except InputError as exc:
        return failed(where, exc)
    return _from_value(value, where, settings, fields)


def _loads(text: str, where: str) -> Any:
    """The value of a JSON document; InputError (E006) for bad JSON, too deep or too long a number."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(Errors.E006, input=where, reason=one_line(exc)) from exc
    except RecursionError as exc:
        raise InputError(Errors.E006, input=where, reason="arrays or objects nested too deeply") from exc
    except ValueError as exc:  # an integer of more digits than Python converts (4300)
        raise InputError(Errors.E006, input=where, reason=one_line(exc)) from exc


def _from_value(value: Any, where: str, settings: Settings, fields: JsonFields) -> Article:
    try:
        return _article(value, where, settings, fields)
    except InputError as exc:
        return failed(where, exc)


def _article(value: Any, where: str, settings: Settings, fields: JsonFields) -> Article:
    if not isinstance(value, dict):
        raise InputError(Errors.E006, input=where, reason=f"a JSON {_kind(value)}, not an object")
    title = _optional_str(value, fields.title, where)
    language = _optional_str(value, fields.language, where)
    published = settings.published or iso_date(value.get(fields.date))
    text = _optional_str(value, fields.text, where)
    if text is not None:
        if not text.strip():
            raise InputError(Errors.E002, input=where)
        return Article.from_raw(
            text, source=where, title=title, published=published, language=language, as_is=settings.as_is
        )
    html = _optional_str(value, fields.html, where)
    if html is None:
        raise InputError(Errors.E007, input=where, reason=f"no {fields.text!r} or {fields.html!r} field")
    url = _optional_str(value, fields.url, where)
    return read_html(
        html, source=where, settings=settings, title=title, published=published, language=language, url=url
    )


def _optional_str(value: dict[str, Any], key: str, where: str) -> str | None:
    item = value.get(key)
    if item is None:
        return None
    if isinstance(item, str):
        return _SURROGATE.sub("\ufffd", item)
    raise InputError(Errors.E006, input=where, reason=f"field {key!r} is a JSON {_kind(item)}, not a string")


def _kind(value: object) -> str:
    names = {list: "array", dict: "object", str: "string", bool: "boolean", int: "number", float: "number"}
    return "null" if value is None else names.get(type(value), type(value).__name__)
