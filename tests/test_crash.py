"""Crash consistency: `newsgraph ingest` killed with SIGKILL at random moments never leaves half an
article, over SQLite and PostgreSQL.

Two kinds of victims, each killed KILLS times per backend (fixed seeds):

- the real CLI, `newsgraph ingest CORPUS --batch-size 1`, over a corpus made from the bundled
  examples with the people's names varied (so analysis and storing interleave, and a kill lands
  anywhere: start-up, migrations, analysis, a write);
- a process that only stores already-analysed records (the same examples, names varied again),
  one per transaction, a few per transaction, or through the bulk path (`runner.bulk_ingest`),
  so that nearly every kill lands inside a write transaction.

After each kill the store is checked against a clean reference store built from the same input:
every article present has exactly the reference's rows in every annotation table (nothing more,
nothing less), no row hangs from an absent article, every registry entity is used, the schema
passes `PRAGMA integrity_check` and the FTS5 index its own integrity check, and searching finds
exactly the present articles the reference finds. When a store is complete, re-running must
change nothing; at the end a last run completes the set, and the store equals the reference:
no duplicate article, copy or registry entity.

KILLS is 5 by default, so that the file runs in about two minutes; the full run of issue 9 is

    NEWSGRAPH_CRASH_KILLS=20 .venv/bin/pytest tests/test_crash.py

(20 kills of each victim on each backend: about six minutes on two shared cores).
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conftest import PG_URL, create_schema, drop_schemas
from newsgraph.api import analyze_articles, example_paths
from newsgraph.article import Article, text_id
from newsgraph.settings import Settings
from newsgraph.store import Page, Store, core, open_store, writer
from newsgraph.store.migrations import MIGRATIONS
from newsgraph.store.runner import bulk_ingest, ingest_paths

KILLS = int(os.environ.get("NEWSGRAPH_CRASH_KILLS", "5"))
NEWSGRAPH = str(Path(sys.executable).with_name("newsgraph"))
SYLLABLES = ("ka", "vo", "le", "mi", "ro", "na", "zu", "te", "po", "si", "da", "ru", "ve", "lo", "bi", "ne")
ALL = Page(limit=1000)
SEARCHES = ("said", "grain", "power", "talks", "border", "minister")

# What each table holds of an article, without what differs between two stores of the same input
# (registry ids, row numbers, times): the registry is compared through names and keys instead.
SNAPSHOT = {
    "articles": "SELECT id, id, title, published, language, source, outlet, story, text, record, raw, "
    "origin, stages, n_quotes, n_entities FROM articles",
    "copies": "SELECT article_id, source, url, raw_sha FROM copies",
    "story_bands": "SELECT article_id, band FROM story_bands",
    "mentions": "SELECT m.article_id, m.local_id, m.name, m.type, m.count, e.type, e.grp "
    "FROM mentions m JOIN entities e ON e.id = m.entity_id",
    "roles": "SELECT article_id, role, role_of, date FROM roles",
    "place_mentions": "SELECT pm.article_id, pm.idx, pm.text, pm.start_at, pm.end_at, p.key "
    "FROM place_mentions pm JOIN places p ON p.id = pm.place_id",
    "quotes": "SELECT article_id, local_id, text, kind, start_at, end_at, speaker_text, speaker_name, "
    "speaker_local, entity_id IS NULL, published FROM quotes",
    "dates": "SELECT article_id, idx, text, value, end_value, relation FROM dates",
    "claims": "SELECT c.article_id, c.local_id, c.text, c.value, c.qualifier, c.unit, c.subject, "
    "c.date_value, c.quote_local, c.entity_id IS NULL, c.published, p.key "
    "FROM claims c LEFT JOIN places p ON p.id = c.place_id",
    "events": "SELECT article_id, local_id, type, text, date_value, published FROM events",
    "predictions": "SELECT article_id, local_id, text, stance, about, entity_id IS NULL, published "
    "FROM predictions",
}
# Rows of each table whose article is absent (must be none, whatever the moment of the kill).
ORPHANS = {
    table: f"SELECT count(*) FROM {table} t "
    "WHERE NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = t.article_id)"
    for table in SNAPSHOT
    if table != "articles"
}
REGISTRY_CHECKS = {
    "entities without a mention": "SELECT count(*) FROM entities e "
    "WHERE NOT EXISTS (SELECT 1 FROM mentions m WHERE m.entity_id = e.id)",
    "entities without an alias": "SELECT count(*) FROM entities e "
    "WHERE NOT EXISTS (SELECT 1 FROM aliases a WHERE a.entity_id = e.id)",
    "aliases of no entity": "SELECT count(*) FROM aliases a "
    "WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = a.entity_id)",
    "mentions of no entity": "SELECT count(*) FROM mentions m "
    "WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.id = m.entity_id)",
}
REGISTRY = "SELECT e.name, e.type, e.grp, a.alias FROM entities e JOIN aliases a ON a.entity_id = e.id"
# Each entity with the articles it is mentioned in: one person stored twice would show up as two
# entries where the reference has one.
ENTITY_ARTICLES = (
    "SELECT e.name, e.type, m.article_id, m.local_id FROM entities e JOIN mentions m ON m.entity_id = e.id"
)

Snapshot = dict[str, dict[str, list[tuple[Any, ...]]]]


# -- the input: the examples, people's names varied ----------------------------------------------


def made_up(length: int, n: int) -> str:
    """A capitalised made-up word of exactly `length` letters, different for each n."""
    letters = ""
    while len(letters) < length:
        letters += SYLLABLES[n % len(SYLLABLES)]
        n = n // len(SYLLABLES) + 7 * len(letters) + 1
    return letters[:length].capitalize()


def person_words(article: Article) -> list[str]:
    words: set[str] = set()
    for entity in article.entities:
        if entity.type == "PERSON":
            for name in [entity.name, *entity.aliases]:
                words.update(w for w in name.split() if len(w) >= 4 and w.isalpha())
    return sorted(words, key=len, reverse=True)


def renamed(text: str, words: list[str], n: int) -> str:
    for k, word in enumerate(words):
        text = text.replace(word, made_up(len(word), n * 31 + k))
    return text


@dataclass
class Inputs:
    corpus: Path  # raw text files for the CLI
    records: Path  # analysed records, JSON Lines, for the storing process
    corpus_reference: Path  # SQLite stores built in-process from each, with nothing killed
    records_reference: Path
    n_corpus: int
    n_records: int


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    root = tmp_path_factory.mktemp("crash")
    originals = [(p.name, p.read_text(encoding="utf-8")) for p in example_paths()]
    analysed = list(analyze_articles(Article.from_raw(t, source=n, published=n[:10]) for n, t in originals))
    assert analysed and not any(a.error for a in analysed)
    corpus = root / "corpus"
    corpus.mkdir()
    n_corpus = 0
    for n in range(3):  # the originals and two variants of each: near-duplicates join their story
        for (name, text), article in zip(originals, analysed, strict=True):
            (corpus / f"{name[:10]}-v{n}-{name[11:]}").write_text(
                renamed(text, person_words(article), n) if n else text, encoding="utf-8"
            )
            n_corpus += 1
    records = root / "records.jsonl"
    lines = []
    for n in range(1, 16):  # other names than the corpus's; a filler paragraph makes each a story
        for article in analysed:
            data = json.loads(
                renamed(json.dumps(article.to_dict(), ensure_ascii=False), person_words(article), 100 + n)
            )
            filler = " ".join(SYLLABLES[(n * 7 + k * k) % len(SYLLABLES)] + "x" for k in range(80))
            data["text"] += f"\n\nBulletin {n}. {filler}."
            data["id"] = text_id(data["text"])
            data["source"] = f"https://crash{n % 3}.example.org/{n}/{data['id'][:8]}"
            lines.append(json.dumps(data, ensure_ascii=False))
    records.write_text("\n".join(lines) + "\n", encoding="utf-8")
    corpus_reference = root / "corpus-reference.db"
    with open_store(str(corpus_reference)) as store:
        report = ingest_paths(store, [str(corpus)], Settings(batch_size=1))
    assert (report.stored, len(report.failed)) == (n_corpus, 0), report.summary()
    records_reference = root / "records-reference.db"
    with open_store(str(records_reference)) as store:
        report = store.ingest(read_records(records))
    assert report.stored == len(lines), report.summary()
    return Inputs(corpus, records, corpus_reference, records_reference, n_corpus, len(lines))


def read_records(path: Path) -> list[Article]:
    return [
        Article.model_validate(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()
    ]


# -- the stores ------------------------------------------------------------------------------------


class Backend:
    """Fresh stores of one backend, one after another."""

    def __init__(self, name: str, folder: Path) -> None:
        self.name, self.folder = name, folder
        self.schemas: list[str] = []

    def fresh(self) -> str:
        if self.name == "sqlite":
            return str(self.folder / f"store-{uuid.uuid4().hex[:8]}.db")
        schema, url = create_schema("crash")
        self.schemas.append(schema)
        return url

    def drop(self) -> None:
        if self.schemas:
            drop_schemas(*self.schemas)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "postgresql" and not PG_URL:
        reason = "PostgreSQL crash tests need NEWSGRAPH_TEST_PG=postgresql://... (run scripts/ci_services.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI=true, so this is a failure, not a skip")
        pytest.skip(reason)
    made = Backend(str(request.param), tmp_path)
    try:
        yield made
    finally:
        made.drop()


def snapshot(store: Store) -> Snapshot:
    """Every table's rows grouped by article, sorted."""
    tables: Snapshot = {}
    for table, sql in SNAPSHOT.items():
        rows: dict[str, list[tuple[Any, ...]]] = {}
        for row in store.db.all(sql):
            rows.setdefault(str(row[0]), []).append(tuple(_plain(v) for v in row[1:]))
        tables[table] = {k: sorted(v, key=repr) for k, v in rows.items()}
    return tables


def _plain(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def difference(got: list[tuple[Any, ...]], want: list[tuple[Any, ...]]) -> str:
    """The first difference of two row lists, short enough to read."""
    if len(got) != len(want):
        return f"{len(got)} rows, the reference has {len(want)}"
    for row, other in zip(got, want, strict=True):
        for i, (a, b) in enumerate(zip(row, other, strict=True)):
            if a != b:
                at = next((k for k, (x, y) in enumerate(zip(str(a), str(b), strict=False)) if x != y), 0)
                at = max(0, at - 30)
                return (
                    f"column {i}: …{str(a)[at : at + 80]!r} where the reference has …{str(b)[at : at + 80]!r}"
                )
    return "equal"


def check_store(location: str, reference: Path, *, complete: bool) -> set[str]:
    """Check a store after a kill against the reference; return the ids of the articles in it."""
    if not location.startswith("postgresql://") and Path(location).exists():
        with sqlite3.connect(location) as raw:  # before the store opens (and migrates) it
            assert raw.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    with open_store(location) as store, open_store(str(reference), create=False) as ref:
        got, want = snapshot(store), snapshot(ref)
        present = set(got["articles"])
        assert present <= set(want["articles"]), present - set(want["articles"])
        for table in SNAPSHOT:
            for article_id in present:
                mine, theirs = got[table].get(article_id, []), want[table].get(article_id, [])
                assert mine == theirs, f"{table} of {article_id[:12]}: {difference(mine, theirs)}"
        for what, sql in {**ORPHANS, **REGISTRY_CHECKS}.items():
            assert store.db.scalar(sql) == 0, what
        if store.backend == "sqlite":
            store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
            assert store.db.scalar("SELECT count(*) FROM articles_fts_docsize") == len(present)
        else:
            assert store.db.scalar("SELECT count(*) FROM articles WHERE tsv IS NULL") == 0
        for word in SEARCHES:
            found = {h.article.id for h in store.search(word, page=ALL).hits.items}
            expected = {h.article.id for h in ref.search(word, page=ALL).hits.items} & present
            assert found == expected, word
        if complete:
            assert present == set(want["articles"])
            assert sorted(store.db.all(REGISTRY)) == sorted(ref.db.all(REGISTRY))
            assert sorted(store.db.all(ENTITY_ARTICLES)) == sorted(ref.db.all(ENTITY_ARTICLES))
            assert store.db.scalar("SELECT count(*) FROM places") == ref.db.scalar(
                "SELECT count(*) FROM places"
            )
        return present


# -- the victims -------------------------------------------------------------------------------------


def cli_command(inputs: Inputs, location: str) -> list[str]:
    return [NEWSGRAPH, "ingest", str(inputs.corpus), "--db", location, "--batch-size", "1"]


STORING_SCRIPT = """
import json, sys
from newsgraph.article import Article
from newsgraph.store import open_store
from newsgraph.store.runner import bulk_ingest

records = [Article.model_validate(json.loads(line)) for line in open(sys.argv[2], encoding="utf-8")]
with open_store(sys.argv[1]) as store:
    print("ready", flush=True)
    if sys.argv[4] == "bulk":
        report = bulk_ingest(store, records, batch_size=int(sys.argv[3]))
    else:
        report = store.ingest(records, batch_size=int(sys.argv[3]))
print(report.summary(), flush=True)
"""


def storing_command(inputs: Inputs, location: str, batch: int, how: str = "ingest") -> list[str]:
    """Store the analysed records with `Store.ingest` or the bulk path, `batch` per transaction."""
    return [sys.executable, "-c", STORING_SCRIPT, location, str(inputs.records), str(batch), how]


def kill_after(command: list[str], delay: float, *, wait_for_ready: bool) -> bool:
    """Run `command`, SIGKILL it `delay` seconds in (after its "ready" line if asked); True if it
    was killed, False if it finished first (its exit status must then be 0)."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    if wait_for_ready:
        line = proc.stdout.readline()
        assert line.strip() == "ready", (line, proc.stderr.read() if proc.stderr else "")
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        proc.communicate()
        return True
    out, err = proc.communicate()
    assert proc.returncode == 0, (out, err)
    return False


def run_to_completion(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def crash_loop(
    backend: Backend,
    reference: Path,
    total: int,
    *,
    kills: int,
    seed: int,
    victim: Callable[[str, random.Random], list[str]],
    delays: tuple[float, float],
    ready: bool = False,
) -> tuple[int, int]:
    """Kill `victim(location, rng)` `kills` times at random moments, checking after each; a store
    found complete is re-run (nothing may change) and replaced by a fresh one. Returns the number
    of kills and of stores completed along the way. `ready`: the delay counts from the victim's
    "ready" line (after its start-up)."""
    rng = random.Random(seed)
    location = backend.fresh()
    killed = completed = 0
    while killed < kills:
        delay = rng.uniform(*delays)
        if kill_after(victim(location, rng), delay, wait_for_ready=ready):
            killed += 1
        present = check_store(location, reference, complete=False)
        if len(present) == total:
            check_store(location, reference, complete=True)
            completed += 1
            location = backend.fresh()
    # The last store, killed at least once (unless it has just been replaced): a last run completes it.
    run_to_completion(victim(location, rng))
    assert check_store(location, reference, complete=True)
    run_to_completion(victim(location, rng))  # once more: nothing is added
    assert check_store(location, reference, complete=True)
    with open_store(location) as store:
        stats = store.stats()
    assert (stats.articles, stats.copies) == (total, total)
    return killed, completed


def test_sigkill_of_newsgraph_ingest_never_leaves_half_an_article(backend: Backend, inputs: Inputs) -> None:
    def victim(location: str, rng: random.Random) -> list[str]:
        return cli_command(inputs, location)

    killed, completed = crash_loop(
        backend,
        inputs.corpus_reference,
        inputs.n_corpus,
        kills=KILLS,
        seed=9,
        victim=victim,
        delays=(0.5, 9.0),
    )
    print(
        f"{backend.name}: newsgraph ingest killed {killed} times, {completed} stores completed between kills"
    )


def test_sigkill_while_storing_never_leaves_half_an_article(backend: Backend, inputs: Inputs) -> None:
    def victim(location: str, rng: random.Random) -> list[str]:
        batch, how = rng.choice(
            [(1, "ingest"), (1, "ingest"), (3, "ingest"), (10, "ingest"), (7, "bulk"), (25, "bulk")]
        )
        return storing_command(inputs, location, batch, how)

    killed, completed = crash_loop(
        backend,
        inputs.records_reference,
        inputs.n_records,
        kills=KILLS,
        seed=11,
        victim=victim,
        delays=(0.0, 1.5),
        ready=True,
    )
    print(
        f"{backend.name}: storing process killed {killed} times, {completed} stores completed between kills"
    )


def test_a_store_killed_before_its_first_write_opens_and_completes(backend: Backend, inputs: Inputs) -> None:
    # Killed at once: during start-up or in the middle of the migrations of a new store.
    location = backend.fresh()
    for delay in (0.05, 0.4, 1.0):
        kill_after(cli_command(inputs, location), delay, wait_for_ready=False)
        check_store(location, inputs.corpus_reference, complete=False)
    run_to_completion(cli_command(inputs, location))
    check_store(location, inputs.corpus_reference, complete=True)
    with open_store(location) as store:
        assert store.migrations() == [m.name for m in MIGRATIONS]
        assert store.stats().articles == inputs.n_corpus


def test_the_bulk_path_stores_what_article_by_article_stores(backend: Backend, inputs: Inputs) -> None:
    location = backend.fresh()
    with open_store(location) as store:
        report = bulk_ingest(store, read_records(inputs.records), batch_size=7)
        assert (report.stored, report.duplicates, report.failed) == (inputs.n_records, 0, [])
        again = bulk_ingest(store, read_records(inputs.records), batch_size=1000)
        assert (again.stored, again.duplicates) == (0, inputs.n_records)
    check_store(location, inputs.records_reference, complete=True)


def test_a_bulk_batch_with_a_failing_article_keeps_the_others(
    backend: Backend, inputs: Inputs, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = read_records(inputs.records)[:12]
    broken = records[5].model_copy(update={"source": "broken.txt"})
    real = writer.store_article

    def failing(db: Any, article: Article, *args: Any, **kwargs: Any) -> Any:
        if article.source == "broken.txt":
            raise ValueError("a record the database cannot take")
        return real(db, article, *args, **kwargs)

    monkeypatch.setattr(writer, "store_article", failing)
    monkeypatch.setattr(core, "store_article", failing)
    location = backend.fresh()
    with open_store(location) as store:
        bad = Article.model_validate(dict(records[0].to_dict(), error="E101 unreadable"))
        report = bulk_ingest(store, [*records[:5], broken, *records[6:], bad], batch_size=4)
        assert report.stored == 11
        assert [f.source for f in report.failed] == ["broken.txt", bad.source]
        assert "cannot take" in report.failed[0].reason
        assert store.stats().articles == 11
    with pytest.raises(ValueError, match="batch_size"), open_store(location) as store:
        bulk_ingest(store, records, batch_size=0)
