"""Ingest and reprocess: read inputs, skip what is stored already, analyse the rest, store it.

Resumable: an input whose raw text is already stored is skipped before analysis (a new source
of it is recorded as a copy), so a run stopped at any moment restarts where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence

from ..api import analyze_articles
from ..article import Article
from ..ingest import iter_articles
from ..pipeline import DEFAULT_STAGES, get_stage
from ..settings import Settings
from .copying import copying
from .core import Store
from .db import Database
from .models import Failure, IngestReport, ReprocessReport
from .writer import Origin, delete_article, store_article, store_batch

Progress = Callable[[IngestReport], None]


def ingest_paths(
    store: Store,
    paths: Sequence[str],
    settings: Settings | None = None,
    *,
    batch_size: int = 1,
    progress: Progress | None = None,
) -> IngestReport:
    """Read, analyse and store `paths` (files, directories, `-`); bad inputs are reported, not fatal."""
    settings = settings or Settings()
    report = IngestReport()
    origins: dict[int, Origin] = {}

    def fresh(articles: Iterable[Article]) -> Iterator[Article]:
        for article in articles:
            if article.error:
                report.failed.append(Failure(source=article.source, reason=article.error))
                continue
            seen = store.seen_input(article.raw, article.source)
            if seen is not None:
                if seen[1]:
                    report.duplicates += 1
                else:
                    report.skipped += 1
                if progress:
                    progress(report)
                continue
            origins[id(article)] = Origin.of(article)
            yield article

    def stored(articles: Iterable[Article]) -> Iterator[Article]:
        for article in articles:
            yield article
            if progress:
                progress(report)

    analysed = analyze_articles(fresh(iter_articles(paths, settings)), settings)
    store.ingest(
        stored(analysed), batch_size=batch_size, origin=lambda a: origins.pop(id(a), None), report=report
    )
    return report


def bulk_ingest(
    store: Store,
    articles: Iterable[Article],
    *,
    batch_size: int = 1000,
    report: IngestReport | None = None,
    progress: Progress | None = None,
) -> IngestReport:
    """Store many analysed articles fast (building a large store): `batch_size` articles per
    transaction, their full-text rows written together, their annotations by COPY on PostgreSQL,
    the database tuned for loading (`Database.bulk`). Idempotent like `Store.ingest`; a batch
    that fails is stored again one article at a time, so one bad article is reported and the
    others are kept."""
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, not {batch_size}")
    report = report if report is not None else IngestReport()

    def write(batch: list[Article]) -> None:
        store_items(store, [(a, Origin.of(a)) for a in batch], report)
        if progress:
            progress(report)

    with store.db.bulk():
        pending: list[Article] = []
        for article in articles:
            if article.error:
                report.failed.append(Failure(source=article.source, reason=article.error))
                continue
            pending.append(article)
            if len(pending) >= batch_size:
                write(pending)
                pending = []
        if pending:
            write(pending)
    return report


def store_items(
    store: Store,
    items: Sequence[tuple[Article, Origin]],
    report: IngestReport,
    *,
    also: Callable[[Database], None] | None = None,
) -> None:
    """Store analysed articles in one transaction (the bulk path: `writer.store_batch`, with COPY
    on PostgreSQL), `also` run inside it (a loader's note of how far it got); if that fails,
    each article in a transaction of its own (`Store.ingest`: the bad one is reported), then
    `also` in its own."""
    db = store.db
    try:
        with db.transaction():
            with copying(db) as target:
                verdicts = store_batch(target, items)
            if also is not None:
                also(db)
    except Exception:  # whatever it was, the articles are tried one by one
        origins = {id(article): origin for article, origin in items}
        store.ingest((a for a, _ in items), origin=lambda a: origins.get(id(a)), report=report)
        if also is not None:
            with db.transaction():
                also(db)
        return
    report.count((a.id for a, _ in items), verdicts)


def current_stages(settings: Settings) -> list[str]:
    return [get_stage(name).id for name in (settings.stages or DEFAULT_STAGES)]


def reprocess(
    store: Store, settings: Settings | None = None, *, dry_run: bool = False, ids: Sequence[str] | None = None
) -> ReprocessReport:
    """Analyse again, from the stored raw input, every article whose stages are older than the
    current ones (or `ids`); each is replaced in one transaction, its copies kept."""
    settings = settings or Settings()
    stale = list(ids) if ids is not None else store.stale_articles(current_stages(settings))
    report = ReprocessReport(checked=len(stale))
    if dry_run:
        return report
    origins: dict[int, tuple[str, Origin]] = {}

    def inputs() -> Iterator[Article]:
        for article_id in stale:
            found = store.origin(article_id)
            if found is None:  # deleted since
                continue
            raw, origin = found
            fresh = Article.from_raw(
                raw,
                source=origin.source,
                title=origin.title,
                published=origin.published,
                language=origin.language,
                as_is=origin.as_is,
            )
            origins[id(fresh)] = (article_id, origin)
            yield fresh

    db = store.db
    for article in analyze_articles(inputs(), settings):
        article_id, origin = origins.pop(id(article))
        if article.error:
            report.failed.append(Failure(source=origin.source, reason=article.error))
            continue
        with db.transaction():
            copies = db.all(
                "SELECT source, url, raw_sha, seen FROM copies WHERE article_id = ?", (article_id,)
            )
            delete_article(db, article_id)
            store_article(db, article, origin)
            # The copies of the old article are copies of the new one (the clean text may differ).
            db.executemany(
                "INSERT INTO copies (article_id, source, url, raw_sha, seen) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (article_id, source) DO UPDATE SET seen = excluded.seen",
                [(article.id, *c) for c in copies],
            )
        report.reprocessed += 1
    return report
