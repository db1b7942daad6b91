"""The parallel ingest: partitions read as the sequential readers read, Parquet output and its
manifest, bad inputs, and resume after SIGKILL (a real subprocess killed at random moments)."""

from __future__ import annotations

import gzip
import json
import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed", reason="the scale extra (dask[distributed]) is not installed")

import contextlib

from conftest import pg_schema
from newsgraph.api import analyze_paths
from newsgraph.article import Article
from newsgraph.errors import Errors, NewsgraphError
from newsgraph.ingest import iter_articles
from newsgraph.scale import (
    Progress,
    Summary,
    ingest_parallel,
    plan_partitions,
    read_parquet_records,
    read_partition,
)
from newsgraph.scale import runner as scale_runner
from newsgraph.scale.corpus import Corpus, write_corpus
from newsgraph.settings import Settings
from newsgraph.store import Failure, open_store

SMALL = 3000  # bytes a partition: the corpus of 24 articles makes about ten partitions
SETTINGS = Settings()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return write_corpus(tmp_path_factory.mktemp("corpus"), 6)


@pytest.fixture(scope="module")
def expected(corpus: Corpus) -> dict[str, dict[str, Any]]:
    """The records the sequential path (`analyze_paths`) makes of the corpus, by id."""
    records = {a.id: a.to_dict() for a in analyze_paths(corpus.paths, SETTINGS)}
    assert len(records) == corpus.articles
    assert not [r for r in records.values() if r["error"]]
    return records


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """One local cluster of two single-threaded worker processes for the in-process tests."""
    cluster = scale_runner.distributed().LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        silence_logs=logging.ERROR,
        memory_limit=0,
    )
    try:
        yield cluster.scheduler_address
    finally:
        cluster.close()


# -- partitions -----------------------------------------------------------------------------------
def _read_all(paths: list[str], target: int) -> list[tuple[str, str, str | None]]:
    plan = plan_partitions(paths, target_bytes=target)
    return [(a.source, a.id, a.error) for p in plan.partitions for a in read_partition(p, SETTINGS)]


@pytest.mark.parametrize("target", [1, 700, SMALL, 10**9])
def test_partitions_read_what_the_sequential_readers_read(corpus: Corpus, target: int) -> None:
    sequential = [(a.source, a.id, a.error) for a in iter_articles(corpus.paths, SETTINGS)]
    assert len(sequential) == corpus.articles
    assert _read_all(corpus.paths, target) == sequential


def test_ranges_of_a_shard_read_its_fields_as_the_settings_map_them(tmp_path: Path) -> None:
    shard = tmp_path / "export.jsonl"
    rows = [
        {"body": f"Reporter Iryna Vovk {i} wrote from Lviv on Monday.", "when": "2024-02-01"}
        for i in range(40)
    ]
    shard.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    settings = Settings(json_fields=(("text", "body"), ("date", "when")))
    plan = plan_partitions([str(shard)], target_bytes=700)
    assert [p.kind for p in plan.partitions].count("jsonl") >= 2
    ranged = [a for p in plan.partitions for a in read_partition(p, settings)]
    assert [(a.source, a.text, a.published, a.error) for a in ranged] == [
        (a.source, a.text, a.published, a.error) for a in iter_articles([str(shard)], settings)
    ]
    assert [a.text for a in ranged] == [r["body"] for r in rows] and ranged[0].published == "2024-02-01"


def test_big_shards_are_cut_into_ranges_small_files_grouped(corpus: Corpus) -> None:
    plan = plan_partitions(corpus.paths, target_bytes=SMALL)
    kinds = [p.kind for p in plan.partitions]
    assert kinds.count("jsonl") >= 2 and kinds.count("warc") >= 2
    files = [p for p in plan.partitions if p.kind == "files"]
    assert all(1 <= len(p.paths) <= 2 for p in files) and sum(len(p.paths) for p in files) == 8
    # Ranges tile the file: each starts where the previous ended.
    for kind, path in (("jsonl", corpus.shard), ("warc", corpus.warc)):
        ranges = [p for p in plan.partitions if p.kind == kind]
        assert ranges[0].start == 0 and ranges[-1].end is None
        assert [r.start for r in ranges[1:]] == [r.end for r in ranges[:-1]]
        assert sum(r.size for r in ranges) == path.stat().st_size
    assert len({p.key for p in plan.partitions}) == len(plan.partitions)
    assert [p.key for p in plan_partitions(corpus.paths, target_bytes=SMALL).partitions] == [
        p.key for p in plan.partitions
    ]


def test_broken_shards_fail_line_by_line_and_record_by_record(tmp_path: Path, corpus: Corpus) -> None:
    lines = corpus.shard.read_bytes().splitlines(keepends=True)
    shard = tmp_path / "broken.jsonl"
    shard.write_bytes(
        b"".join([lines[0], b"{not json\n", b"\xff\xfe bad utf-8\n", b"\n", *lines[1:4], b"[1, 2"])
    )
    # A WARC cut off in the middle of its last record, and one of garbage.
    data = corpus.warc.read_bytes()
    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(data[: len(data) - 700])
    junk = tmp_path / "junk.warc"
    junk.write_bytes(os.urandom(5000))
    # The same records uncompressed, and gzipped as one member (not one a record): cut by
    # Content-Length, and not cut at all.
    plain = tmp_path / "plain.warc"
    plain.write_bytes(gzip.decompress(data))
    whole = tmp_path / "whole.warc.gz"
    whole.write_bytes(gzip.compress(gzip.decompress(data)))
    assert len(plan_partitions([str(plain)], target_bytes=500).partitions) > 3
    assert len(plan_partitions([str(whole)], target_bytes=500).partitions) == 1
    paths = [str(shard), str(cut), str(junk), str(plain), str(whole)]
    sequential = [(a.source, a.id, a.error) for a in iter_articles(paths, SETTINGS)]
    for target in (1, 500, 10**9):
        assert _read_all(paths, target) == sequential
    errors = [e for _, _, e in sequential if e]
    assert any(e.startswith("E006") for e in errors) and any(e.startswith("E009") for e in errors)


def test_hostile_arguments_are_refused_with_one_line(tmp_path: Path) -> None:
    with pytest.raises(NewsgraphError, match=r"E202.*standard input"):
        plan_partitions(["-"])
    with pytest.raises(NewsgraphError, match=r"E202.*target_bytes"):
        plan_partitions([str(tmp_path)], target_bytes=0)
    with pytest.raises(NewsgraphError, match=r"E202.*workers"):
        ingest_parallel([str(tmp_path)], db=str(tmp_path / "x.db"), workers=0)
    empty = tmp_path / "empty"
    empty.mkdir()
    plan = plan_partitions([str(empty)])
    assert plan.partitions == [] and plan.refused[0][1].startswith("E011")
    # Nothing to analyse: a summary naming the empty folder, and no cluster started for nothing.
    summary = ingest_parallel([str(empty)], db=str(tmp_path / "e.db"), workers=64, progress=False)
    assert summary.workers == 0 and summary.stored == 0
    assert [f.reason for f in summary.failed] == [Errors.E011.format(input=str(empty))]


def test_unreachable_scheduler_is_one_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(scale_runner, "CONNECT_TIMEOUT", "1s")
    (tmp_path / "a.txt").write_text(
        "Some text about Kyiv and Lviv, long enough to analyse.", encoding="utf-8"
    )
    with pytest.raises(NewsgraphError, match=r"E202 bad value for scheduler: 'tcp://127.0.0.1:9'"):
        ingest_parallel([str(tmp_path / "a.txt")], db=str(tmp_path / "s.db"), scheduler="tcp://127.0.0.1:9")


# -- progress and summary -------------------------------------------------------------------------
class _Stream:
    def __init__(self, tty: bool) -> None:
        self.written: list[str] = []
        self.tty = tty

    def write(self, text: str) -> int:
        self.written.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return self.tty


@pytest.mark.parametrize("tty", [True, False])
def test_progress_shows_rate_partitions_and_time_left(tty: bool) -> None:
    stream = _Stream(tty)
    bar = Progress(4, 1000, stream=stream)  # type: ignore[arg-type]
    summary = Summary(partitions=4, partitions_done=1, stored=10, words=2000)
    line = bar.line(summary, 250, 10.0)
    assert "1/4 partitions" in line and "10 articles" in line and "1.0 articles/s" in line
    assert "left 0:00:30" in line  # a quarter of the bytes in 10 s: 30 s to go
    bar.update(summary, 250, final=True)
    bar.close()
    text = "".join(stream.written)
    assert text.startswith("\r") == tty and text.endswith("\n")


def test_summary_groups_failures_by_reason() -> None:
    summary = Summary(partitions=2, partitions_done=2, stored=3, seconds=2.0)
    summary.failed = [
        Failure(source="a:1", reason="E006 a:1: bad JSON (x)"),
        Failure(source="a:2", reason="E006 a:2: bad JSON (y)"),
        Failure(source="b", reason="E004 b: no such file or directory"),
    ]
    assert [(code, n) for code, n, _ in summary.reasons()] == [("E006", 2), ("E004", 1)]
    text = summary.text()
    assert "3 articles stored" in text and "3 failed" in text
    assert "failed 2 × E006, e.g. E006 a:1: bad JSON (x)" in text


# -- on a cluster ---------------------------------------------------------------------------------
def _records(location: str) -> dict[str, dict[str, Any]]:
    with open_store(location, create=False) as store:
        found: dict[str, dict[str, Any]] = {}
        for article in store.iter_articles():
            assert article.id not in found
            found[article.id] = article.to_dict()
        return found


def _rows(location: str, sql: str) -> list[tuple[Any, ...]]:
    with open_store(location, create=False) as store:
        return store.db.all(sql)


def check_store(location: str, expected: dict[str, dict[str, Any]]) -> None:
    """Every article stored exactly once, with all its annotations, from its one source."""
    assert _records(location) == expected
    copies = _rows(location, "SELECT article_id, source FROM copies")
    assert sorted(copies) == sorted((i, r["source"]) for i, r in expected.items())
    for table, key in (("quotes", "quotes"), ("place_mentions", "places"), ("dates", "dates")):
        counts = dict(_rows(location, f"SELECT article_id, count(*) FROM {table} GROUP BY article_id"))
        assert {i: counts.get(i, 0) for i in expected} == {i: len(r[key]) for i, r in expected.items()}, table
    mentions = dict(_rows(location, "SELECT article_id, count(*) FROM mentions GROUP BY article_id"))
    assert {i: mentions.get(i, 0) for i in expected} == {i: len(r["entities"]) for i, r in expected.items()}


def test_store_ingest_on_a_cluster_then_again_is_idempotent(
    tmp_path: Path, corpus: Corpus, expected: dict[str, dict[str, Any]], scheduler: str
) -> None:
    db = str(tmp_path / "store.db")
    missing = str(tmp_path / "missing.txt")
    first = ingest_parallel(
        [*corpus.paths, missing], SETTINGS, db=db, scheduler=scheduler, progress=False, target_bytes=SMALL
    )
    assert first.stored == corpus.articles and first.duplicates == first.skipped == 0
    assert [f.reason.split(" ")[0] for f in first.failed] == ["E004"]
    assert first.workers == 2 and first.partitions_done == first.partitions >= 10
    assert len(first.peak_rss) >= 1 and all(v > 0 for v in first.peak_rss.values())
    check_store(db, expected)
    # Again: everything is skipped before analysis (the worker asks the store), nothing changes.
    again = ingest_parallel(
        corpus.paths, SETTINGS, db=db, scheduler=scheduler, progress=False, target_bytes=SMALL
    )
    assert again.stored == 0 and again.skipped == corpus.articles and again.words == 0 and not again.failed
    check_store(db, expected)


def test_parquet_partitions_and_manifest_resume(
    tmp_path: Path, corpus: Corpus, expected: dict[str, dict[str, Any]], scheduler: str
) -> None:
    out = tmp_path / "parquet"
    first = ingest_parallel(
        corpus.paths, SETTINGS, parquet=str(out), scheduler=scheduler, progress=False, target_bytes=SMALL
    )
    files = sorted(out.glob("part-*.parquet"))
    assert len(files) == first.partitions == first.partitions_done and first.stored == corpus.articles
    manifest = json.loads((out / "_manifest.json").read_text(encoding="utf-8"))["partitions"]
    assert len(manifest) == len(files) and not list(out.glob(".*tmp"))
    # Each partition's place among the inputs, for `newsgraph load` to load them in that order.
    assert sorted(entry["order"] for entry in manifest.values()) == list(range(len(files)))

    def records() -> list[dict[str, Any]]:
        return [r for f in sorted(out.glob("part-*.parquet")) for r in read_parquet_records(str(f))]

    assert sorted(r["id"] for r in records()) == sorted(expected)
    assert {r["id"]: r for r in records()} == expected
    # A run stopped after a partition's file but before the manifest said so, and one whose file
    # was lost: only those two partitions are done again, and each is still one file.
    lost = files[0].name.removeprefix("part-").removesuffix(".parquet")
    assert lost in manifest
    files[0].unlink()
    # Another partition than the lost file's: the manifest lists partitions in the order they
    # finished, which varies between runs.
    del manifest[next(key for key in manifest if key != lost)]
    (out / "_manifest.json").write_text(json.dumps({"partitions": manifest}), encoding="utf-8")
    again = ingest_parallel(
        corpus.paths, SETTINGS, parquet=str(out), scheduler=scheduler, progress=False, target_bytes=SMALL
    )
    assert again.partitions_done == 2 and again.partitions_resumed == first.partitions - 2
    assert sorted(r["id"] for r in records()) == sorted(expected)


def test_a_broken_manifest_is_one_clear_error(tmp_path: Path, corpus: Corpus) -> None:
    (tmp_path / "_manifest.json").write_text("{half", encoding="utf-8")
    with pytest.raises(NewsgraphError, match=r"E202 bad value for parquet.*unreadable _manifest\.json"):
        ingest_parallel(corpus.paths, SETTINGS, parquet=str(tmp_path), workers=1, progress=False)


def test_into_postgresql_each_worker_stores_its_partitions_over_its_own_connection(
    tmp_path: Path,
    corpus: Corpus,
    expected: dict[str, dict[str, Any]],
    scheduler: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The shard twice, under two names: the same articles (and people) in partitions that two
    # workers store at the same time.
    again = tmp_path / "again.jsonl"
    again.write_bytes(corpus.shard.read_bytes())
    twice = sum(1 for line in again.read_text(encoding="utf-8").splitlines() if line.strip())

    def client_writes(*args: Any) -> None:
        raise AssertionError("the client stored records: the workers should have")

    monkeypatch.setattr(scale_runner, "_store", client_writes)
    with pg_schema("scale", "PostgreSQL parallel ingest") as url:

        def run() -> Any:
            return ingest_parallel(
                [*corpus.paths, str(again)],
                SETTINGS,
                db=url,
                scheduler=scheduler,
                progress=False,
                target_bytes=SMALL,
            )

        first = run()
        assert not first.failed, first.failed
        assert first.stored == corpus.articles and first.duplicates == twice
        assert _records(url) == expected
        copies = _rows(url, "SELECT article_id, source FROM copies")
        assert len(copies) == corpus.articles + twice
        assert not _rows(url, "SELECT name, type FROM entities GROUP BY name, type HAVING count(*) > 1")
        again_run = run()
        assert again_run.stored == again_run.duplicates == again_run.words == 0
        assert again_run.skipped == corpus.articles + twice
        assert len(_rows(url, "SELECT article_id, source FROM copies")) == len(copies)


# -- resume after SIGKILL -------------------------------------------------------------------------
def _count(db: str) -> int:
    try:
        return int(_rows(db, "SELECT count(*) FROM articles")[0][0])
    except (sqlite3.Error, NewsgraphError):
        return 0


def _start(corpus: Corpus, db: str, log: Path) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "newsgraph.scale", *corpus.paths, "--db", db, "--workers", "2"]
    command += ["--partition-mb", str(SMALL / 2**20), "--commit-every", "3"]
    with log.open("ab") as out:
        # A session of its own: the kill takes the client and its worker processes together.
        return subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _kill(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


@pytest.fixture(params=["sqlite", "postgresql"])
def killed_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "killed.db")
    else:  # each worker writes over its own connection
        with pg_schema("killed", "PostgreSQL parallel ingest") as url:
            yield url


def test_resume_after_sigkill_stores_every_article_exactly_once(
    tmp_path: Path, corpus: Corpus, expected: dict[str, dict[str, Any]], killed_store: str
) -> None:
    rng = random.Random(8)
    db, log = killed_store, tmp_path / "runs.log"
    counts = []
    # First kill at a random moment of the start (cluster, models); then each run is let store a
    # few more articles and killed a random moment (under 0.1 s) later, mid-write as like as not:
    # a longer wait let the whole small corpus be stored before the kill once the pipeline got faster.
    process = _start(corpus, db, log)
    time.sleep(rng.uniform(0.5, 4.0))
    _kill(process)
    counts.append(_count(db))
    for _ in range(2):
        before = _count(db)
        process = _start(corpus, db, log)
        deadline = time.monotonic() + 240
        while _count(db) <= before and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(rng.uniform(0.0, 0.1))
        _kill(process)
        counts.append(_count(db))
    assert any(0 < n < corpus.articles for n in counts), (counts, log.read_text(errors="replace")[-2000:])
    final = subprocess.run(
        [
            sys.executable,
            "-m",
            "newsgraph.scale",
            *corpus.paths,
            "--db",
            db,
            "--workers",
            "2",
            "--partition-mb",
            str(SMALL / 2**20),
            "--no-progress",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert final.returncode == 0, final.stderr[-2000:]
    assert f"{corpus.articles - counts[-1]} articles stored" in final.stdout, (counts, final.stdout)
    check_store(db, expected)


def test_parquet_records_load_as_articles(tmp_path: Path, corpus: Corpus, scheduler: str) -> None:
    out = tmp_path / "p"
    ingest_parallel([str(corpus.shard)], SETTINGS, parquet=str(out), scheduler=scheduler, progress=False)
    (only,) = list(out.glob("part-*.parquet"))
    for record in read_parquet_records(str(only)):
        assert Article.from_dict(record).id == record["id"]


def test_gzip_is_not_mistaken_for_plain(tmp_path: Path) -> None:
    # A .jsonl.gz is not a JSON Lines shard to cut by bytes: it goes whole to the text reader.
    path = tmp_path / "x.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "x"}\n' * 500))
    plan = plan_partitions([str(path)], target_bytes=100)
    assert [p.kind for p in plan.partitions] == ["files"]


def test_workers_look_into_a_sqlite_store_only_on_its_host(tmp_path: Path) -> None:
    import socket

    from newsgraph.scale import work

    db = tmp_path / "s.db"
    open_store(str(db)).close()
    here = work._stored_inputs(f"{socket.gethostname()}:{db}")
    assert here is not None and not work.is_stored(here, "never stored")
    assert work._stored_inputs(f"elsewhere.invalid:{db}") is None
    assert work._stored_inputs(f"{socket.gethostname()}:{tmp_path / 'absent.db'}") is None


def test_the_ingest_command_runs_on_a_cluster_and_refuses_bad_options(
    tmp_path: Path, corpus: Corpus, scheduler: str, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    from newsgraph.cli import main

    db = str(tmp_path / "cli.db")
    out = io.StringIO()
    argv = ["ingest", *corpus.paths[:2], "--db", db, "--scheduler", scheduler, "--partition-mb", "0.001"]
    assert main(argv, out) == 0
    assert out.getvalue().startswith("done: ") and "0 failed" in out.getvalue()
    with open_store(db) as store:
        assert store.stats().articles > 0
    capsys.readouterr()  # the progress lines of that run
    for bad in (["--workers", "0"], ["--partition-mb", "0"]):
        assert main(["ingest", corpus.paths[0], "--db", db, *bad], io.StringIO()) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("newsgraph: E202"), err
