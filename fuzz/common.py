"""What every fuzz harness checks: the readers' promise that any input gives clean Articles.

An input may fail, but only as a failed Article whose `error` is one line from the catalogue
(an E-code first) naming the input; a record that is not failed validates against the shipped
schema with every offset inside its text. Anything else (an exception, a bad message) is a crash
for atheris to report.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from conftest import validate_record  # noqa: E402
from newsgraph.article import Article  # noqa: E402
from newsgraph.ingest.text import on_one_line  # noqa: E402

ERROR_LINE = re.compile(r"^E\d{3} ")


def check(articles: Iterable[Article], source: str, *, archive: bool = False) -> list[Article]:
    """Raise AssertionError unless every Article keeps the readers' promise; the Articles as a list.

    Every Article of a file is `source` or a part of it (`source:N`, `source#N`), and there is at
    least one; an `archive` (WARC) names its records by their URLs and may hold no page at all.
    """
    result = list(articles)
    assert result or archive, f"{source}: no Article at all"
    for article in result:
        assert archive or article.source.startswith(source), (source, article.source)
        check_one(article)
    return result


def check_one(article: Article) -> None:
    """Raise AssertionError unless `article` is a valid record or a one-line failure naming its input."""
    if article.error is not None:
        error = article.error
        assert ERROR_LINE.match(error), f"error without an E-code: {error!r}"
        assert len(error.splitlines()) == 1, f"error on several lines: {error!r}"
        named = on_one_line(article.source or "<text>")
        assert named in error, f"error does not name {named!r}: {error!r}"
        assert article.text == "", f"failed Article with text: {article.source!r}"
    # Every record can be written out as UTF-8 (a lone surrogate cannot).
    article.to_json().encode("utf-8")
    validate_record(article.to_dict())
    for clean, raw, length in article.raw_offsets:
        assert clean >= 0 and clean + length <= len(article.text), (article.source, article.raw_offsets)
        assert raw >= 0 and raw + length <= len(article.raw), (article.source, article.raw_offsets)
