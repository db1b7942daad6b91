"""Throughput of the whole pipeline against a bare spaCy pass over the same texts, in one run.

    .venv/bin/python bench/bench_pipeline.py [--repeat N] [--files PATH ...]

Texts: the bundled examples (or --files), repeated N times. Prints words/s for each and the ratio
pipeline / bare spaCy (1.0 = as fast as spaCy alone). Single process, one core.
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

from newsgraph import nlp as nlp_module
from newsgraph.api import analyze_articles, example_paths
from newsgraph.article import Article
from newsgraph.settings import Settings


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=25)
    ap.add_argument("--files", nargs="*", type=Path)
    args = ap.parse_args()
    texts = [p.read_text(encoding="utf-8") for p in (args.files or example_paths())] * args.repeat
    words = sum(len(t.split()) for t in texts)

    nlp = nlp_module.load(None)
    list(nlp.pipe(texts[:4]))  # warm up both paths: model and gazetteer loaded before timing
    list(analyze_articles([Article.from_raw(t) for t in texts[:4]], Settings()))

    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=32):
        pass
    bare = time.perf_counter() - t0

    t0 = time.perf_counter()
    failed = sum(1 for a in analyze_articles((Article.from_raw(t) for t in texts), Settings()) if a.error)
    full = time.perf_counter() - t0

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"texts={len(texts)} words={words} failed={failed}")
    print(f"bare_spacy_words_per_s={words / bare:.0f}")
    print(f"pipeline_words_per_s={words / full:.0f}")
    print(f"ratio_pipeline_vs_bare_spacy={bare / full:.2f} peak_rss_mb={peak:.0f}")


if __name__ == "__main__":
    main()
