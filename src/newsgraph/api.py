"""The Python API: analyse texts and files into Article records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from importlib import resources
from pathlib import Path

from .article import Article
from .ingest import iter_articles
from .pipeline import DEFAULT_STAGES, Pipeline
from .settings import Settings, using


def build_pipeline(settings: Settings) -> Pipeline:
    return Pipeline.build(
        settings.stages or DEFAULT_STAGES, on_error=settings.on_error, batch_size=settings.batch_size
    )


def analyze_articles(articles: Iterable[Article], settings: Settings | None = None) -> Iterator[Article]:
    """Run the pipeline over articles already read, yielding them in order as they are done."""
    settings = settings or Settings()
    pipeline = build_pipeline(settings)
    if not settings.components:
        # Parse with only the spaCy components some stage of this pipeline reads.
        settings = settings.but(components=tuple(sorted(pipeline.components)))
    with using(settings):
        yield from pipeline.run(articles)


def analyze(
    text: str,
    *,
    published: str | None = None,
    as_is: bool = False,
    source: str = "",
    settings: Settings | None = None,
) -> Article:
    """Analyse one text: `analyze("...", published="2022-06-21")`."""
    settings = settings or Settings()
    # The keywords add to the settings given, never undo them.
    settings = settings.but(published=published or settings.published, as_is=as_is or settings.as_is)
    article = Article.from_raw(text, source=source, published=settings.published, as_is=settings.as_is)
    return next(analyze_articles([article], settings))


def analyze_paths(paths: Sequence[str], settings: Settings | None = None) -> Iterator[Article]:
    """Read and analyse files, directories or `-` (stdin), one record per document, in input order."""
    settings = settings or Settings()
    return analyze_articles(iter_articles(paths, settings), settings)


def example_paths() -> list[Path]:
    """The bundled example articles (written for newsgraph: fictional people, real places)."""
    folder = resources.files("newsgraph") / "examples"
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".txt"))


def example_articles() -> Iterator[Article]:
    """The bundled examples as articles; each file name starts with its publication date."""
    for path in example_paths():
        yield Article.from_raw(path.read_text(encoding="utf-8"), source=path.name, published=path.name[:10])
