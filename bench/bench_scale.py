"""The pipeline at scale: throughput per core against bare spaCy, two workers against one, and
peak memory per worker as the input grows ten times; every figure a ratio measured in this run.

    .venv/bin/python bench/bench_scale.py [--variants N] [--scaling-variants N] [--memory-variants N]

The corpus is the bundled examples, each copy with other invented names (newsgraph.scale.corpus):
a third as text files, a third as JSON Lines, a third as WARC. Figures:

1. text -> record: words/s per core (CPU time of this process) of the whole pipeline, each
   article serialised to its JSON record, against a bare spaCy pass (the same spaCy package,
   `nlp.pipe` with every component, nothing else) over the same clean texts.
2. WARC -> store: read the WARC, analyse, store in a new SQLite store (one writer, `Store.ingest`
   in batches): words/s per core, against bare spaCy over the texts of those records.
   Also: the store writer alone, articles/s (what bounds one writer).
3. scaling: `ingest_parallel` to Parquet on a warm local cluster of 2 workers against 1, the same
   partitions, wall time; with the workers' CPU use (busy CPU / wall / workers): below 1 the
   workers waited for a core that other processes on the machine held; and the words per
   worker CPU-second, 2 workers against 1 (the speed-up left once the other processes are out).
4. memory: peak RSS per worker (fresh clusters of 2) after N and after 10 N articles.
Other processes may load the machine: the load average is printed with the figures.
"""

from __future__ import annotations

import argparse
import functools
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from newsgraph import nlp as nlp_module
from newsgraph.api import analyze_articles
from newsgraph.article import Article
from newsgraph.ingest import iter_articles
from newsgraph.scale import ingest_parallel
from newsgraph.scale.corpus import Corpus, examples, variant, write_corpus
from newsgraph.scale.work import warm_up
from newsgraph.settings import Settings
from newsgraph.store import open_store

SETTINGS = Settings()
PARTITION_BYTES = 6_000  # about five articles a partition: enough partitions for two workers


def words(texts: list[str]) -> int:
    return sum(len(t.split()) for t in texts)


@functools.lru_cache(maxsize=1)
def stock_spacy() -> Any:
    """The pipeline package as `spacy.load` gives it: without newsgraph's faster attribute ruler and
    lemmatizer (nlp.speed_up), which are part of what the pipeline is measured for."""
    import spacy

    return spacy.load(nlp_module.model_name(SETTINGS.model))


def bare_spacy(texts: list[str]) -> float:
    """CPU seconds of `nlp.pipe` over `texts`, every component, nothing else."""
    nlp = stock_spacy()
    started = time.process_time()
    for _ in nlp.pipe(texts, batch_size=SETTINGS.batch_size):
        pass
    return time.process_time() - started


def text_to_record(texts: list[str], rounds: int = 3) -> dict[str, float]:
    """Whole pipeline (text to JSON record) against bare spaCy, alternating, the best round of each."""
    full, bare = float("inf"), float("inf")
    clean: list[str] = []
    for _ in range(rounds):
        started = time.process_time()
        clean = []
        for article in analyze_articles((Article.from_raw(t) for t in texts), SETTINGS):
            article.to_json()
            clean.append(article.text)
        full = min(full, time.process_time() - started)
        bare = min(bare, bare_spacy(clean))
    n = words(clean)
    return {"words": n, "pipeline_wps": n / full, "bare_wps": n / bare, "ratio": bare / full}


def warc_to_store(corpus: Corpus, folder: Path) -> dict[str, float]:
    store = open_store(str(folder / "warc.db"))
    started = time.process_time()
    analysed = list(analyze_articles(iter_articles([str(corpus.warc)], SETTINGS), SETTINGS))
    analysis = time.process_time() - started
    writing = time.process_time()
    report = store.ingest(analysed, batch_size=50)
    writing = time.process_time() - writing
    full = time.process_time() - started
    store.close()
    texts = [a.text for a in analysed if not a.error]
    bare = bare_spacy(texts)
    n = words(texts)
    return {
        "articles": report.stored,
        "words": n,
        "pipeline_wps": n / full,
        "bare_wps": n / bare,
        "ratio": bare / full,
        "analysis_share": analysis / full,
        "writer_articles_per_s": report.stored / writing if writing else 0.0,
    }


def scaling(corpus: Corpus, warm: Corpus, folder: Path) -> dict[str, float]:
    from newsgraph.scale.runner import distributed

    result: dict[str, float] = {}
    for n in (1, 2):
        with distributed().LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.CRITICAL,
            memory_limit=0,
        ) as cluster:
            address = cluster.scheduler_address
            kw = {"scheduler": address, "progress": False, "target_bytes": PARTITION_BYTES}
            ingest_parallel(warm.paths, SETTINGS, parquet=str(folder / f"warm{n}"), **kw)
            summary = ingest_parallel(corpus.paths, SETTINGS, parquet=str(folder / f"run{n}"), **kw)
        result[f"seconds_{n}"] = summary.seconds
        result[f"wps_{n}"] = summary.words / summary.seconds
        result[f"cpu_use_{n}"] = summary.worker_cpu_seconds / summary.seconds / n
        result[f"partitions_{n}"] = summary.partitions
    result["speedup"] = result["seconds_1"] / result["seconds_2"]
    # Words per CPU-second of the workers, 2 against 1: what is left of the speed-up once the
    # machine's other processes are taken out (1.0: the second worker costs nothing extra).
    result["cpu_efficiency"] = (result["wps_2"] / (2 * result["cpu_use_2"])) / (
        result["wps_1"] / result["cpu_use_1"]
    )
    return result


def memory(small: Corpus, large: Corpus, folder: Path) -> dict[str, float]:
    result: dict[str, float] = {}
    for name, corpus in (("n", small), ("10n", large)):
        summary = ingest_parallel(
            corpus.paths,
            SETTINGS,
            parquet=str(folder / f"mem-{name}"),
            workers=2,
            progress=False,
            target_bytes=PARTITION_BYTES,
        )
        result[f"articles_{name}"] = summary.stored
        result[f"peak_rss_mb_{name}"] = max(summary.peak_rss.values()) / 2**20
        result[f"mean_peak_rss_mb_{name}"] = statistics.mean(summary.peak_rss.values()) / 2**20
    result["ratio"] = result["peak_rss_mb_10n"] / result["peak_rss_mb_n"]
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--variants", type=int, default=15, help="copies of each example for figures 1-2")
    ap.add_argument("--scaling-variants", type=int, default=30, help="copies for figure 3")
    ap.add_argument("--memory-variants", type=int, default=8, help="N/4 for figure 4 (and 10 times it)")
    ap.add_argument("--only", choices=["throughput", "scaling", "memory"], action="append")
    args = ap.parse_args()
    only = set(args.only or ["throughput", "scaling", "memory"])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print(f"cores={os.cpu_count()} load_average_before={os.getloadavg()[0]:.1f}", flush=True)
        if "throughput" in only:
            corpus = write_corpus(folder / "c", args.variants)
            warm_up(SETTINGS)  # every model loaded (spaCy, language identifier, gazetteer) before timing
            bare_spacy(["warm up"])
            texts = [variant(e.text, n) for n in range(args.variants) for e in examples()]
            t = text_to_record(texts)
            print(
                f"text->record: {t['words']:.0f} words, pipeline {t['pipeline_wps']:.0f} words/s/core, "
                f"bare spaCy {t['bare_wps']:.0f} words/s/core, ratio {t['ratio']:.2f} (goal >= 0.8)",
                flush=True,
            )
            w = warc_to_store(corpus, folder)
            print(
                f"WARC->store: {w['articles']:.0f} articles, {w['words']:.0f} words, pipeline "
                f"{w['pipeline_wps']:.0f} words/s/core, bare spaCy {w['bare_wps']:.0f} words/s/core, "
                f"ratio {w['ratio']:.2f} (goal >= 0.8); analysis {w['analysis_share']:.0%} of the CPU, "
                f"store writer alone {w['writer_articles_per_s']:.0f} articles/s",
                flush=True,
            )
        if "scaling" in only:
            corpus = write_corpus(folder / "s", args.scaling_variants)
            warm = write_corpus(folder / "w", 1, first=1000)
            s = scaling(corpus, warm, folder)
            print(
                f"scaling: {corpus.articles} articles in {s['partitions_2']:.0f} partitions; 1 worker "
                f"{s['seconds_1']:.1f} s ({s['wps_1']:.0f} words/s, CPU use {s['cpu_use_1']:.2f}), 2 workers "
                f"{s['seconds_2']:.1f} s ({s['wps_2']:.0f} words/s, CPU use {s['cpu_use_2']:.2f}): "
                f"speedup {s['speedup']:.2f} (goal >= 1.8); words per worker CPU-second, 2 against 1: "
                f"{s['cpu_efficiency']:.2f}",
                flush=True,
            )
        if "memory" in only:
            small = write_corpus(folder / "m1", args.memory_variants)
            large = write_corpus(folder / "m10", 10 * args.memory_variants, first=10_000)
            m = memory(small, large, folder)
            print(
                f"memory: peak RSS per worker {m['peak_rss_mb_n']:.0f} MB after {m['articles_n']:.0f} "
                f"articles, {m['peak_rss_mb_10n']:.0f} MB after {m['articles_10n']:.0f}: "
                f"ratio {m['ratio']:.2f} (goal: flat)",
                flush=True,
            )
        print(f"load_average_after={os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
