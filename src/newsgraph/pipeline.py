"""Stage registry and runner: named, versioned stages over one Article, ordered and checked.

A stage is a callable `Article -> Article` registered under a name and a version
(`quotes.v1`), declaring the fields it requires and the fields it assigns. A pipeline is
built from stage names; building checks that every requirement is assigned by an earlier
stage. Running goes batch by batch (so the parse stage can use `nlp.pipe`) and routes every
failure to one error handler: raise in tests, record-and-continue in batches.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from .article import Article
from .errors import Errors, NewsgraphError, PipelineError

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
        for s in self.stages:
            live = [a for a in batch if a.error is None and s.accepts(a)]
            if not live:
                continue
            try:
                returned = list(s.run_batch(live))
            except Exception as exc:  # a batch failure: find out which article failed
                if self.on_error == "raise" or len(live) == 1:
                    for a in live:
                        self._fail(a, s, exc)
                    continue
                returned = [self._run_one(s, a) for a in live]
            for a, r in zip(live, returned, strict=True):
                if r is not a:
                    self._fail(a, s, PipelineError(Errors.E104, stage=s.id, got=type(r).__name__))
                elif a.error is None:
                    a.stages.append(s.id)
        for a in batch:
            a.doc = None
        return batch

    def _run_one(self, s: Stage, article: Article) -> Article:
        try:
            return s.run_batch([article])[0]
        except Exception as exc:
            self._fail(article, s, exc)
            return article

    def _fail(self, article: Article, s: Stage, exc: BaseException) -> None:
        if self.on_error == "raise":
            raise exc
        reason = str(exc) if isinstance(exc, NewsgraphError) else f"{type(exc).__name__}: {exc}"
        message = Errors.E103.format(stage=s.id, input=article.source or "<text>", reason=reason)
        log.warning(message)
        article.clear_annotations()
        article.error = message
        self.errors.append(message)


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
