"""Time of each pipeline stage, and the quotes stage's share of the spaCy pass, in one run.

    .venv/bin/python bench/bench_quotes.py [--repeat N] [--files PATH ...] [--polnear N] [--concat K]

Texts: the bundled examples (or --files, or the first N PolNeAR dev articles from ../shared),
repeated N times; with --concat K, every K of them joined into one long article (a long text full
of speech: the stage's cost must grow with its length, not faster). The stages run batch by batch
as the pipeline runs them, each one timed on its own; the parse stage is the spaCy pass. Prints
seconds per stage and each stage's time as a share of the parse. The issue's budget: the quotes
stage at most 10% of the spaCy pass. Single process.
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from newsgraph.api import build_pipeline, example_paths
from newsgraph.article import Article
from newsgraph.settings import Settings, using

POLNEAR_DEV = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "quotes" / "polnear" / "dev"
# The speed budget: attribution adds at most this share to the spaCy pass.
QUOTES_BUDGET = 0.10


def stage_times(texts: Sequence[str], batch_size: int = 32) -> dict[str, float]:
    """Seconds spent in each stage of the default pipeline over `texts`."""
    settings = Settings(as_is=True)
    pipeline = build_pipeline(settings)
    settings = settings.but(components=tuple(sorted(pipeline.components)))
    spent: defaultdict[str, float] = defaultdict(float)
    with using(settings):
        warm = [Article.from_raw(t, as_is=True) for t in texts[:2]]
        for s in pipeline.stages:  # model, gazetteer and lexicons loaded before timing
            warm = list(s.run_batch([a for a in warm if a.error is None and s.accepts(a)]))
        for start in range(0, len(texts), batch_size):
            batch = [Article.from_raw(t, as_is=True) for t in texts[start : start + batch_size]]
            for s in pipeline.stages:
                live = [a for a in batch if a.error is None and s.accepts(a)]
                t0 = time.perf_counter()
                s.run_batch(live)
                spent[s.id] += time.perf_counter() - t0
    return dict(spent)


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=10)
    ap.add_argument("--files", nargs="*", type=Path)
    ap.add_argument("--polnear", type=int, default=0, metavar="N", help="first N PolNeAR dev articles")
    ap.add_argument("--concat", type=int, default=1, metavar="K", help="join every K texts into one article")
    args = ap.parse_args(argv)
    if args.polnear:
        paths = sorted((POLNEAR_DEV / "text").glob("*.txt"))[: args.polnear]
        if not paths:
            ap.error(f"--polnear needs the PolNeAR dev texts at {POLNEAR_DEV / 'text'}")
    else:
        paths = args.files or example_paths()
    texts = [p.read_text(encoding="utf-8") for p in paths] * args.repeat
    if args.concat > 1:
        texts = ["\n\n".join(texts[i : i + args.concat]) for i in range(0, len(texts), args.concat)]
    words = sum(len(t.split()) for t in texts)
    spent = stage_times(texts)
    parse = spent.get("parse.v1", 0.0) or max(spent.values(), default=0.0)
    print(f"texts={len(texts)} words={words} longest={max(map(len, texts), default=0)} characters")
    for name, seconds in spent.items():
        print(f"stage={name} seconds={seconds:.3f} share_of_spacy={seconds / parse:.1%}")
    quotes = sum(v for k, v in spent.items() if k.startswith("quotes."))
    verdict = "within" if quotes <= QUOTES_BUDGET * parse else "OVER"
    print(f"quotes_share_of_spacy={quotes / parse:.3f} ({verdict} the {QUOTES_BUDGET:.0%} budget)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
