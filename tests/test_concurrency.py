"""Concurrency: readers keep answering while a large ingest writes; two ingests into one store at
once neither corrupt nor duplicate, articles or registry entities; over SQLite and PostgreSQL.

The readers are the real thing: `newsgraph search` / `quotes` / `stats` processes and a running
`newsgraph serve` (pages and API), while another process stores a few hundred analysed records
in large transactions.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import pg_schema
from newsgraph.article import Article, text_id
from newsgraph.store import open_store
from newsgraph.store.runner import bulk_ingest

NEWSGRAPH = str(Path(sys.executable).with_name("newsgraph"))
SYLLABLES = ("ka", "vo", "le", "mi", "ro", "na", "zu", "te", "po", "si", "da", "ru", "ve", "lo", "bi", "ne")
SLOWEST_ANSWER = 10.0  # seconds: a reader waiting longer than this is not "answering"


def pg_location() -> Iterator[str]:
    with pg_schema("conc", "PostgreSQL concurrency tests") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield str(tmp_path / "store.db")
    else:
        yield from pg_location()


def made_up(n: int, length: int = 7) -> str:
    letters = ""
    while len(letters) < length:
        letters += SYLLABLES[n % len(SYLLABLES)]
        n = n // len(SYLLABLES) + 5 * len(letters) + 3
    return letters[:length].capitalize()


def person_article(text: str, source: str, people: list[tuple[str, str]]) -> Article:
    """A record of `text` naming fictional people (full name, surname as written later)."""
    entities = []
    quotes = []
    for k, (full, surname) in enumerate(people):
        start = text.index(full)
        later = text.index(surname, start + len(full))
        entities.append(
            {
                "id": f"e{k}",
                "name": full,
                "type": "PERSON",
                "aliases": sorted({full, surname}),
                "roles": [],
                "mentions": [
                    {"start": start, "end": start + len(full), "text": full},
                    {"start": later, "end": later + len(surname), "text": surname},
                ],
            }
        )
        said = f"{surname} said"
        q_end = text.index(said) - 2
        q_start = text.rindex("“", 0, q_end) + 1
        quotes.append(
            {
                "id": f"q{k}",
                "text": text[q_start:q_end],
                "kind": "direct",
                "start": q_start,
                "end": q_end,
                "speaker": {"name": full, "entity": f"e{k}", "start": later, "end": later + len(surname)},
            }
        )
    data: dict[str, Any] = {
        "source": source,
        "title": None,
        "published": "2024-05-0" + str(1 + len(source) % 9),
        "language": "en",
        "text": text,
        "stages": ["clean.v1", "entities.v1", "quotes.v1"],
        "entities": entities,
        "quotes": quotes,
    }
    data["id"] = text_id(text)
    return Article.model_validate(data)


def people_articles(writer: str, count: int) -> list[Article]:
    """`count` articles of one writer; article i names the fictional people 2i and 2i+1, the
    same people the other writer's article i names, in other words."""
    articles = []
    for i in range(count):
        people = []
        parts = [f"{writer.capitalize()} desk, bulletin {i}, from the harbour of Klaipeda."]
        for person in (2 * i, 2 * i + 1):
            first, last = made_up(person * 3 + 1, 5), made_up(person * 3 + 2, 8)
            full = f"{first} {last}"
            people.append((full, last))
            parts.append(f"{full} spoke to the {writer} reporter at the pier.")
            parts.append(f"“The ferries run on time this week,” {last} said on the {writer} side.")
        articles.append(person_article(" ".join(parts), f"{writer}-{i}.txt", people))
    return articles


@pytest.mark.parametrize("paths", [("ingest", "ingest"), ("bulk", "ingest"), ("bulk", "bulk")])
def test_two_ingests_at_once_create_each_new_person_once(location: str, paths: tuple[str, str]) -> None:
    open_store(location).close()  # migrated once, before the race
    count = 40
    batches = {who: people_articles(who, count) for who in ("north", "south")}
    barrier = threading.Barrier(2)
    reports = []
    errors: list[BaseException] = []

    def work(batch: list[Article], how: str) -> None:
        try:
            with open_store(location) as mine:
                barrier.wait(timeout=60)
                if how == "bulk":
                    reports.append(bulk_ingest(mine, batch, batch_size=4))
                else:
                    reports.append(mine.ingest(batch))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(b, how)) for b, how in zip(batches.values(), paths, strict=True)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert sum(r.stored for r in reports) == 2 * count, [r.summary() for r in reports]
    assert not any(r.failed for r in reports)
    with open_store(location) as store:
        per_name = store.db.all("SELECT name, count(*) FROM entities GROUP BY name HAVING count(*) > 1")
        assert per_name == [], f"people created twice: {per_name}"
        assert store.db.scalar("SELECT count(*) FROM entities") == 2 * count
        # Both writers' mentions of a person point at the one entity.
        split = store.db.all(
            "SELECT m.name FROM mentions m GROUP BY m.name HAVING count(DISTINCT m.entity_id) > 1"
        )
        assert split == []
        assert store.stats().quotes == 4 * count
        # Each speaker's quotes come from both writers' articles.
        some = batches["north"][7].entities[0].name
        sources = {q.source.split("-")[0] for q in store.quotes(speaker=some).items}
        assert sources == {"north", "south"}


def test_two_ingests_of_the_same_articles_store_each_once(location: str) -> None:
    open_store(location).close()
    articles = people_articles("east", 30)
    reports = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def work(order: list[Article], batch_size: int) -> None:
        try:
            with open_store(location) as mine:
                barrier.wait(timeout=60)
                reports.append(mine.ingest(order, batch_size=batch_size))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [
        threading.Thread(target=work, args=(articles, 1)),
        threading.Thread(target=work, args=(articles[::-1], 5)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert sum(r.stored for r in reports) == len(articles)
    assert sum(r.duplicates for r in reports) == len(articles)
    assert not any(r.failed for r in reports)
    with open_store(location) as store:
        stats = store.stats()
        assert (stats.articles, stats.quotes, stats.entities) == (30, 60, 60)
        assert store.db.scalar("SELECT count(*) FROM mentions") == 60
        if store.backend == "sqlite":
            assert store.db.scalar("PRAGMA integrity_check") == "ok"
            store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
            assert store.db.scalar("SELECT count(*) FROM articles_fts_docsize") == 30


def test_two_loads_of_one_parquet_output_at_once_store_each_article_and_person_once(
    location: str, tmp_path: Path
) -> None:
    """Two `newsgraph load` of the same folder at once (COPY on PostgreSQL, exclusive registry
    lock per transaction), while an ingest stores the same people under other articles."""
    pytest.importorskip("pyarrow", reason="Parquet needs pyarrow")
    from newsgraph.scale.load import load_parquet
    from newsgraph.scale.work import write_parquet
    from newsgraph.store.writer import Origin

    open_store(location).close()
    count = 30
    loaded = people_articles("north", count)
    folder = tmp_path / "parquet"
    for i in range(0, count, 10):
        write_parquet([(a, Origin.of(a)) for a in loaded[i : i + 10]], folder, f"{i:04d}")
    barrier = threading.Barrier(3)
    summaries: list[Any] = []
    errors: list[BaseException] = []

    def load() -> None:
        try:
            barrier.wait(timeout=60)
            summaries.append(load_parquet(folder, location, batch_size=4, progress=False))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def ingest() -> None:
        try:
            with open_store(location) as mine:
                barrier.wait(timeout=60)
                summaries.append(mine.ingest(people_articles("south", count)))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=load), threading.Thread(target=load), threading.Thread(target=ingest)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert sum(s.stored for s in summaries) == 2 * count
    assert not any(s.failed for s in summaries)
    with open_store(location) as store:
        assert store.stats().articles == 2 * count and store.stats().quotes == 4 * count
        assert store.db.scalar("SELECT count(*) FROM entities") == 2 * count
        assert store.db.all("SELECT name FROM entities GROUP BY name HAVING count(*) > 1") == []
        assert store.db.scalar("SELECT count(*) FROM copies") == 2 * count
        assert store.db.all("SELECT rows, complete FROM loaded_parts") == [(10, 1)] * 3


WRITER_SCRIPT = """
import json, sys
from newsgraph.article import Article
from newsgraph.store import open_store
from newsgraph.store.runner import bulk_ingest

with open_store(sys.argv[1]) as store:
    print("ready", flush=True)
    with open(sys.argv[2], encoding="utf-8") as lines:
        batch = []
        for line in lines:
            batch.append(Article.model_validate(json.loads(line)))
            if len(batch) == 100:
                store.ingest(batch, batch_size=100)
                batch = []
        store.ingest(batch, batch_size=100)
print("done", flush=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get(url: str) -> tuple[int, bytes, float]:
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=SLOWEST_ANSWER * 3) as response:
            return response.status, response.read(), time.perf_counter() - t0
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), time.perf_counter() - t0


def test_readers_keep_answering_while_a_large_ingest_writes(location: str, tmp_path: Path) -> None:
    with open_store(location) as store:  # something to read from the start
        store.ingest(people_articles("west", 20))
    records = tmp_path / "records.jsonl"
    with records.open("w", encoding="utf-8") as out:
        for article in people_articles("large", 6000):
            out.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")
    speaker = people_articles("west", 20)[3].entities[1].name.split()[-1]
    port = free_port()
    server = subprocess.Popen(
        [NEWSGRAPH, "serve", "--db", location, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    writer = None
    try:
        for _ in range(200):
            try:
                if get(f"{base}/api/stats")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("the server did not start")
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER_SCRIPT, location, str(records)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert writer.stdout is not None and writer.stdout.readline().strip() == "ready"
        time.sleep(0.5)  # well into its first transactions
        paths = [
            "/api/stats",
            "/search?q=ferries",
            "/api/search?q=ferries+pier",
            f"/api/quotes?speaker={speaker}",
            f"/quotes?speaker={speaker}",
            "/articles",
            "/api/articles?limit=50",
            "/entities",
        ]
        answers: list[tuple[str, int, float]] = []
        counts: list[int] = []
        stop = time.monotonic() + 8.0

        def read_web(offset: int) -> None:
            i = offset
            while time.monotonic() < stop:
                path = paths[i % len(paths)]
                status, body, seconds = get(base + path)
                answers.append((path, status, seconds))
                if path == "/api/stats" and status == 200:
                    counts.append(int(json.loads(body)["articles"]))
                i += 1

        threads = [threading.Thread(target=read_web, args=(k,)) for k in range(3)]
        for t in threads:
            t.start()
        cli_answers = []
        for command in (
            ["search", "ferries", "--format", "json"],
            ["quotes", "--speaker", speaker, "--format", "json"],
            ["stats", "--format", "json"],
        ):
            t0 = time.perf_counter()
            done = subprocess.run(
                [NEWSGRAPH, *command, "--db", location],
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            cli_answers.append((command[0], done.returncode, time.perf_counter() - t0, done.stderr))
        for t in threads:
            t.join(timeout=60)
        assert writer.poll() is None, "the ingest ended before the readers did: make it larger"
    finally:
        if writer is not None and writer.poll() is None:
            writer.terminate()
            writer.wait(timeout=60)
        server.terminate()
        server.wait(timeout=30)
    assert answers and cli_answers
    failed = [a for a in answers if a[1] != 200]
    assert not failed, failed[:5]
    slowest = max(answers, key=lambda a: a[2])
    assert slowest[2] < SLOWEST_ANSWER, slowest
    assert all(code == 0 and seconds < 60 for _, code, seconds, _ in cli_answers), cli_answers
    # The readers saw the ingest's progress, one committed batch after another.
    assert counts == sorted(counts) and counts[-1] > counts[0] >= 20, counts[:3] + counts[-3:]
    with open_store(location) as store:
        stats = store.stats()
        assert stats.articles % 100 == 20, stats.articles  # whole transactions only (100 articles each)
        assert stats.quotes == 2 * stats.articles
        if store.backend == "sqlite":
            assert store.db.scalar("PRAGMA integrity_check") == "ok"
            store.db.execute("INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')")
