"""Stage registry and runner: named, versioned stages over one Article, ordered and checked.

A stage is a callable `Article -> Article` registered under a name and a version
(`quotes.v1`), declaring the fields it requires and the fields it assigns. A pipeline is
built from stage names; building checks that every requirement is assigned by an earlier
stage. Running goes batch by batch (so the parse stage can use `nlp.pipe`) and routes every
failure to one error handler: raise in tests, record-and-continue in batches.

Each article has `Settings.time_limit` seconds for all its stages. A stage that runs past the time
its article has left is stopped (see limits.py: an alarm in the main thread, a watchdog in others,
such as the Dask workers' task threads); where neither can act, or while a stage sits in C code
that does not return, the time is still measured and an article over its limit is stopped between
stages. The first articles of a process also pay for loading the models (spaCy, the gazetteer:
seconds) in their stages' time.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .article import Article
from .errors import Errors, NewsgraphError, PipelineError
from .ingest.text import on_one_line, one_line
from .limits import TimeLimitExceeded, alarm_handler, time_limit
from .settings import current

log = logging.getLogger(__name__)

StageFunc = Callable[[Article], Article]
BatchFunc = Callable[[Sequence[Article]], Sequence[Article]]

# The languages of the stages built on the English spaCy pipeline and English lexicons.
ENGLISH = ("en",)

# Fields an article has before any stage runs.
BASE_FIELDS = frozenset({"raw", "source", "title", "published", "language", "text"})


@dataclass(frozen=True)
class Stage:
    name: str
    version: int
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    func: StageFunc | None = None
    batch_func: BatchFunc | None = None
    # spaCy components the stage reads from the parse (all others may be disabled).
    components: tuple[str, ...] = ()
    # Languages the stage can analyse (ISO 639-1); None: any. An article known to be in another
    # language passes the stage untouched, keeping what earlier stages gave it.
    languages: tuple[str, ...] | None = None
    doc: str = ""

    def accepts(self, article: Article) -> bool:
        return self.languages is None or article.language is None or article.language in self.languages

    @property
    def id(self) -> str:
        return f"{self.name}.v{self.version}"

    def run_batch(self, articles: Sequence[Article]) -> Sequence[Article]:
        if self.batch_func is not None:
            return self.batch_func(articles)
        assert self.func is not None
        return [self.func(a) for a in articles]


REGISTRY: dict[str, Stage] = {}


def stage(
    name: str,
    *,
    version: int,
    requires: Sequence[str] = (),
    assigns: Sequence[str] = (),
    components: Sequence[str] = (),
    languages: Sequence[str] | None = None,
    batch: bool = False,
) -> Callable[[Callable[..., object]], Callable[..., object]]:
    """Register a function as the stage `name.v{version}`.

    With `batch=True` the function takes and returns a sequence of articles; otherwise it
    takes one article and returns it.
    """

    def register(func: Callable[..., object]) -> Callable[..., object]:
        s = Stage(
            name=name,
            version=version,
            requires=tuple(requires),
            assigns=tuple(assigns),
            func=None if batch else func,  # type: ignore[arg-type]
            batch_func=func if batch else None,  # type: ignore[arg-type]
            components=tuple(components),
            languages=tuple(languages) if languages is not None else None,
            doc=(func.__doc__ or "").strip().split("\n")[0],
        )
        existing = REGISTRY.get(s.id)
        if existing is not None and (existing.func or existing.batch_func) is not func:
            raise PipelineError(Errors.E105, name=s.id)
        REGISTRY[s.id] = s
        return func

    return register


def get_stage(name: str) -> Stage:
    """A stage by `name.vN`, or by bare `name` for its newest version."""
    _load_builtin_stages()
    if name in REGISTRY:
        return REGISTRY[name]
    versions = [s for s in REGISTRY.values() if s.name == name]
    if not versions:
        raise PipelineError(Errors.E101, name=name, known=", ".join(sorted(REGISTRY)))
    return max(versions, key=lambda s: s.version)


def _load_builtin_stages() -> None:
    # Importing the modules registers their stages.
    from . import clean, language, parse  # noqa: F401
    from .analyze import claims, dates, entities, events, places, predictions, quotes, roles  # noqa: F401


ErrorMode = Literal["raise", "record"]

DEFAULT_STAGES = (
    "clean",
    "language",
    "parse",
    "entities",
    "roles",
    "descriptions",
    "places",
    "dates",
    "quotes",
    "claims",
    "events",
    "predictions",
)


@dataclass
class Pipeline:
    """An ordered, checked list of stages and the way their failures are handled."""

    stages: list[Stage]
    on_error: ErrorMode = "record"
    batch_size: int = 32
    errors: list[str] = field(default_factory=list)
    # Keep each article's spaCy parse after the run (memory grows with every article): for tools
    # that re-run a stage over the same parses, such as scripts/quotes_lab.py.
    keep_docs: bool = False

    @classmethod
    def build(
        cls, names: Iterable[str] = DEFAULT_STAGES, *, on_error: ErrorMode = "record", batch_size: int = 32
    ) -> Pipeline:
        stages = [get_stage(n) for n in names]
        check_order(stages)
        return cls(stages=stages, on_error=on_error, batch_size=batch_size)

    @property
    def names(self) -> list[str]:
        return [s.id for s in self.stages]

    @property
    def components(self) -> set[str]:
        """The spaCy components some stage of this pipeline reads."""
        return {c for s in self.stages for c in s.components}

    def __call__(self, article: Article) -> Article:
        return next(iter(self.run([article])))

    def run(self, articles: Iterable[Article]) -> Iterator[Article]:
        """Run every stage over `articles`, batch by batch, yielding them in input order."""
        batch: list[Article] = []
        for article in articles:
            batch.append(article)
            if len(batch) >= self.batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, batch: list[Article]) -> list[Article]:
        clock = _Clock(current().time_limit)
        with alarm_handler() if clock.limit else contextlib.nullcontext():
            for s in self.stages:
                live = [a for a in batch if a.error is None and s.accepts(a)]
                if not live:
                    continue
                if s.batch_func is None or len(live) == 1:
                    for a in live:
                        self._run_one(s, a, clock)
                else:
                    self._run_together(s, live, clock)
        if not self.keep_docs:
            for a in batch:
                a.doc = None
        return batch

    def _run_together(self, s: Stage, live: list[Article], clock: _Clock) -> None:
        """A batch stage over `live` at once, or one by one when it fails or runs out of time, to
        find which article did. The batch may take the least time any of its articles has left."""
        started = time.perf_counter()
        try:
            with time_limit(clock.left(live)):
                returned = list(s.run_batch(live))
        except TimeLimitExceeded:
            self._recover()
        except Exception:
            if self.on_error == "raise":
                raise
        else:
            # The time of a batch is shared out by length: a spaCy pass takes time in proportion.
            elapsed = time.perf_counter() - started
            total = sum(len(a.text) + 1 for a in live)
            for a, r in zip(live, returned, strict=True):
                clock.charge(a, elapsed * (len(a.text) + 1) / total)
                self._check(s, a, r, clock)
            return
        for a in live:
            self._run_one(s, a, clock)

    def _run_one(self, s: Stage, article: Article, clock: _Clock) -> None:
        """One stage over one article, stopped when it runs past the time the article has left."""
        started = time.perf_counter()
        try:
            with time_limit(clock.left([article])):
                returned = s.func(article) if s.func is not None else s.run_batch([article])[0]
        except TimeLimitExceeded:
            self._recover()
            self._time_out(article, s, clock)
            return
        except Exception as exc:
            self._fail(article, s, exc)
            return
        finally:
            clock.charge(article, time.perf_counter() - started)
        self._check(s, article, returned, clock)

    def _check(self, s: Stage, article: Article, returned: object, clock: _Clock) -> None:
        """Whether a stage did its work on `article`: returned it, and within its time."""
        if returned is not article:
            self._fail(article, s, PipelineError(Errors.E104, stage=s.id, got=type(returned).__name__))
        elif clock.over(article):  # where nothing could stop the stage in time
            self._time_out(article, s, clock)
        elif article.error is None:
            article.stages.append(s.id)

    def _recover(self) -> None:
        """Forget the shared state a stage stopped mid-way may have left half-changed: the spaCy
        pipeline, whose components a parse stopped inside `select_pipes` leaves disabled, is
        loaded anew by the next parse (about a second; the gazetteer and the caches of the
        stages only ever store finished answers)."""
        from . import nlp

        nlp.load.cache_clear()

    def _time_out(self, article: Article, s: Stage, clock: _Clock) -> None:
        source = on_one_line(article.source or "<text>")
        error = PipelineError(Errors.E106, input=source, limit=clock.limit, stage=f"stage {s.id}")
        if self.on_error == "raise":
            raise error
        self._record(article, str(error))

    def _fail(self, article: Article, s: Stage, exc: BaseException) -> None:
        if self.on_error == "raise":
            raise exc
        reason = str(exc) if isinstance(exc, NewsgraphError) else f"{type(exc).__name__}: {exc}"
        # An exception's text may run over many lines (a traceback, a dump of the input): one line.
        message = Errors.E103.format(
            stage=s.id, input=on_one_line(article.source or "<text>"), reason=one_line(reason, REASON_LENGTH)
        )
        self._record(article, message)

    def _record(self, article: Article, message: str) -> None:
        log.warning(message)
        article.clear_annotations()
        article.error = message
        self.errors.append(message)


# Characters of an exception's text an E103 message keeps.
REASON_LENGTH = 300


class _Clock:
    """The seconds each article of a batch has spent in stages, against the time limit."""

    def __init__(self, limit: float | None) -> None:
        self.limit = limit or None  # 0: no limit
        self.spent: dict[int, float] = {}

    def charge(self, article: Article, seconds: float) -> None:
        self.spent[id(article)] = self.spent.get(id(article), 0.0) + seconds

    def left(self, articles: Sequence[Article]) -> float | None:
        """The least time any of `articles` has left (None: no limit)."""
        if self.limit is None:
            return None
        return max(self.limit - max(self.spent.get(id(a), 0.0) for a in articles), 0.001)

    def over(self, article: Article) -> bool:
        return self.limit is not None and self.spent.get(id(article), 0.0) > self.limit


def check_order(stages: Sequence[Stage]) -> None:
    """Raise unless every stage's requirements are assigned before it runs."""
    available = set(BASE_FIELDS)
    for s in stages:
        for need in s.requires:
            if need not in available:
                providers = sorted(o.id for o in REGISTRY.values() if need in o.assigns) or [
                    "(none registered)"
                ]
                raise PipelineError(Errors.E102, stage=s.id, field=need, providers=", ".join(providers))
        available.update(s.assigns)
