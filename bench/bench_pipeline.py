"""Throughput of the pipeline and of each stage against a bare spaCy pass over the same texts, in one run.

    .venv/bin/python bench/bench_pipeline.py [--repeat N] [--rounds N] [--files PATH ...]
    .venv/bin/python bench/bench_pipeline.py --long 25,50,100,200

Texts: the bundled examples (or --files), repeated N times. The passes go in turn for --rounds
rounds, the fastest of each kind kept. Prints, from one run:
- the whole pipeline (text to record, 12 stages) against a bare pass of spaCy's own pipeline as
  `spacy.load` gives it, and against a bare pass of the pipeline as newsgraph loads it (the same
  components, two of them made fast: `newsgraph.nlp.speed_up`);
- each stage's seconds, timed batch by batch as the pipeline runs them, and the issues' budgets as
  shares of the parse stage (the spaCy pass): entities, roles, descriptions, places and dates
  together at most 20%, quotes at most 10%.

With --long, one long speech-heavy text per size in KB, built from the paragraphs of our own
fictional articles (the examples and tests/data/claims), and each stage's seconds per size with
its growth exponent between sizes and over the whole range: 1 is linear, 2 quadratic; above 1.3
overall is marked SUPERLINEAR. Times are CPU seconds of this process (the machine may be shared:
other work slows the wall clock, not these). Single process, one core.
"""

from __future__ import annotations

import argparse
import math
import resource
import time
from collections import defaultdict
from collections.abc import Sequence
from itertools import pairwise
from pathlib import Path

import spacy

from newsgraph import nlp as nlp_module
from newsgraph.api import analyze_articles, build_pipeline, example_paths
from newsgraph.article import Article
from newsgraph.settings import Settings, using

ROOT = Path(__file__).resolve().parents[1]
# The issues' budgets, as shares of the spaCy pass.
ANALYSIS_STAGES = ("entities", "roles", "descriptions", "places", "dates")
ANALYSIS_BUDGET = 0.20
QUOTES_BUDGET = 0.10
SUPERLINEAR = 1.3


def stage_times(texts: Sequence[str], batch_size: int = 32) -> dict[str, float]:
    """Seconds spent in each stage of the default pipeline over `texts`, cleaning included."""
    settings = Settings()
    pipeline = build_pipeline(settings)
    settings = settings.but(components=tuple(sorted(pipeline.components)))
    spent: defaultdict[str, float] = defaultdict(float)
    with using(settings):
        for start in range(0, len(texts), batch_size):
            batch = [Article.from_raw(t) for t in texts[start : start + batch_size]]
            for s in pipeline.stages:
                live = [a for a in batch if a.error is None and s.accepts(a)]
                t0 = time.process_time()
                s.run_batch(live)
                spent[s.name] += time.process_time() - t0
    return dict(spent)


def long_text(size: int) -> str:
    """About `size` bytes of speech-heavy news: our fictional articles' paragraphs, in turn."""
    files = sorted((ROOT / "src" / "newsgraph" / "examples").glob("*.txt"))
    files += sorted((ROOT / "tests" / "data" / "claims").glob("*.txt"))
    paragraphs = [
        p.strip() for f in files for p in f.read_text(encoding="utf-8").split("\n\n")[1:] if len(p) > 80
    ]
    out, total = ["A long report from the border"], 0
    while total < size:
        out.append(paragraphs[len(out) % len(paragraphs)])
        total += len(out[-1].encode()) + 2
    return "\n\n".join(out)


def bare_pass(nlp: object, texts: Sequence[str]) -> float:
    t0 = time.process_time()
    for _ in nlp.pipe(texts, batch_size=32):  # type: ignore[attr-defined]
        pass
    return time.process_time() - t0


def throughput(texts: list[str], rounds: int) -> None:
    words = sum(len(t.split()) for t in texts)
    name = nlp_module.model_name(None)
    stock = spacy.load(name)
    ours = nlp_module.load(None)
    for nlp in (stock, ours):  # warm up every path: models and gazetteer loaded before timing
        list(nlp.pipe(texts[:4]))
    list(analyze_articles([Article.from_raw(t) for t in texts[:4]], Settings()))

    # Rounds in turn, the fastest of each kept: other work on the machine slows a pass, never speeds it.
    bare_stock = bare_ours = full = math.inf
    for _ in range(rounds):
        bare_stock = min(bare_stock, bare_pass(stock, texts))
        bare_ours = min(bare_ours, bare_pass(ours, texts))
        t0 = time.process_time()
        failed = sum(1 for a in analyze_articles((Article.from_raw(t) for t in texts), Settings()) if a.error)
        full = min(full, time.process_time() - t0)
    spent = stage_times(texts)

    parse = spent["parse"]
    analysis = sum(spent.get(n, 0.0) for n in ANALYSIS_STAGES)
    quotes = spent.get("quotes", 0.0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"texts={len(texts)} words={words} failed={failed} model={name} rounds={rounds}")
    print(f"bare_spacy_words_per_s={words / bare_stock:.0f} (spacy.load)")
    print(f"bare_newsgraph_nlp_words_per_s={words / bare_ours:.0f} (newsgraph.nlp.load)")
    print(f"pipeline_words_per_s={words / full:.0f}")
    print(f"ratio_pipeline_vs_bare_spacy={bare_stock / full:.2f} peak_rss_mb={peak:.0f}")
    print(f"ratio_pipeline_vs_bare_newsgraph_nlp={bare_ours / full:.2f}")
    for stage, seconds in spent.items():
        print(f"stage={stage} seconds={seconds:.3f} share_of_parse={seconds / parse:.1%}")
    verdict = "within" if analysis <= ANALYSIS_BUDGET * parse else "OVER"
    print(f"analysis_share_of_parse={analysis / parse:.3f} ({verdict} the {ANALYSIS_BUDGET:.0%} budget)")
    verdict = "within" if quotes <= QUOTES_BUDGET * parse else "OVER"
    print(f"quotes_share_of_parse={quotes / parse:.3f} ({verdict} the {QUOTES_BUDGET:.0%} budget)")


def growth(sizes: list[int]) -> None:
    """Each stage's seconds over one long text per size, and how fast they grow with the size."""
    stage_times([long_text(5_000)])  # warm up: models, gazetteer and lexicons loaded before timing
    rows = {kb: stage_times([long_text(kb * 1000)]) for kb in sizes}
    print("stage".ljust(14) + "".join(f"{kb:>9}KB" for kb in sizes) + "  exponents")
    for stage in rows[sizes[0]]:
        times = [rows[kb][stage] for kb in sizes]
        exponents = [
            math.log(max(b, 1e-4) / max(a, 1e-4)) / math.log(k2 / k1)
            for (a, b), (k1, k2) in zip(pairwise(times), pairwise(sizes), strict=True)
        ]
        overall = math.log(max(times[-1], 1e-4) / max(times[0], 1e-4)) / math.log(sizes[-1] / sizes[0])
        flag = " SUPERLINEAR" if overall > SUPERLINEAR and times[-1] > 0.5 else ""
        print(
            stage.ljust(14)
            + "".join(f"{t:>11.2f}" for t in times)
            + "  "
            + " ".join(f"{e:.2f}" for e in exponents)
            + f"  overall {overall:.2f}{flag}"
        )
    print("total".ljust(14) + "".join(f"{sum(rows[kb].values()):>11.2f}" for kb in sizes))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=25)
    ap.add_argument("--files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=3, help="passes of each kind, the fastest kept (3)")
    ap.add_argument("--long", metavar="KB,KB,...", help="time each stage over one long text per size")
    args = ap.parse_args()
    if args.long:
        growth(sorted(int(kb) for kb in args.long.split(",")))
        return
    texts = [p.read_text(encoding="utf-8") for p in (args.files or example_paths())] * args.repeat
    throughput(texts, max(1, args.rounds))


if __name__ == "__main__":
    main()
