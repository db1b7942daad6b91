"""Parallel ingest on dask.distributed: partitions out to the workers, records into the store.

    summary = ingest_parallel(["crawl/"], Settings(), db="newsgraph.db")          # a local cluster
    summary = ingest_parallel(paths, settings, parquet="out/", scheduler="tcp://host:8786")

By default a LocalCluster of one single-threaded worker process per core (spaCy and the
analysers are CPU-bound Python: processes, not threads). The client submits a few partitions per
worker at a time (so neither the client nor the cluster holds more than a few partitions of
records). Into a SQLite store the client is the only writer: as each partition finishes it
writes its articles through `Store.ingest` in batched transactions. Into a PostgreSQL store each
worker writes its own partitions over its own connection (opened once, by a worker plugin), in
batched transactions, and the client receives only counts and failures.

Resume, after a run stopped at any moment (SIGKILL included): with a store, a worker skips every
input whose raw text is stored already (the client, or on PostgreSQL the worker, records its
copy), and `Store.ingest` drops an article already stored by id, so nothing is lost or stored
twice, even when a partition of a worker that died is done again by another; with
Parquet, a manifest of finished partitions (written atomically after each one) is read first and
a partition file has a fixed name written by rename, so a partition done twice is one file.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import socket
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Errors, NewsgraphError
from ..settings import Settings
from ..store import Failure, IngestReport, Store, default_location, open_store
from ..store.db import is_postgres
from .partitions import DEFAULT_TARGET_BYTES, Partition, plan_partitions
from .progress import Progress, Summary
from .work import Outcome, analyse_partition, parquet_name

log = logging.getLogger(__name__)

MANIFEST = "_manifest.json"
IN_FLIGHT_PER_WORKER = 2  # partitions queued per worker: one running, one ready
CONNECT_TIMEOUT = "30s"


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass
class Manifest:
    """The partitions of a Parquet output that are finished, with their counts."""

    path: Path
    done: dict[str, dict[str, Any]]

    @classmethod
    def load(cls, folder: Path) -> Manifest:
        path = folder / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            done = dict(data["partitions"])
        except FileNotFoundError:
            done = {}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise NewsgraphError(
                Errors.E202, option="parquet", value=str(folder), reason=f"unreadable {MANIFEST}: {exc}"
            ) from exc
        # A partition counts as done only if its file is there too.
        done = {k: v for k, v in done.items() if (folder / parquet_name(k)).is_file()}
        return cls(path, done)

    def add(self, key: str, entry: dict[str, Any]) -> None:
        self.done[key] = entry
        temporary = self.path.with_name(f".{MANIFEST}.{os.getpid()}.tmp")
        with open(temporary, "w", encoding="utf-8") as out:
            json.dump({"partitions": self.done}, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, self.path)


def ingest_parallel(
    paths: Sequence[str],
    settings: Settings | None = None,
    *,
    db: str | None = None,
    parquet: str | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: bool = True,
    target_bytes: int = DEFAULT_TARGET_BYTES,
    commit_every: int = 50,
) -> Summary:
    """Analyse `paths` on a Dask cluster into the store `db` (default: `default_location()`) or,
    with `parquet`, into one Parquet file per partition under that folder.

    `workers`: the size of the local cluster (default: one per core); `scheduler`: the address of
    a running cluster to use instead (`tcp://host:8786`). Bad inputs are reported in the summary;
    only bad options, an unreachable scheduler or an unusable store raise (NewsgraphError).
    """
    settings = settings or Settings()
    if workers is not None and workers < 1:
        raise NewsgraphError(Errors.E202, option="workers", value=workers, reason="must be >= 1")
    if commit_every < 1:
        raise NewsgraphError(Errors.E202, option="commit_every", value=commit_every, reason="must be >= 1")
    started = time.monotonic()
    plan = plan_partitions(paths, target_bytes=target_bytes)
    summary = Summary(partitions=len(plan.partitions))
    summary.failed.extend(Failure(source=where, reason=reason) for where, reason in plan.refused)

    manifest: Manifest | None = None
    store: Store | None = None
    location: str | None = None
    if parquet is not None:
        folder = Path(parquet)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise NewsgraphError(Errors.E202, option="parquet", value=parquet, reason=str(exc)) from exc
        manifest = Manifest.load(folder)
    else:
        location = db or default_location()
        store = open_store(location)  # created and migrated here, before any worker looks into it
    direct = location is not None and is_postgres(location)  # each worker writes, over its own connection
    if direct and store is not None:
        store.close()
        store = None
    todo = [p for p in plan.partitions if manifest is None or p.key not in manifest.done]
    order = {p.key: i for i, p in enumerate(plan.partitions)}  # the inputs' order, for `load`
    summary.partitions_resumed = len(plan.partitions) - len(todo)
    bar = Progress(len(plan.partitions), plan.size, enabled=progress)
    bytes_done = sum(p.size for p in plan.partitions) - sum(p.size for p in todo)
    try:
        writes = location if direct else None
        with _cluster(workers, scheduler, settings, writes) if todo else _no_cluster() as client:
            summary.workers = len(client.scheduler_info(n_workers=-1)["workers"]) if todo else 0
            task = functools.partial(
                analyse_partition,
                settings=settings,
                db=_for_workers(location),
                parquet=parquet,
                write=direct,
                commit_every=commit_every,
            )
            outcomes = _run(client, todo, task) if todo else iter(())
            for partition, outcome in outcomes:
                bytes_done += partition.size
                if isinstance(outcome, BaseException):
                    reason = Errors.E103.format(
                        stage="scale", input=partition.label, reason=_one_line(outcome)
                    )
                    summary.failed.append(Failure(source=partition.label, reason=reason))
                else:
                    _take(outcome, summary, store, manifest, commit_every, order.get(outcome.key))
                    summary.partitions_done += 1
                summary.seconds = time.monotonic() - started
                bar.update(summary, bytes_done)
    finally:
        if store is not None:
            store.close()
    summary.seconds = time.monotonic() - started
    bar.update(summary, bytes_done, final=True)
    bar.close()
    return summary


def _for_workers(location: str | None) -> str | None:
    """The store location the workers look into, read-only, to skip inputs stored already.

    A SQLite path means the same file only on this machine: it goes with this host's name, and
    workers on other hosts look into nothing (they analyse every input; the writer here drops
    what is stored), lest a file of the same name over there make them skip inputs.
    """
    if location is None or is_postgres(location):
        return location
    return f"{socket.gethostname()}:{os.path.abspath(location)}"


def _take(
    outcome: Outcome,
    summary: Summary,
    store: Store | None,
    manifest: Manifest | None,
    commit_every: int,
    order: int | None,
) -> None:
    """Store (or record) what one partition gave."""
    summary.failed.extend(outcome.failed)
    summary.words += outcome.words
    summary.worker_seconds += outcome.seconds
    summary.worker_cpu_seconds += outcome.cpu_seconds
    summary.peak_rss[outcome.worker_pid] = max(summary.peak_rss.get(outcome.worker_pid, 0), outcome.peak_rss)
    if manifest is not None:
        summary.stored += outcome.written
        manifest.add(
            outcome.key,
            {
                "label": outcome.label,
                "records": outcome.written,
                "failed": len(outcome.failed),
                "order": order,
            },
        )
        return
    report = outcome.stored
    if report is None:  # the records came back: this client stores them
        assert store is not None
        report = _store(outcome, store, commit_every)
    summary.stored += report.stored
    summary.duplicates += report.duplicates
    summary.near_duplicates += report.near_duplicates
    summary.skipped += report.skipped
    summary.failed.extend(report.failed)


def _store(outcome: Outcome, store: Store, commit_every: int) -> IngestReport:
    """Write a partition's articles (and the copies of inputs stored before) into the store."""
    report = IngestReport()
    for raw, source in outcome.seen:
        seen = store.seen_input(raw, source)
        if seen is None:  # deleted since the worker looked: it will be analysed in the next run
            continue
        if seen[1]:
            report.duplicates += 1
        else:
            report.skipped += 1
    origins = {id(article): origin for article, origin in outcome.articles}
    store.ingest(
        (article for article, _ in outcome.articles),
        batch_size=commit_every,
        origin=lambda a: origins.get(id(a)),
        report=report,
    )
    return report


def _run(
    client: Any, todo: list[Partition], task: Callable[[Partition], Outcome]
) -> Iterator[tuple[Partition, Outcome | BaseException]]:
    """Each partition with its outcome (or the exception that ended it), as they finish; only a
    few partitions per worker are submitted at a time (more as workers join the cluster)."""
    queue = iter(todo)
    running: dict[str, Partition] = {}
    pending = distributed().as_completed([], with_results=False)

    def fill() -> None:
        workers = len(client.scheduler_info(n_workers=-1)["workers"])
        while len(running) < max(2, IN_FLIGHT_PER_WORKER * workers):
            partition = next(queue, None)
            if partition is None:
                return
            future = client.submit(task, partition, pure=False, retries=1)
            running[future.key] = partition
            pending.add(future)

    fill()
    for future in pending:
        partition = running.pop(future.key)
        try:
            outcome: Outcome | BaseException = future.result()
        except Exception as exc:  # the worker died (KilledWorker) or the task raised
            outcome = exc
        future.release()
        fill()
        yield partition, outcome


@contextlib.contextmanager
def _no_cluster() -> Iterator[Any]:
    """Nothing to analyse (every input refused, or every partition done before): no cluster."""
    yield None


@contextlib.contextmanager
def _cluster(
    workers: int | None, scheduler: str | None, settings: Settings, writes: str | None = None
) -> Iterator[Any]:
    """A Dask client on the given scheduler, or on a new local cluster of single-threaded
    processes; every worker loads the models when it joins and, given the PostgreSQL store it
    `writes` to, opens its connection to it."""
    try:
        dask = distributed()
    except ImportError as exc:
        raise NewsgraphError(
            Errors.E202,
            option="workers",
            value=workers,
            reason='parallel ingest needs dask.distributed: pip install "newsgraph[scale]"',
        ) from exc
    from .plugin import Preload, StoreConnection

    plugins = [Preload(settings), *([StoreConnection(writes)] if writes else [])]

    if scheduler is not None:
        try:
            client = dask.Client(scheduler, timeout=CONNECT_TIMEOUT)
        except (OSError, TimeoutError) as exc:
            raise NewsgraphError(
                Errors.E202, option="scheduler", value=scheduler, reason=f"cannot connect: {_one_line(exc)}"
            ) from exc
        try:
            for plugin in plugins:
                client.register_plugin(plugin)
            yield client
        finally:
            client.close()
        return
    n = workers or default_workers()
    cluster = dask.LocalCluster(
        n_workers=n,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.CRITICAL,  # a worker's trouble comes back as its task's exception
        memory_limit=0,  # no pausing or spilling: a partition's records are small
    )
    try:
        client = dask.Client(cluster)
        try:
            for plugin in plugins:
                client.register_plugin(plugin)
            yield client
        finally:
            client.close()
    finally:
        cluster.close()


def distributed() -> Any:
    """The dask.distributed module (untyped, so typed Any here); ImportError without the extra."""
    import distributed as module

    return module


def _one_line(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
