"""One keyword-only options object for the CLI, the Python API and the web UI."""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Literal

from .errors import Errors, NewsgraphError

# The fields a JSON object can give (newsgraph.ingest.jsonl.JsonFields).
JSON_FIELDS = ("text", "html", "title", "url", "date", "language")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """How an analysis runs. Every field has a default that serves a person at a terminal."""

    model: str | None = None  # a spaCy pipeline name or path; None: the first installed default
    published: str | None = None  # YYYY-MM-DD, the anchor for relative dates; overrides the input's
    as_is: bool = False  # the input is already clean: no cleaning, text kept byte for byte
    stages: tuple[str, ...] | None = None  # None: the default pipeline
    batch_size: int = 32
    on_error: Literal["record", "raise"] = "record"  # "record": a failing article gets `error`; "raise": stop
    max_bytes: int = 50_000_000  # inputs larger than this are refused with a clear error
    # HTML pages with more elements than this (besides styles and SVG, which are dropped) are refused:
    # extraction takes 0.2-0.5 ms an element, more with much text in them (see ingest/html.py).
    max_elements: int = 50_000
    # Seconds one article may spend in the pipeline (and in HTML extraction); None or 0: no limit.
    # Interrupted where it runs in the main thread, checked between stages elsewhere (see limits.py).
    time_limit: float | None = 120.0
    components: tuple[str, ...] = ()  # spaCy components to keep; () = what the stages need
    # Fetching URLs (newsgraph.ingest.fetch) and reading feeds (newsgraph.ingest.feed).
    allow_private: bool = False  # fetch from private, loopback and other non-public addresses too
    fetch_interval: float = 1.0  # seconds at least between two requests to one host
    timeout: float = 20.0  # seconds to connect, and for each read (the whole answer: 4 times this)
    follow_links: bool = True  # fetch the page of a feed item whose feed does not carry its text
    # Which key of a JSON object holds what, where it is not the field's own name: ("text", "body").
    json_fields: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if self.published is not None:
            try:
                dt.date.fromisoformat(self.published)
            except ValueError as exc:
                raise NewsgraphError(
                    Errors.E202, option="published", value=self.published, reason="expected YYYY-MM-DD"
                ) from exc
        if self.batch_size < 1:
            raise NewsgraphError(
                Errors.E202, option="batch_size", value=self.batch_size, reason="must be >= 1"
            )
        if not 0 <= self.fetch_interval < float("inf"):  # NaN fails both ways
            raise NewsgraphError(
                Errors.E202,
                option="fetch_interval",
                value=self.fetch_interval,
                reason="must be a number of seconds >= 0",
            )
        if self.time_limit is not None and not 0 <= self.time_limit < float("inf"):
            raise NewsgraphError(
                Errors.E202,
                option="time_limit",
                value=self.time_limit,
                reason="must be a number of seconds >= 0 (0: no limit)",
            )
        if self.max_elements < 1:
            raise NewsgraphError(
                Errors.E202, option="max_elements", value=self.max_elements, reason="must be >= 1"
            )
        if not 0 < self.timeout < float("inf"):
            raise NewsgraphError(
                Errors.E202, option="timeout", value=self.timeout, reason="must be a number of seconds > 0"
            )
        for field, key in self.json_fields:
            if field not in JSON_FIELDS or not key:
                raise NewsgraphError(
                    Errors.E202,
                    option="json_fields",
                    value=f"{field}={key}",
                    reason=f"FIELD=KEY, FIELD one of {', '.join(JSON_FIELDS)}, KEY not empty",
                )
        if self.on_error not in ("record", "raise"):
            raise NewsgraphError(
                Errors.E202, option="on_error", value=self.on_error, reason="record or raise"
            )

    def but(self, **changes: object) -> Settings:
        return replace(self, **changes)  # type: ignore[arg-type]


_DEFAULT = Settings()
_CURRENT: contextvars.ContextVar[Settings | None] = contextvars.ContextVar("newsgraph_settings", default=None)


def current() -> Settings:
    """The settings of the analysis running now."""
    return _CURRENT.get() or _DEFAULT


@contextlib.contextmanager
def using(settings: Settings) -> Iterator[Settings]:
    token = _CURRENT.set(settings)
    try:
        yield settings
    finally:
        _CURRENT.reset(token)
