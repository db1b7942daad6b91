"""The worker's side of a parallel ingest: read one partition, skip what is stored, analyse the rest.

Runs in the Dask worker process. Models load once per process: `nlp.load` and the gazetteer are
cached at module level, and the `Preload` worker plugin fills those caches when the worker joins,
before the first partition arrives. Where the records go:

- a SQLite store: back to the client, the one writer (SQLite takes one writer at a time); the
  worker only looks up, read-only, which inputs are stored already, so that a resumed run does
  not analyse them again;
- a PostgreSQL store (`write=True`): the worker stores them itself, over its own connection
  (opened once per process, by the `StoreConnection` plugin), in transactions of `commit_every`
  articles, and hands back only counts and failures;
- `parquet`: one Parquet file for the partition, under a temporary name renamed when complete.
"""

from __future__ import annotations

import io
import json
import logging
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..api import analyze, analyze_articles
from ..article import Article
from ..errors import Errors, InputError, NewsgraphError
from ..ingest import iter_articles, jsonl, warc
from ..ingest.text import failure
from ..settings import Settings
from ..store import Failure, IngestReport, Store, open_store
from ..store.db import is_postgres
from ..store.runner import store_items
from ..store.writer import Origin
from .partitions import Partition, Window

log = logging.getLogger(__name__)

# Columns of a partition's Parquet file: the record and what the store keeps beside it.
PARQUET_COLUMNS = ("id", "source", "title", "published", "language", "text", "raw", "origin", "record")
PARQUET_PREFIX, PARQUET_SUFFIX = "part-", ".parquet"  # a partition's file: part-KEY.parquet


@dataclass
class Outcome:
    """What a partition gave: analysed articles for the client to store (or the Parquet file
    written, or what the worker stored itself), inputs already stored, and failures."""

    key: str
    label: str
    articles: list[tuple[Article, Origin]] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)  # (raw, source) stored before
    failed: list[Failure] = field(default_factory=list)
    written: int = 0  # records written to `parquet_file`
    stored: IngestReport | None = None  # what the worker stored itself (PostgreSQL), ids included
    parquet_file: str | None = None
    words: int = 0  # words of the texts analysed
    seconds: float = 0.0  # time the worker spent on it
    cpu_seconds: float = 0.0  # CPU time of the worker process spent on it
    worker_pid: int = 0
    peak_rss: int = 0  # bytes: the worker process's peak resident memory after it


def read_partition(partition: Partition, settings: Settings) -> Iterator[Article]:
    """The articles of a partition, streamed, with the sources a sequential reader gives them."""
    if partition.kind == "files":
        yield from iter_articles(list(partition.paths), settings)
    elif partition.kind == "jsonl":
        yield from _jsonl_range(partition, settings)
    else:
        yield from _warc_range(partition, settings)


def _jsonl_range(partition: Partition, settings: Settings) -> Iterator[Article]:
    # As newsgraph.ingest.jsonl.iter_jsonl, from the range's first line to its end.
    source = partition.paths[0]
    try:
        with open(source, "rb") as raw:
            stream = Window(raw, partition.end)
            stream.seek(partition.start)
            # readline on the raw Window would read a byte at a time.
            lines = io.BufferedReader(stream, buffer_size=1 << 16)
            yield from jsonl.read_lines(
                lines, source, settings, jsonl.fields_of(settings), first_line=partition.first_line
            )
    except OSError as exc:
        yield failure(Errors.E001, input=source, reason=str(exc.strerror or exc))


def _warc_range(partition: Partition, settings: Settings) -> Iterator[Article]:
    # As newsgraph.ingest.warc.iter_warc, over the records that start inside the range.
    source = partition.paths[0]
    try:
        with open(source, "rb") as raw:
            gzipped = raw.read(2) == b"\x1f\x8b"
            stream: Any = Window(raw, partition.end)  # an IO[bytes] to warcio, which reads and seeks
            position: int | None = partition.start
            while position is not None and (partition.end is None or position < partition.end):
                position = yield from warc.read_from(stream, position, source, settings, gzipped)
    except OSError as exc:
        yield failure(Errors.E001, input=source, reason=str(exc.strerror or exc))
    except InputError as exc:
        yield Article.failed(source, str(exc))


# -- per-process caches -------------------------------------------------------------------------
_STORES: dict[str, Store | None] = {}
_WRITERS: dict[str, Store] = {}


def _stored_inputs(location: str) -> Store | None:
    """A read-only connection to the store, opened once per process; None when it cannot be
    reached from here (a worker on another host than a SQLite store's): then every input is
    analysed and the client's writer drops the duplicates.

    `location` is a PostgreSQL URL, or `HOST:/absolute/path` for a SQLite file on HOST.
    """
    if location not in _STORES:
        target: str | None = location
        if not is_postgres(location):
            host, _, path = location.partition(":")
            target = path if host == socket.gethostname() else None
        store = None
        if target is not None:
            try:
                store = open_store(target, create=False, readonly=True)
            except NewsgraphError as exc:
                log.info("worker %s reads no store (%s): analysing every input", os.getpid(), exc)
        _STORES[location] = store
    return _STORES[location]


def writer_store(location: str) -> Store:
    """This process's own connection to a PostgreSQL store, to write to; opened once (the client
    created and migrated the store before any worker came). Raises StoreError if unreachable."""
    if location not in _WRITERS:
        _WRITERS[location] = open_store(location, create=False)
    return _WRITERS[location]


def close_writers() -> None:
    """Close the connections `writer_store` opened (the worker is leaving)."""
    while _WRITERS:
        _, store = _WRITERS.popitem()
        store.close()


def is_stored(store: Store, raw: str) -> bool:
    """Whether this raw input is stored already (the question `Store.seen_input` asks, read-only)."""
    return store.stored_input(raw) is not None


def warm_up(settings: Settings) -> None:
    """Load every model the pipeline uses (spaCy, language identifier, gazetteer) into this process."""
    analyze("Olena Marchenko, a spokeswoman, said on Monday that Kyiv was calm.", settings=settings)


# -- one partition ------------------------------------------------------------------------------
def analyse_partition(
    partition: Partition,
    settings: Settings,
    *,
    db: str | None = None,
    parquet: str | None = None,
    write: bool = False,
    commit_every: int = 50,
) -> Outcome:
    """Read, analyse and hand back one partition, or write it: with `write`, into the PostgreSQL
    store `db` over this worker's connection; with `parquet`, to a Parquet file. Never raises for
    bad input (a store that fails raises: the client reports the partition)."""
    started, cpu = time.perf_counter(), time.process_time()
    outcome = Outcome(key=partition.key, label=partition.label, worker_pid=os.getpid())
    writer = writer_store(db) if write and db else None
    store = writer or (_stored_inputs(db) if db else None)
    report = IngestReport()
    origins: dict[int, Origin] = {}

    def fresh(articles: Iterator[Article]) -> Iterator[Article]:
        for article in articles:
            if article.error:
                outcome.failed.append(Failure(source=article.source, reason=article.error))
            elif writer is not None:
                seen = writer.seen_input(article.raw, article.source)  # records a new copy
                if seen is None:
                    origins[id(article)] = Origin.of(article)
                    yield article
                elif seen[1]:
                    report.duplicates += 1
                else:
                    report.skipped += 1
            elif store is not None and is_stored(store, article.raw):
                outcome.seen.append((article.raw, article.source))
            else:
                origins[id(article)] = Origin.of(article)
                yield article

    done: list[tuple[Article, Origin]] = []
    for article in analyze_articles(fresh(read_partition(partition, settings)), settings):
        origin = origins.pop(id(article))
        if article.error:
            outcome.failed.append(Failure(source=article.source, reason=article.error))
            continue
        outcome.words += len(article.text.split())
        done.append((article, origin))
        if writer is not None and len(done) >= commit_every:
            _write(writer, done, report)
            done = []
    if writer is not None:
        _write(writer, done, report)
        outcome.failed.extend(report.failed)
        report.failed = []
        outcome.stored = report
    elif parquet is not None:
        outcome.parquet_file = write_parquet(done, Path(parquet), partition.key)
        outcome.written = len(done)
    else:
        outcome.articles = done
    outcome.seconds = time.perf_counter() - started
    outcome.cpu_seconds = time.process_time() - cpu
    outcome.peak_rss = peak_rss()
    return outcome


def _write(store: Store, done: list[tuple[Article, Origin]], report: IngestReport) -> None:
    """Store analysed articles in one transaction, through the store's bulk writer (COPY for the
    annotations). The registry's locks keep two workers from creating one person twice; an
    article another worker stored first becomes a copy."""
    if done:
        store_items(store, done, report)


def peak_rss() -> int:
    """This process's peak resident memory in bytes."""
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * 1024


def parquet_name(key: str) -> str:
    return f"{PARQUET_PREFIX}{key}{PARQUET_SUFFIX}"


def write_parquet(done: list[tuple[Article, Origin]], folder: Path, key: str) -> str:
    """Write the records to `folder/part-KEY.parquet` atomically (temporary name, then rename)."""
    import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]
    import pyarrow.parquet as pq  # type: ignore[import-untyped, import-not-found, unused-ignore]

    rows: dict[str, list[Any]] = {name: [] for name in PARQUET_COLUMNS}
    for article, origin in done:
        rows["id"].append(article.id)
        rows["source"].append(article.source)
        rows["title"].append(article.title)
        rows["published"].append(article.published)
        rows["language"].append(article.language)
        rows["text"].append(article.text)
        rows["raw"].append(article.raw)
        rows["origin"].append(origin.to_json())
        rows["record"].append(article.to_json())
    table = pa.table({name: pa.array(values, type=pa.string()) for name, values in rows.items()})
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / parquet_name(key)
    temporary = folder / f".{final.name}.{os.getpid()}.tmp"
    pq.write_table(table, temporary, compression="zstd")
    with open(temporary, "rb") as written:
        os.fsync(written.fileno())
    os.replace(temporary, final)
    return str(final)


def read_parquet_records(path: str) -> list[dict[str, Any]]:
    """The records of one partition file, as the JSON `newsgraph analyze` prints (for loading)."""
    import pyarrow.parquet as pq  # type: ignore[import-untyped, import-not-found, unused-ignore]

    return [json.loads(r) for r in pq.read_table(path, columns=["record"]).column("record").to_pylist()]
