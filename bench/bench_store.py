"""Store speed: ingest into SQLite and PostgreSQL, and query latency on a large store, in one run.

    .venv/bin/python bench/bench_store.py [--articles 100000] [--variants 3] [--pg URL] [--db-dir DIR]

1. Analyses the bundled examples with varied person names for real (`--variants` per example), and
   measures analysis alone (articles/s).
2. Stores those analysed records into a fresh SQLite store and, with --pg (or $NEWSGRAPH_TEST_PG),
   a fresh PostgreSQL schema: articles/s of storing, and the ratio of analyse+store to analyse
   alone (1.0 = storing costs nothing).
3. Builds a store of --articles records by multiplying the analysed ones: every person's name
   words are replaced by generated words of the same length (so offsets stay right) and a
   filler paragraph is appended (so each is a story of its own). Fine for load, not for accuracy.
   The build takes the bulk path (`runner.bulk_ingest`: --commit-every articles per transaction,
   their full-text rows in one prepared statement, no disk flush per commit, a large page cache);
   it prints wall and CPU seconds, and the load average, since a shared machine stretches the wall.
4. Measures query latency, median and p95, for full-text search and for a speaker's quotes.
5. `newsgraph load` against ingest (`--only-load` for this figure alone): --load-articles of those
   records written as a Parquet output (partitions of 100, as the workers write them), loaded
   into a fresh store (`scale.load_parquet`: 500 records a transaction, COPY on PostgreSQL),
   against `Store.ingest` of the same records into another fresh store (50 a transaction, as
   the parallel ingest's writer does): articles/s of each, and CPU seconds of this process.

Prints one `key=value` line per figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from newsgraph.api import analyze_articles, example_paths
from newsgraph.article import Article, text_id
from newsgraph.settings import Settings
from newsgraph.store import Filters, Page, Store, open_store
from newsgraph.store.runner import bulk_ingest
from newsgraph.store.writer import Origin

SYLLABLES = ("ka", "vo", "le", "mi", "ro", "na", "zu", "te", "po", "si", "da", "ru", "ve", "lo", "bi", "ne")
VOCABULARY = (
    "market council river harbour winter railway bridge report budget school energy village border "
    "factory museum theatre election festival harvest weather highway airport station library hospital "
    "league concert bakery tractor ferry canal mayor tram forest"
).split()


def made_up(length: int, n: int) -> str:
    """A capitalised made-up word of exactly `length` letters, different for each n."""
    letters = ""
    while len(letters) < length:
        letters += SYLLABLES[n % len(SYLLABLES)]
        n = n // len(SYLLABLES) + 7 * len(letters) + 1
    return letters[:length].capitalize()


def person_words(record: dict[str, object]) -> list[str]:
    words: set[str] = set()
    for entity in record["entities"]:  # type: ignore[attr-defined]
        if entity["type"] == "PERSON":
            for name in [entity["name"], *entity["aliases"]]:
                words.update(w for w in name.split() if len(w) >= 4 and w.isalpha())
    return sorted(words, key=len, reverse=True)


def variant(record: dict[str, object], n: int, rng: random.Random) -> Article:
    """A copy of an analysed record with other person names and a filler paragraph at the end."""
    data = json.dumps(record, ensure_ascii=False)
    for k, word in enumerate(person_words(record)):
        data = data.replace(word, made_up(len(word), n * 31 + k))
    new = json.loads(data)
    filler = " ".join(rng.choices(VOCABULARY, k=250))
    new["text"] = new["text"] + "\n\n" + filler.capitalize() + "."
    new["id"] = text_id(new["text"])
    new["source"] = f"https://bench{n % 50}.example.org/{n}"
    article = Article.model_validate(new)
    return article


def analysed_variants(count: int) -> tuple[list[Article], float]:
    """The examples with `count` name variants each, analysed for real; and the analysis time."""
    texts = []
    for path in example_paths():
        text = path.read_text(encoding="utf-8")
        texts.append((text, path.name[:10]))
    articles = []
    for n in range(count):
        for text, published in texts:
            changed = text
            if n:
                for word in sorted({w for w in text.split() if w.istitle() and len(w) >= 6 and w.isalpha()})[
                    :6
                ]:
                    changed = changed.replace(word, made_up(len(word), n * 97 + len(word)))
            articles.append(Article.from_raw(changed, source=f"variant-{n}", published=published))
    list(analyze_articles([Article.from_raw(texts[0][0])], Settings()))  # load the models first
    t0 = time.perf_counter()
    done = list(analyze_articles(articles, Settings()))
    return done, time.perf_counter() - t0


def records(base: list[Article], total: int, seed: int = 7) -> Iterator[Article]:
    rng = random.Random(seed)
    dicts = [a.to_dict() for a in base]
    for n in range(total):
        yield variant(dicts[n % len(dicts)], n, rng)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def latency(store: Store, names: list[str], label: str, repeat: int) -> None:
    searches = ["grain", "corridor insurers", "talks Vilnius", "power plant", "trucks border", "museum"]
    timings: dict[str, list[float]] = {"search": [], "speaker_quotes": []}
    for i in range(repeat):
        t0 = time.perf_counter()
        store.search(searches[i % len(searches)], Filters(), Page(limit=20))
        timings["search"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        store.quotes(Filters(), Page(limit=20), speaker=names[i % len(names)])
        timings["speaker_quotes"].append(time.perf_counter() - t0)
    for kind, values in timings.items():
        print(
            f"{label}_{kind}_ms_median={statistics.median(values) * 1000:.1f} "
            f"{label}_{kind}_ms_p95={percentile(values, 0.95) * 1000:.1f} (n={len(values)})"
        )


def query_latency(store: Store, label: str, repeat: int) -> None:
    people = [e.name for e in store.entities(Filters(kind="PERSON"), Page(limit=200)).items]
    # Look speakers up by surname alone, as a person would: the registry must resolve it.
    names = [p.split()[-1] for p in people if " " in p] or people
    stats = store.stats()
    print(f"{label}_store_articles={stats.articles} {label}_entities={stats.entities}")
    latency(store, names, label, repeat)


def pg_schema(url: str) -> tuple[str, str]:
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}", schema


def drop_schema(url: str, schema: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


def load_against_ingest(
    label: str, locations: list[str], base: list[Article], count: int, folder: Path
) -> None:
    """Figure 5: the same records stored by `Store.ingest` and by a load of their Parquet output."""
    from newsgraph.scale.load import load_parquet
    from newsgraph.scale.work import write_parquet

    articles = list(records(base, count, seed=11))
    out = folder / f"parquet-{label}-{uuid.uuid4().hex[:6]}"
    for i in range(0, len(articles), 100):
        write_parquet([(a, Origin.of(a)) for a in articles[i : i + 100]], out, f"{i:08d}")
    ingest_location, load_location = locations
    with open_store(ingest_location) as store:
        t0, cpu0 = time.perf_counter(), time.process_time()
        report = store.ingest(articles, batch_size=50)
        ingest_seconds, ingest_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert report.stored == len(articles), report.summary()
    open_store(load_location).close()  # created and migrated outside the timing, as for ingest
    t0, cpu0 = time.perf_counter(), time.process_time()
    summary = load_parquet(out, load_location, progress=False)
    load_seconds, load_cpu = time.perf_counter() - t0, time.process_time() - cpu0
    assert summary.stored == len(articles) and not summary.failed, summary.text()
    print(
        f"{label}_ingest_articles_per_s={len(articles) / ingest_seconds:.1f} "
        f"{label}_ingest_cpu_seconds={ingest_cpu:.1f} "
        f"{label}_load_articles_per_s={len(articles) / load_seconds:.1f} "
        f"{label}_load_cpu_seconds={load_cpu:.1f} "
        f"{label}_load_vs_ingest={ingest_seconds / load_seconds:.2f} (articles={len(articles)}; "
        f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--articles", type=int, default=100_000, help="size of the store for query latency")
    ap.add_argument("--variants", type=int, default=3, help="name variants of each example analysed for real")
    ap.add_argument("--pg", default=os.environ.get("NEWSGRAPH_TEST_PG"), help="a PostgreSQL URL (optional)")
    ap.add_argument("--pg-articles", type=int, help="size of the PostgreSQL store (default: --articles)")
    ap.add_argument("--commit-every", type=int, default=1000, help="articles per transaction when building")
    ap.add_argument("--repeat", type=int, default=100, help="queries of each kind timed")
    ap.add_argument("--db-dir", type=Path, help="where the SQLite files go (default: a temporary folder)")
    ap.add_argument("--existing", metavar="PATH|URL", help="only time the queries, on a store built before")
    ap.add_argument("--only", choices=("sqlite", "postgresql"), help="measure one database only")
    ap.add_argument(
        "--load-articles", type=int, default=1000, help="records of figure 5 (load against ingest)"
    )
    ap.add_argument("--only-load", action="store_true", help="figure 5 alone")
    args = ap.parse_args()
    if args.existing:
        with open_store(args.existing, create=False) as store:
            query_latency(store, "existing", args.repeat)
        return 0

    analysed, analyse_seconds = analysed_variants(args.variants)
    ok = [a for a in analysed if not a.error]
    print(f"analysed={len(ok)} analyse_articles_per_s={len(ok) / analyse_seconds:.1f}")

    folder = args.db_dir or Path(tempfile.mkdtemp(prefix="newsgraph-bench-"))
    backends: list[tuple[str, str, str | None]] = [
        ("sqlite", str(folder / f"bench-{uuid.uuid4().hex[:6]}.db"), None)
    ]
    if args.pg and args.only != "sqlite":
        url, made = pg_schema(args.pg)
        backends.append(("postgresql", url, made))
    else:
        print("postgresql=skipped (no --pg URL and no NEWSGRAPH_TEST_PG)", file=sys.stderr)

    if args.only:
        backends = [b for b in backends if b[0] == args.only]
    for label, location, schema in backends:
        try:
            fresh: list[tuple[str, str | None]] = []  # two new stores for figure 5
            for _ in range(2):
                if label == "postgresql":
                    fresh.append(pg_schema(args.pg))
                else:
                    fresh.append((str(folder / f"bench-{uuid.uuid4().hex[:6]}.db"), None))
            try:
                load_against_ingest(label, [f[0] for f in fresh], ok, args.load_articles, folder)
            finally:
                for _, made in fresh:
                    if made:
                        drop_schema(args.pg, made)
            if args.only_load:
                continue
            with open_store(location) as store:
                t0 = time.perf_counter()
                report = store.ingest(ok)
                store_seconds = time.perf_counter() - t0
                assert report.stored == len(ok), report.summary()
                ratio = analyse_seconds / (analyse_seconds + store_seconds)
                print(
                    f"{label}_store_articles_per_s={len(ok) / store_seconds:.1f} "
                    f"{label}_analyse_and_store_vs_analyse={ratio:.3f}"
                )
                size = args.pg_articles if label == "postgresql" and args.pg_articles else args.articles
                t0, cpu0 = time.perf_counter(), time.process_time()
                built = bulk_ingest(store, records(ok, size), batch_size=args.commit_every)
                build_seconds, cpu_seconds = time.perf_counter() - t0, time.process_time() - cpu0
                # The CPU time of this process (making the records, then storing them): on a shared
                # machine the wall time also counts the waits for a core.
                print(
                    f"{label}_bulk_articles={built.stored} {label}_bulk_seconds={build_seconds:.0f} "
                    f"{label}_bulk_cpu_seconds={cpu_seconds:.0f} "
                    f"{label}_bulk_articles_per_s={built.stored / build_seconds:.0f} "
                    f"(--commit-every {args.commit_every}; failed {len(built.failed)}; "
                    f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
                )
                query_latency(store, label, args.repeat)
        finally:
            if schema and args.pg:
                drop_schema(args.pg, schema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
