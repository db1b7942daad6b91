"""The store's schema as named migrations, each applied once, in a transaction, and recorded.

A migration is a name and its SQL; `{serial}`, `{blob}` and `{real}` stand for the column types
that differ between SQLite and PostgreSQL. Where the two differ more (full-text search), a
migration gives one SQL per dialect. Never edit an applied migration: add a new one.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import Errors, StoreError
from .db import Database

TYPES = {
    "sqlite": {"serial": "INTEGER PRIMARY KEY", "blob": "BLOB", "real": "REAL"},
    "postgresql": {"serial": "BIGSERIAL PRIMARY KEY", "blob": "BYTEA", "real": "DOUBLE PRECISION"},
}


@dataclass(frozen=True)
class Migration:
    name: str
    sql: str = ""
    sqlite: str = ""
    postgresql: str = ""

    def for_dialect(self, dialect: str) -> str:
        specific = self.sqlite if dialect == "sqlite" else self.postgresql
        return (specific or self.sql).format(**TYPES[dialect])


INITIAL = """
CREATE TABLE articles (
    n {serial},
    id TEXT NOT NULL UNIQUE,
    title TEXT,
    published TEXT,
    language TEXT,
    source TEXT NOT NULL,
    outlet TEXT NOT NULL,
    story TEXT NOT NULL,
    text TEXT NOT NULL,
    record TEXT NOT NULL,
    raw TEXT NOT NULL,
    origin TEXT NOT NULL,
    stages TEXT NOT NULL,
    signature {blob},
    n_quotes INTEGER NOT NULL DEFAULT 0,
    n_entities INTEGER NOT NULL DEFAULT 0,
    ingested TEXT NOT NULL
);
CREATE INDEX articles_published ON articles (published);
CREATE INDEX articles_outlet ON articles (outlet);
CREATE INDEX articles_story ON articles (story);
CREATE TABLE copies (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    source TEXT NOT NULL,
    url TEXT,
    raw_sha TEXT NOT NULL,
    seen TEXT NOT NULL,
    PRIMARY KEY (article_id, source)
);
CREATE INDEX copies_raw ON copies (raw_sha);
CREATE INDEX copies_source ON copies (source);
CREATE TABLE story_bands (
    band TEXT NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
);
CREATE TABLE entities (
    id {serial},
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    grp TEXT NOT NULL
);
CREATE TABLE aliases (
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    folded TEXT NOT NULL,
    skel TEXT NOT NULL,
    PRIMARY KEY (entity_id, folded)
);
CREATE INDEX aliases_folded ON aliases (folded);
CREATE INDEX aliases_skel ON aliases (skel);
CREATE TABLE mentions (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    local_id TEXT NOT NULL,
    entity_id INTEGER NOT NULL REFERENCES entities (id),
    name TEXT NOT NULL,
    type TEXT NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (article_id, local_id)
);
CREATE INDEX mentions_entity ON mentions (entity_id);
CREATE TABLE roles (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    entity_id INTEGER NOT NULL REFERENCES entities (id),
    role TEXT NOT NULL,
    role_of TEXT,
    date TEXT
);
CREATE INDEX roles_entity ON roles (entity_id);
CREATE INDEX roles_article ON roles (article_id);
CREATE TABLE places (
    id {serial},
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    folded TEXT NOT NULL,
    skel TEXT NOT NULL,
    kind TEXT NOT NULL,
    country TEXT,
    lat {real},
    lon {real},
    geonames_id INTEGER
);
CREATE INDEX places_folded ON places (folded);
CREATE INDEX places_skel ON places (skel);
CREATE TABLE place_mentions (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    place_id INTEGER NOT NULL REFERENCES places (id),
    text TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE INDEX place_mentions_place ON place_mentions (place_id);
CREATE TABLE quotes (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    local_id TEXT NOT NULL,
    text TEXT NOT NULL,
    kind TEXT NOT NULL,
    start_at INTEGER NOT NULL,
    end_at INTEGER NOT NULL,
    speaker_text TEXT,
    speaker_name TEXT,
    speaker_local TEXT,
    entity_id INTEGER REFERENCES entities (id),
    published TEXT,
    PRIMARY KEY (article_id, local_id)
);
CREATE INDEX quotes_entity ON quotes (entity_id, published);
CREATE INDEX quotes_published ON quotes (published);
CREATE TABLE dates (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    text TEXT NOT NULL,
    value TEXT,
    end_value TEXT,
    relation TEXT NOT NULL,
    PRIMARY KEY (article_id, idx)
);
CREATE TABLE claims (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    local_id TEXT NOT NULL,
    text TEXT NOT NULL,
    value {real},
    qualifier TEXT,
    unit TEXT,
    subject TEXT,
    place_id INTEGER REFERENCES places (id),
    date_value TEXT,
    quote_local TEXT,
    entity_id INTEGER REFERENCES entities (id),
    published TEXT,
    PRIMARY KEY (article_id, local_id)
);
CREATE INDEX claims_place ON claims (place_id);
CREATE TABLE events (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    local_id TEXT NOT NULL,
    type TEXT NOT NULL,
    text TEXT NOT NULL,
    place_id INTEGER REFERENCES places (id),
    date_value TEXT,
    participants TEXT NOT NULL,
    published TEXT,
    PRIMARY KEY (article_id, local_id)
);
CREATE INDEX events_place ON events (place_id);
CREATE TABLE predictions (
    article_id TEXT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    local_id TEXT NOT NULL,
    text TEXT NOT NULL,
    stance TEXT,
    about TEXT,
    entity_id INTEGER REFERENCES entities (id),
    published TEXT,
    PRIMARY KEY (article_id, local_id)
);
CREATE INDEX predictions_entity ON predictions (entity_id)
"""

# Titles weigh more than text. PostgreSQL caps a tsvector at 1 MB: index the first 500,000
# characters of a text (a long book, not an article, would pass that).
FULLTEXT_SQLITE = """
CREATE VIRTUAL TABLE articles_fts USING fts5(
    title, text, content='articles', content_rowid='n', tokenize='unicode61 remove_diacritics 2'
)
"""
FULLTEXT_POSTGRESQL = """
ALTER TABLE articles ADD COLUMN tsv tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', coalesce(title, '')), 'A')
    || setweight(to_tsvector('english', left(text, 500000)), 'B')
) STORED;
CREATE INDEX articles_tsv ON articles USING GIN (tsv)
"""

# How far `newsgraph load` got in each Parquet file, written in the transaction of each batch.
LOADED_PARTS = """
CREATE TABLE IF NOT EXISTS loaded_parts (
    part TEXT PRIMARY KEY,
    rows INTEGER NOT NULL,
    complete INTEGER NOT NULL,
    loaded TEXT NOT NULL
)
"""

# An alias per spelling, not per transliteration-folded form: Gritsenko and Hrytsenko fold alike,
# and both are listed now (the folded form stays indexed for lookups). SQLite cannot change a
# primary key in place: the table is copied.
ALIASES_BY_SPELLING_SQLITE = """
CREATE TABLE aliases_new (
    entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
    alias TEXT NOT NULL,
    folded TEXT NOT NULL,
    skel TEXT NOT NULL,
    PRIMARY KEY (entity_id, alias)
);
INSERT INTO aliases_new (entity_id, alias, folded, skel) SELECT entity_id, alias, folded, skel FROM aliases;
DROP TABLE aliases;
ALTER TABLE aliases_new RENAME TO aliases;
CREATE INDEX aliases_folded ON aliases (folded);
CREATE INDEX aliases_skel ON aliases (skel)
"""
ALIASES_BY_SPELLING_POSTGRESQL = """
ALTER TABLE aliases DROP CONSTRAINT aliases_pkey;
ALTER TABLE aliases ADD PRIMARY KEY (entity_id, alias)
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", sql=INITIAL),
    Migration("0002_fulltext", sqlite=FULLTEXT_SQLITE, postgresql=FULLTEXT_POSTGRESQL),
    Migration("0003_quote_speaker_index", sql="CREATE INDEX quotes_speaker_name ON quotes (speaker_name)"),
    Migration("0004_loaded_parts", sql=LOADED_PARTS),
    Migration(
        "0005_aliases_by_spelling",
        sqlite=ALIASES_BY_SPELLING_SQLITE,
        postgresql=ALIASES_BY_SPELLING_POSTGRESQL,
    ),
)

CREATE_TABLE = "CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied TEXT NOT NULL)"


def applied(db: Database) -> list[str]:
    if not _has_table(db, "schema_migrations"):
        return []
    return [r[0] for r in db.all("SELECT name FROM schema_migrations ORDER BY name")]


def migrate(db: Database, migrations: tuple[Migration, ...] = MIGRATIONS) -> list[str]:
    """Apply the migrations not yet applied, each in its own transaction; return their names."""
    done = applied(db)
    known = {m.name for m in migrations}
    for name in done:
        if name not in known:
            raise StoreError(Errors.E307, db=db.location, name=name)
    if not done and _has_other_tables(db):
        raise StoreError(Errors.E302, db=db.location, reason="a database with tables of another program")
    if len(done) == len(migrations):
        return []
    new: list[str] = []
    for migration in migrations:
        if migration.name in done:
            continue
        with db.transaction():
            if db.dialect == "postgresql":
                # Two processes opening a new store at once: the second waits, then sees it applied.
                db.execute("SELECT pg_advisory_xact_lock(7431)")
            db.execute(CREATE_TABLE)
            if db.scalar("SELECT count(*) FROM schema_migrations WHERE name = ?", (migration.name,)):
                continue
            db.script(migration.for_dialect(db.dialect))
            now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
            db.execute("INSERT INTO schema_migrations (name, applied) VALUES (?, ?)", (migration.name, now))
            new.append(migration.name)
    return new


def _has_table(db: Database, name: str) -> bool:
    if db.dialect == "sqlite":
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
    else:
        sql = (
            "SELECT count(*) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?"
        )
    return bool(db.scalar(sql, (name,)))


def _has_other_tables(db: Database) -> bool:
    if db.dialect == "sqlite":
        sql = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    else:
        sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()"
    return bool(db.scalar(sql))
