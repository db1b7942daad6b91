"""The knowledge base: every article with all its annotations, a registry of entities and places
across articles, and the queries that the CLI and the web UI render.

    store = open_store("newsgraph.db")            # or "postgresql://user@host/db"; default: $NEWSGRAPH_DB
    report = store.ingest(analysed_articles)      # one transaction per article: all or nothing
    store.quotes(Filters(speaker="Lukashenka"))   # any alias, any transliteration
    store.search("grain corridor", Filters(since="2023"), Page(limit=10))

SQLite (one file, WAL, foreign keys, FTS5) by default; PostgreSQL (psycopg 3, tsvector + GIN)
through the same schema, built by named, recorded, transactional migrations. Every query
returns the plain dataclasses of `newsgraph.store.models`; `as_dict` turns any of them into JSON.
Errors are `StoreError`s (codes E3xx) whose text is one line for a person.
"""

from __future__ import annotations

from .core import DEFAULT_DB, Store, default_location, open_store
from .models import (
    MAX_LIMIT,
    ArticleLinks,
    ArticleSummary,
    ClaimRow,
    Copy,
    DayCount,
    EntityDetail,
    EntitySummary,
    EventRow,
    FacetCount,
    Failure,
    Filters,
    IngestReport,
    Page,
    Paged,
    PlaceDetail,
    PlaceSummary,
    PredictionRow,
    QuoteRow,
    ReprocessReport,
    RoleSpan,
    SearchHit,
    SearchResult,
    Stats,
    as_dict,
)

__all__ = [
    "DEFAULT_DB",
    "MAX_LIMIT",
    "ArticleLinks",
    "ArticleSummary",
    "ClaimRow",
    "Copy",
    "DayCount",
    "EntityDetail",
    "EntitySummary",
    "EventRow",
    "FacetCount",
    "Failure",
    "Filters",
    "IngestReport",
    "Page",
    "Paged",
    "PlaceDetail",
    "PlaceSummary",
    "PredictionRow",
    "QuoteRow",
    "ReprocessReport",
    "RoleSpan",
    "SearchHit",
    "SearchResult",
    "Stats",
    "Store",
    "as_dict",
    "default_location",
    "open_store",
]
