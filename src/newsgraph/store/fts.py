"""A user's search text as safe full-text queries: words and "phrases", never syntax.

Whatever a person types (unbalanced quotes, `AND OR`, `NEAR(`, `*`, `-`, SQL) becomes a list
of terms, each a word or a phrase of words, all required. The terms are then written in each
engine's own quoting (FTS5 strings, PostgreSQL websearch phrases), so no user input is ever
read as operators.
"""

from __future__ import annotations

import re

from ..errors import Errors, StoreError

_WORD = re.compile(r"\w+", re.UNICODE)
_PHRASE = re.compile(r'"([^"]*)"')
MAX_QUERY = 1000  # characters; a longer query is refused rather than searched
MAX_TERMS = 32


def terms(text: str) -> list[str]:
    """The terms of a query: each a word or a phrase (words joined by one space)."""
    if len(text) > MAX_QUERY:
        raise StoreError(Errors.E304, query=text[:40] + "…", reason=f"longer than {MAX_QUERY} characters")
    found: list[str] = []
    rest = _PHRASE.sub(lambda m: _add_phrase(found, m.group(1)), text)
    found.extend(_WORD.findall(rest))
    found = list(dict.fromkeys(t for t in found if t))
    if not found:
        raise StoreError(Errors.E304, query=text, reason="it has no words to search for")
    return found[:MAX_TERMS]


def _add_phrase(found: list[str], phrase: str) -> str:
    words = _WORD.findall(phrase)
    if words:
        found.append(" ".join(words))
    return " "


def fts5(found: list[str]) -> str:
    """The terms as an FTS5 query: each a quoted string (a phrase), all required."""
    return " ".join('"' + t.replace('"', "") + '"' for t in found)


def websearch(found: list[str]) -> str:
    """The terms as a PostgreSQL websearch_to_tsquery text: each quoted, so `or` and `-` are words."""
    return " ".join('"' + t.replace('"', "") + '"' for t in found)


def display(found: list[str]) -> str:
    return " ".join(f'"{t}"' if " " in t else t for t in found)


MARK_START, MARK_END = "\x02", "\x03"


def highlights(marked: str) -> tuple[str, list[tuple[int, int]]]:
    """A snippet with start/end marks -> the plain snippet and the offsets of the marked parts."""
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for piece in re.split(f"([{MARK_START}{MARK_END}])", marked):
        if piece == MARK_START:
            start = length
        elif piece == MARK_END:
            if start is not None and length > start:
                spans.append((start, length))
            start = None
        else:
            piece = re.sub(r"\s+", " ", piece)  # one line: paragraphs joined by a space
            plain.append(piece)
            length += len(piece)
    return "".join(plain), spans
