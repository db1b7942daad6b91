"""One thin connection type over SQLite and PostgreSQL: `?` parameters, transactions, clear errors.

The store's SQL is written once with `?` placeholders; for PostgreSQL they become `%s`. Nothing
else differs between the two outside the migrations and full-text search.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from ..errors import Errors, StoreError

Params = Sequence[Any]
Row = tuple[Any, ...]

SQLITE_HEADER = b"SQLite format 3\x00"
BULK_CACHE_KIB = 256 * 1024  # SQLite's page cache while loading in bulk (its default is 2 MiB)
BUSY_TIMEOUT_MS = 60_000  # a writer waits this long for another writer before giving up


def is_postgres(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def redact(location: str) -> str:
    """A location fit to print: a URL without its password."""
    if not is_postgres(location):
        return location
    parts = urlsplit(location)
    if parts.password is None:
        return location
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


class Database:
    """A connection in autocommit mode; writes go through `transaction()`."""

    dialect: str
    location: str

    def execute(self, sql: str, params: Params = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        raise NotImplementedError

    def all(self, sql: str, params: Params = ()) -> list[Row]:
        return [tuple(r) for r in self.execute(sql, params).fetchall()]

    def one(self, sql: str, params: Params = ()) -> Row | None:
        row = self.execute(sql, params).fetchone()
        return tuple(row) if row is not None else None

    def scalar(self, sql: str, params: Params = ()) -> Any:
        row = self.one(sql, params)
        return row[0] if row else None

    def script(self, sql: str) -> None:
        """Several statements separated by `;` at line ends (inside the current transaction)."""
        for statement in re.split(r";\s*\n", sql):
            if statement.strip():
                self.execute(statement)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        raise NotImplementedError
        yield

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        """Settings for loading many articles at once: a commit waits for no disk flush and
        (SQLite) a large page cache. A killed process still loses nothing committed and never
        leaves half a transaction; only a power cut or an OS crash may lose the last commits."""
        yield

    def lock(self, keys: Iterable[str]) -> None:
        """Hold locks on `keys` until the current transaction ends, so that two writers about to
        create the same thing (a registry entity) take turns: the second one then sees the first
        one's row. SQLite needs none: a write transaction already excludes every other writer."""

    def close(self) -> None:
        raise NotImplementedError


class SqliteDatabase(Database):
    dialect = "sqlite"

    def __init__(self, path: str, *, create: bool, readonly: bool) -> None:
        self.location = path
        self._check_file(path, create=create)
        try:
            if readonly:
                uri = Path(path).absolute().as_uri() + "?mode=ro"
                self.conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            self.conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            self._check_tables(path)
            if not readonly:
                self.conn.execute("PRAGMA journal_mode = WAL")
                self.conn.execute("PRAGMA synchronous = NORMAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise _store_error(path, exc) from exc

    def _check_tables(self, path: str) -> None:
        # Before WAL mode (which rewrites the header): another program's database stays untouched.
        names = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if names and "schema_migrations" not in names:
            self.conn.close()
            raise StoreError(Errors.E302, db=path, reason="a database with tables of another program")

    @staticmethod
    def _check_file(path: str, *, create: bool) -> None:
        # Look before SQLite touches anything: a file that is not a database must stay untouched.
        target = Path(path)
        if target.is_dir():
            raise StoreError(Errors.E302, db=path, reason="it is a directory")
        if target.exists():
            try:
                with target.open("rb") as f:
                    header = f.read(len(SQLITE_HEADER))
            except OSError as exc:
                raise StoreError(Errors.E301, db=path, reason=exc.strerror or str(exc)) from exc
            if header and header != SQLITE_HEADER:
                raise StoreError(Errors.E302, db=path, reason="not a SQLite database")
            return
        if not create:
            raise StoreError(Errors.E303, db=path)
        parent = target.absolute().parent
        if not parent.is_dir():
            raise StoreError(Errors.E301, db=path, reason=f"no such folder {parent}")
        if not os.access(parent, os.W_OK):
            raise StoreError(Errors.E301, db=path, reason=f"the folder {parent} is not writable")

    def execute(self, sql: str, params: Params = ()) -> Any:
        try:
            return self.conn.execute(sql, tuple(params))
        except OverflowError as exc:  # an offset of 10**30: one clear line, not a traceback
            raise _too_large(params) from exc

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            try:
                self.conn.executemany(sql, [tuple(r) for r in rows])
            except OverflowError as exc:
                raise _too_large([v for r in rows for v in r]) from exc

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        # IMMEDIATE: take the write lock now, so two writers queue instead of deadlocking later.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        synchronous = self.conn.execute("PRAGMA synchronous").fetchone()[0]
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute("PRAGMA synchronous = OFF")
        self.conn.execute(f"PRAGMA cache_size = {-BULK_CACHE_KIB}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA synchronous = {int(synchronous)}")
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")

    def close(self) -> None:
        self.conn.close()


class PostgresDatabase(Database):
    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        self.location = redact(url)
        try:
            import psycopg
        except ImportError as exc:
            raise StoreError(Errors.E308) from exc
        self._psycopg = psycopg
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            raise StoreError(Errors.E301, db=self.location, reason=_one_line(exc)) from exc
        self._depth = 0
        self._bulk = False
        # Advisory locks are the database's, not the schema's: two stores in two schemas of one
        # database take their locks in two spaces, so that neither waits for the other.
        schema = self.conn.execute("SELECT current_schema()").fetchone()
        self._space = lock_number(f"schema:{schema[0] if schema else ''}")

    def execute(self, sql: str, params: Params = ()) -> Any:
        return self.conn.execute(sql.replace("?", "%s"), _no_nul(params) or None)

    def executemany(self, sql: str, rows: Sequence[Params]) -> None:
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(sql.replace("?", "%s"), [_no_nul(r) for r in rows])

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self.conn.transaction():
            yield

    @contextlib.contextmanager
    def bulk(self) -> Iterator[None]:
        self.conn.execute("SET synchronous_commit = off")
        self._bulk = True
        try:
            yield
        finally:
            self._bulk = False
            self.conn.execute("RESET synchronous_commit")

    def lock(self, keys: Iterable[str]) -> None:
        # Every writer holds the registry lock: shared, plus one lock per key, taken in one order
        # (sorted) so that two writers never wait for each other in a circle. A bulk load, whose
        # transactions would need thousands of key locks (more than the server's lock table
        # holds), takes the registry lock alone, exclusively, once per transaction.
        if self._bulk:
            self.conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (self._space,))
            return
        self.conn.execute("SELECT pg_advisory_xact_lock_shared(%s, 0)", (self._space,))
        for number in sorted({lock_number(k) for k in keys}):
            self.conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (self._space, number))

    def close(self) -> None:
        self.conn.close()


def lock_number(key: str) -> int:
    """A text key as the signed 32-bit number of an advisory lock, never 0 (the registry lock);
    two keys on one number only take turns more often."""
    number = int.from_bytes(
        hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=4).digest(), "big", signed=True
    )
    return number or 1


def connect(location: str, *, create: bool = True, readonly: bool = False) -> Database:
    if is_postgres(location):
        return PostgresDatabase(location)
    return SqliteDatabase(location, create=create, readonly=readonly)


def database_errors() -> tuple[type[BaseException], ...]:
    """The exception types of both drivers (psycopg only when installed)."""
    errors: list[type[BaseException]] = [sqlite3.Error]
    try:
        import psycopg

        errors.append(psycopg.Error)
    except ImportError:
        pass
    return tuple(errors)


def _no_nul(params: Params) -> tuple[Any, ...]:
    """Parameters fit for PostgreSQL, whose text cannot hold NUL: each NUL becomes U+FFFD (a
    lookup of an id with a NUL then finds nothing instead of failing)."""
    return tuple(v.replace("\x00", "\ufffd") if isinstance(v, str) and "\x00" in v else v for v in params)


def _too_large(params: Params) -> StoreError:
    big = next((v for v in params if isinstance(v, int) and not -(2**63) <= v < 2**63), None)
    return StoreError(Errors.E311, option="a number", value=big, reason="larger than a 64-bit integer")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _store_error(path: str, exc: BaseException) -> StoreError:
    message = _one_line(exc)
    if "not a database" in message or "malformed" in message:
        return StoreError(Errors.E302, db=path, reason=message)
    return StoreError(Errors.E301, db=path, reason=message)
