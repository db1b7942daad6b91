"""COPY instead of INSERT for the rows of a bulk transaction that nothing later in it reads.

Storing an article on PostgreSQL costs round trips more than work: each `executemany` of its
annotations is one. In a bulk transaction the annotation tables (mentions, roles, quotes, ...)
are written and never read again before the commit, so their rows can wait and go in with one
COPY per table at the end. The tables the writer reads back while storing (articles,
story_bands, entities, aliases, places, copies) are written as before, so the next article of
the batch still sees the previous one.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from .db import Database, Params, PostgresDatabase, _no_nul

# Written by `writer._store_annotations` and read by nothing else of the same transaction.
DEFERRED = frozenset(
    ("mentions", "roles", "place_mentions", "quotes", "dates", "claims", "events", "predictions")
)
_INSERT = re.compile(r"\s*INSERT INTO (\w+) \(([^)]*)\) VALUES", re.IGNORECASE)


class CopyingDatabase(Database):
    """A PostgreSQL connection whose `executemany` inserts into DEFERRED tables are held back and
    written by `flush` (one COPY per table, before the commit).

    Their ON CONFLICT clauses are dropped: a conflicting row (a record with one local id twice)
    fails the COPY and so the transaction, which the caller then stores the slow way."""

    dialect = "postgresql"

    def __init__(self, inner: PostgresDatabase) -> None:
        self.inner = inner
        self.location = inner.location
        self.held: dict[tuple[str, tuple[str, ...]], list[Params]] = {}

    def execute(self, sql: str, params: Params = ()) -> Any:
        return self.inner.execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        insert = _INSERT.match(sql)
        if insert is None or insert.group(1) not in DEFERRED:
            self.inner.executemany(sql, rows)
            return
        columns = tuple(c.strip() for c in insert.group(2).split(","))
        self.held.setdefault((insert.group(1), columns), []).extend(rows)

    def flush(self) -> None:
        """Write the rows held back, one COPY per table and column list."""
        with self.inner.conn.cursor() as cursor:
            for (table, columns), rows in self.held.items():
                with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(_no_nul(row))
        self.held.clear()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self.inner.transaction():
            yield

    def lock(self, keys: Iterable[str]) -> None:
        self.inner.lock(keys)

    def close(self) -> None:
        self.inner.close()


@contextlib.contextmanager
def copying(db: Database) -> Iterator[Database]:
    """Inside a transaction: `db`, or on PostgreSQL a CopyingDatabase over it, flushed at the end
    of the block (an exception leaves nothing held back to write)."""
    if not isinstance(db, PostgresDatabase):
        yield db
        return
    deferred = CopyingDatabase(db)
    # Pipeline mode: a statement whose result is not read (an alias, a story band) goes out without
    # waiting for the server; reading a result waits for everything before it. COPY cannot run
    # inside a pipeline: it comes after.
    with db.conn.pipeline():
        yield deferred
    deferred.flush()
