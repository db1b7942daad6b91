"""Bulk-load a Parquet output (`newsgraph ingest --parquet DIR`) into a store.

    summary = load_parquet("out/", db="postgresql://user@host/news")
    print(summary.text())

The store ends up as `newsgraph ingest` of the same inputs leaves it: the files are loaded in the
order of their inputs (the manifest's `order`), every record through the store's bulk writer
(`runner.store_items`: registry joins, copies, near-copy stories and full-text rows as for any
article; on PostgreSQL the annotation rows by COPY), `batch_size` records a transaction.

Idempotent and resumable: each transaction also writes, to the table `loaded_parts`, how many
rows of its file are loaded, so a load stopped at any moment (SIGKILL included) goes on from the
last committed batch, and a file loaded before is skipped whole; a record stored by another
route (an ingest of the same input) is recognised by its id and only its copy recorded.
A bad folder raises; a corrupt file, a file with the wrong columns or a record that is not a
valid one is reported (one line each, codes E312 and E313) and the rest is loaded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..article import Article, text_id
from ..errors import Errors, StoreError
from ..store import Failure, IngestReport, Store, default_location, open_store
from ..store.db import Database
from ..store.runner import store_items
from ..store.writer import Origin, now, restored
from .progress import Progress, Summary
from .runner import Manifest
from .work import PARQUET_PREFIX, PARQUET_SUFFIX

# The columns a load reads: the record, and what the store keeps beside it (work.PARQUET_COLUMNS).
NEEDED = ("raw", "origin", "record")
DEFAULT_BATCH = 500  # records a transaction
# How far the load of each file got (the table `loaded_parts`, migration 0004).
NOTE = (
    "INSERT INTO loaded_parts (part, rows, complete, loaded) VALUES (?, ?, ?, ?) "
    "ON CONFLICT (part) DO UPDATE SET rows = excluded.rows, complete = excluded.complete, "
    "loaded = excluded.loaded"
)


@dataclass(frozen=True)
class PartFile:
    """One partition file of the output, and its place among the inputs."""

    path: Path
    key: str  # the partition's key: the same inputs give the same key (and the same records)
    order: int | None  # the partition's position in the plan, from the manifest


def part_files(folder: Path) -> list[PartFile]:
    """The partition files of a Parquet output, in the order of their inputs where the manifest
    says it (files it does not list, finished after its last rewrite, come last by name)."""
    known = Manifest.load(folder).done
    found = []
    for path in folder.glob(f"{PARQUET_PREFIX}*{PARQUET_SUFFIX}"):
        key = path.name.removeprefix(PARQUET_PREFIX).removesuffix(PARQUET_SUFFIX)
        order = known.get(key, {}).get("order")
        found.append(PartFile(path, key, order if isinstance(order, int) else None))
    return sorted(found, key=lambda f: (f.order is None, f.order or 0, f.path.name))


def load_parquet(
    folder: str | Path,
    db: str | None = None,
    *,
    batch_size: int = DEFAULT_BATCH,
    progress: bool = True,
) -> Summary:
    """Load the Parquet output in `folder` into the store `db` (default: `default_location()`).

    Raises StoreError for a folder that is not there or holds no partition files, a missing
    pyarrow, an unusable store; everything else is reported in the summary."""
    if batch_size < 1:
        raise StoreError(Errors.E311, option="batch_size", value=batch_size, reason="must be >= 1")
    started = time.monotonic()
    directory = Path(folder)
    if not directory.is_dir():
        raise StoreError(Errors.E312, input=str(folder), reason="no such folder")
    files = part_files(directory)
    if not files:
        raise StoreError(
            Errors.E312,
            input=str(folder),
            reason=f"no {PARQUET_PREFIX}*{PARQUET_SUFFIX} files in it (made by newsgraph ingest --parquet)",
        )
    try:
        import pyarrow.parquet  # type: ignore[import-untyped, import-not-found, unused-ignore]  # noqa: F401
    except ImportError as exc:
        raise StoreError(Errors.E312, input=str(folder), reason="pyarrow is not installed") from exc
    summary = Summary(partitions=len(files))
    bar = Progress(len(files), sum(f.path.stat().st_size for f in files), enabled=progress, verb="load")
    bytes_done = 0

    def show() -> None:
        summary.seconds = time.monotonic() - started
        bar.update(summary, bytes_done)

    with open_store(db or default_location()) as store, store.db.bulk():
        for part in files:
            _load_file(store, part, summary, batch_size, show)
            bytes_done += part.path.stat().st_size
            show()
    summary.seconds = time.monotonic() - started
    bar.update(summary, bytes_done, final=True)
    bar.close()
    return summary


def _load_file(
    store: Store, part: PartFile, summary: Summary, batch_size: int, show: Callable[[], None]
) -> None:
    """Load one partition file from where an earlier load of it stopped."""
    import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped, import-not-found, unused-ignore]

    row = store.db.one("SELECT rows, complete FROM loaded_parts WHERE part = ?", (part.key,))
    done, complete = (int(row[0]), bool(row[1])) if row else (0, False)
    if complete:
        summary.partitions_resumed += 1
        summary.skipped += done
        return
    name = str(part.path)
    try:
        parquet = pq.ParquetFile(part.path)
        missing = [c for c in NEEDED if c not in parquet.schema_arrow.names]
        if missing:
            reason = f"not a newsgraph Parquet output: no column {', '.join(missing)}"
            summary.failed.append(Failure(source=name, reason=Errors.E312.format(input=name, reason=reason)))
            return
        total = parquet.metadata.num_rows
        summary.skipped += done
        position = 0
        for batch in parquet.iter_batches(batch_size=batch_size, columns=list(NEEDED)):
            rows = batch.to_pylist()
            first, position = position, position + len(rows)
            if position <= done:
                continue
            fresh = rows[max(done - first, 0) :]
            _store_rows(store, part, fresh, position - len(fresh), total, summary, position)
            show()
        if total == 0:
            with store.db.transaction():
                _note(store.db, part.key, 0, 0)
    except (OSError, ValueError, pa.ArrowException) as exc:
        reason = f"not a readable Parquet file ({_one_line(exc)})"
        summary.failed.append(Failure(source=name, reason=Errors.E312.format(input=name, reason=reason)))
        return
    summary.partitions_done += 1


def _store_rows(
    store: Store,
    part: PartFile,
    rows: list[dict[str, Any]],
    first: int,
    total: int,
    summary: Summary,
    position: int,
) -> None:
    """Store one batch of rows (the valid ones) and note the file's progress in its transaction."""
    items: list[tuple[Article, Origin]] = []
    for number, values in enumerate(rows, start=first + 1):
        where = f"{part.path}:{number}"
        found = _record(values, where)
        if isinstance(found, Failure):
            summary.failed.append(found)
        else:
            items.append(found)
            summary.words += len(found[0].text.split())
    report = IngestReport()
    store_items(store, items, report, also=lambda db: _note(db, part.key, position, total))
    summary.stored += report.stored
    summary.duplicates += report.duplicates
    summary.near_duplicates += report.near_duplicates
    summary.failed.extend(report.failed)


def _record(values: dict[str, Any], where: str) -> tuple[Article, Origin] | Failure:
    """The article and origin of one row, or why it is not a record to store."""
    try:
        raw, origin, record = values["raw"], values["origin"], values["record"]
        if not isinstance(raw, str) or not isinstance(origin, str) or not isinstance(record, str):
            raise ValueError("a column is empty")
        article = restored(json.loads(record), raw)
        found = Origin.from_json(origin)
    except (ValueError, TypeError, KeyError) as exc:  # pydantic's ValidationError is a ValueError
        return Failure(source=where, reason=Errors.E313.format(input=where, reason=_one_line(exc)))
    if article.error:
        reason = f"it is the record of a failed input: {article.error}"
    elif article.id != text_id(article.text):
        reason = "its id is not the sha256 of its text"
    else:
        return article, found
    return Failure(source=where, reason=Errors.E313.format(input=where, reason=reason))


def _note(db: Database, key: str, rows: int, total: int) -> None:
    db.execute(NOTE, (key, rows, int(rows >= total), now()))


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
