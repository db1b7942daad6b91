"""`newsgraph load`: a Parquet output loaded into a store is the store an ingest of the same inputs
makes, table by table; loading twice stores nothing twice; a load killed (SIGKILL) at random
moments and run again stores every article once; bad folders, files and records get one line each."""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")

import pyarrow as pa
import pyarrow.parquet as pq

from conftest import pg_schema
from newsgraph.cli import main
from newsgraph.errors import StoreError
from newsgraph.scale.corpus import Corpus, write_corpus
from newsgraph.scale.load import load_parquet
from newsgraph.scale.partitions import plan_partitions
from newsgraph.scale.runner import Manifest
from newsgraph.scale.work import analyse_partition, parquet_name
from newsgraph.settings import Settings
from newsgraph.store import open_store
from newsgraph.store.runner import ingest_paths

SETTINGS = Settings()
NEWSGRAPH = str(Path(sys.executable).with_name("newsgraph"))
# Columns that say when a row was written, not what it says.
WHEN = {"ingested", "seen", "loaded"}
TABLES = (
    "articles",
    "copies",
    "story_bands",
    "entities",
    "aliases",
    "mentions",
    "roles",
    "places",
    "place_mentions",
    "quotes",
    "dates",
    "claims",
    "events",
    "predictions",
)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The load corpus (its variants are near-copies of each other: one story each), and one of
    its files again under another name (an exact copy: one article, two sources)."""
    folder = tmp_path_factory.mktemp("inputs")
    corpus: Corpus = write_corpus(folder, 4)
    again = folder / "again"
    again.mkdir()
    first = sorted(corpus.texts.iterdir())[0]
    shutil.copy(first, again / "same-story.txt")
    return [*corpus.paths, str(again)]


@pytest.fixture(scope="module")
def output(inputs: list[str], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Parquet output as `ingest --parquet` writes it, each partition analysed in this process,
    finished in reverse order (as a cluster may finish them)."""
    folder = tmp_path_factory.mktemp("parquet")
    manifest = Manifest.load(folder)
    partitions = plan_partitions(inputs, target_bytes=3000).partitions
    assert len(partitions) >= 4
    for order, partition in reversed(list(enumerate(partitions))):
        outcome = analyse_partition(partition, SETTINGS, parquet=str(folder))
        assert not outcome.failed, outcome.failed
        manifest.add(partition.key, {"label": partition.label, "records": outcome.written, "order": order})
    return folder


def backends() -> list[str]:
    return ["sqlite", "postgresql"]


@contextlib.contextmanager
def new_store(kind: str, folder: Path, name: str) -> Iterator[str]:
    if kind == "sqlite":
        yield str(folder / f"{name}.db")
    else:
        with pg_schema("load", "PostgreSQL load tests") as url:
            yield url


@pytest.fixture(scope="module", params=backends())
def ingested(
    request: pytest.FixtureRequest, inputs: list[str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, Any]]]:
    """The backend, and the dump of the store that a sequential `ingest` of the inputs makes."""
    with new_store(request.param, tmp_path_factory.mktemp("ingested"), "ingested") as location:
        with open_store(location) as store:
            report = ingest_paths(store, inputs, SETTINGS)
            assert not report.failed and report.duplicates == 1 and report.near_duplicates > 0
        yield request.param, dump(location)


def dump(location: str) -> dict[str, Any]:
    """Every row of every table of the store (timestamps left out), in a fixed order; and what
    full-text search finds."""
    found: dict[str, Any] = {}
    with open_store(location, create=False) as store:
        for table in TABLES:
            cursor = store.db.execute(f"SELECT * FROM {table}")
            names = [d[0] for d in cursor.description]
            keep = [i for i, n in enumerate(names) if n not in WHEN and n != "tsv"]
            rows = [tuple(_plain(r[i]) for i in keep) for r in cursor.fetchall()]
            found[table] = sorted(rows, key=repr)
        for words in ("grain", "drills Vitebsk", "border guard"):
            found[f"search {words}"] = [h.article.id for h in store.search(words).hits.items]
    return found


def _plain(value: Any) -> Any:
    return bytes(value) if isinstance(value, memoryview) else value


def counts(location: str) -> int:
    with open_store(location, create=False) as store:
        return int(store.db.scalar("SELECT count(*) FROM articles"))


def test_a_load_makes_the_store_an_ingest_makes_and_twice_is_once(
    ingested: tuple[str, dict[str, Any]], output: Path, tmp_path: Path
) -> None:
    kind, expected = ingested
    with new_store(kind, tmp_path, "loaded") as location:
        first = load_parquet(output, location, batch_size=5, progress=False)
        assert not first.failed
        assert first.stored == len(expected["articles"]) and first.duplicates == 1
        assert first.near_duplicates > 0 and first.partitions_done == first.partitions
        assert dump(location) == expected
        again = load_parquet(output, location, progress=False)
        assert (again.stored, again.duplicates, again.partitions_done) == (0, 0, 0)
        assert again.partitions_resumed == first.partitions and again.skipped == first.stored + 1
        assert dump(location) == expected


def test_loading_into_a_store_that_ingested_the_same_inputs_changes_nothing(
    inputs: list[str], output: Path, tmp_path: Path
) -> None:
    location = str(tmp_path / "both.db")
    with open_store(location) as store:
        ingest_paths(store, inputs, SETTINGS)
    before = dump(location)
    summary = load_parquet(output, location, progress=False)
    assert summary.stored == 0 and summary.duplicates == len(before["articles"]) + 1 and not summary.failed
    assert dump(location) == before


def test_a_bad_folder_raises_one_line(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"^E312 cannot load .*absent: no such folder$"):
        load_parquet(tmp_path / "absent", str(tmp_path / "s.db"))
    with pytest.raises(StoreError, match=r"^E312 .*no part-\*\.parquet files in it"):
        load_parquet(tmp_path, str(tmp_path / "s.db"))
    # The command line: one line on standard error, exit status 2, no store left behind.
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["load", str(tmp_path / "absent"), "--db", str(tmp_path / "c.db")], io.StringIO()) == 2
    assert err.getvalue().startswith("newsgraph: E312") and err.getvalue().count("\n") == 1


def test_corrupt_files_wrong_columns_and_bad_records_are_reported_and_the_rest_loaded(
    output: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "mixed"
    shutil.copytree(output, folder)
    victim = max(sorted(folder.glob("part-*.parquet")), key=lambda path: pq.read_metadata(path).num_rows)
    (folder / parquet_name("corrupt")).write_bytes(b"PAR1" + os.urandom(300))
    pq.write_table(pa.table({"id": ["x"], "text": ["y"]}), folder / parquet_name("columns"))
    # One file with a bad record in the middle: not JSON, not the record of its id, not a record.
    rows = pq.read_table(victim).to_pylist()
    good = len(rows)
    assert good > 1  # the bad records go between good ones
    record = json.loads(rows[0]["record"])
    rows.insert(1, {**rows[0], "record": "{not json"})
    rows.insert(2, {**rows[0], "record": json.dumps({**record, "id": "0" * 64})})
    rows.insert(3, {**rows[0], "record": json.dumps({**record, "quotes": "many"})})
    pq.write_table(pa.Table.from_pylist(rows), victim)
    location = str(tmp_path / "mixed.db")
    out = io.StringIO()
    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        status = main(["load", str(folder), "--db", location, "--commit-every", "2", "--no-progress"], out)
    assert status == 1
    lines = err.getvalue().splitlines()
    assert len(lines) == 5, lines
    assert sum(line.startswith("newsgraph: E312") for line in lines) == 2
    assert any("part-corrupt.parquet: not a readable Parquet file" in line for line in lines)
    assert any("no column raw, origin, record" in line for line in lines)
    bad = [line for line in lines if line.startswith("newsgraph: E313")]
    assert [line.split(": ")[1].rsplit(":", 1)[1] for line in bad] == ["2", "3", "4"]
    assert "its id is not the sha256 of its text" in bad[1]
    assert "5 failed" in out.getvalue()
    with open_store(location) as store:
        stored = store.stats().articles
    plain = load_parquet(output, str(tmp_path / "plain.db"), progress=False)
    assert stored == plain.stored


def test_a_record_the_copy_path_refuses_is_stored_the_slow_way(tmp_path: Path, output: Path) -> None:
    """A record with one quote id twice: COPY fails on it, and the batch is stored again one
    article at a time, as an ingest stores it (the first quote of that id kept)."""
    folder = tmp_path / "twice"
    folder.mkdir()
    source = sorted(output.glob("part-*.parquet"))[0]
    rows = pq.read_table(source).to_pylist()
    record = json.loads(rows[0]["record"])
    assert len(record["quotes"]) >= 2
    record["quotes"][1]["id"] = record["quotes"][0]["id"]
    rows[0]["record"] = json.dumps(record)
    pq.write_table(pa.Table.from_pylist(rows), folder / source.name)
    with pg_schema("loadcopy", "PostgreSQL load tests") as url:
        summary = load_parquet(folder, url, progress=False)
        assert summary.stored == len(rows) and not summary.failed
        with open_store(url) as store:
            kept = store.db.all("SELECT local_id FROM quotes WHERE article_id = ?", (record["id"],))
        assert len(kept) == len(record["quotes"]) - 1


def essence(location: str) -> dict[str, Any]:
    """What the store says, without the numbers its rows were given (a transaction rolled back by
    a kill leaves a gap in PostgreSQL's sequences): records, copies, stories, who is mentioned
    and quoted where, and how many rows each table holds."""
    with open_store(location, create=False) as store:
        db = store.db
        found: dict[str, Any] = {
            "records": {a.id: a.to_dict() for a in store.iter_articles()},
            "copies": sorted(db.all("SELECT article_id, source FROM copies")),
            "stories": sorted(
                sorted(ids.split(","))
                for (ids,) in db.all(
                    "SELECT string_agg(id, ',') FROM articles GROUP BY story"
                    if db.dialect == "postgresql"
                    else "SELECT group_concat(id) FROM articles GROUP BY story"
                )
            ),
            "mentions": sorted(
                db.all(
                    "SELECT m.article_id, m.local_id, e.name FROM mentions m "
                    "JOIN entities e ON e.id = m.entity_id"
                )
            ),
            "quotes": sorted(
                db.all(
                    "SELECT q.article_id, q.local_id, e.name FROM quotes q "
                    "LEFT JOIN entities e ON e.id = q.entity_id"
                ),
                key=repr,
            ),
        }
        for table in TABLES:
            found[f"rows in {table}"] = db.scalar(f"SELECT count(*) FROM {table}")
    return found


def test_a_load_killed_at_random_moments_stores_every_article_once(
    output: Path, tmp_path: Path, inputs: list[str], ingested: tuple[str, dict[str, Any]]
) -> None:
    kind, expected = ingested
    rng = random.Random(31)
    log = tmp_path / "runs.log"
    with new_store(kind, tmp_path, "killed") as location:
        open_store(location).close()
        command = [NEWSGRAPH, "load", str(output), "--db", location, "--commit-every", "2", "--no-progress"]
        seen = []
        for _ in range(3):
            before = counts(location)
            with log.open("ab") as out:
                process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
            deadline = time.monotonic() + 120
            while counts(location) <= before and process.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            time.sleep(rng.uniform(0.0, 0.2))
            with contextlib.suppress(ProcessLookupError):
                os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=60)
            seen.append(counts(location))
        total = len(expected["articles"])
        assert any(0 < n < total for n in seen), (seen, log.read_text(errors="replace")[-2000:])
        final = subprocess.run(command, capture_output=True, text=True, timeout=300)
        assert final.returncode == 0, final.stderr[-2000:]
        assert f"{total - seen[-1]} articles stored" in final.stdout, (seen, final.stdout)
        with new_store(kind, tmp_path, "reference") as reference:
            with open_store(reference) as store:
                ingest_paths(store, inputs, SETTINGS)
            assert essence(location) == essence(reference)


def test_the_load_command_shows_progress_and_a_summary(output: Path, tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        assert main(["load", str(output), "--db", str(tmp_path / "p.db")], out) == 0
    progress = err.getvalue().splitlines()
    assert progress and progress[-1].startswith("load [####################] ")
    assert " partitions, " in progress[-1] and "articles/s" in progress[-1]
    summary = out.getvalue()
    assert summary.startswith("done: ") and " articles stored, 1 duplicates " in summary
    assert " 0 failed; " in summary and " workers" not in summary
