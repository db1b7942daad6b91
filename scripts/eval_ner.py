"""NER on the development sets: newsgraph and plain spaCy side by side, with the shared scorer.

    .venv/bin/python scripts/eval_ner.py [--limit N] [--sets conll,gum]

Runs ../shared/eval/score_ner.py on CoNLL++ dev twice in one run: once with newsgraph, once with
scripts/baseline_spacy.py (spaCy's own entities), and prints both summaries and the differences.
With `gum` in --sets (the default) it does the same on GUM news, read by MEANTIME's rules
(scripts/eval_ner_gum.py says how).
"""

from __future__ import annotations

import argparse
import sys

import eval_ner_gum
from shared_scorer import ROOT, SHARED, run_scorer

KEYS = ("conll_f", "conll_PER_f", "conll_ORG_f", "conll_LOC_f", "conll_MISC_f")


def score(system: str, limit: int) -> dict[str, str]:
    args = [
        "--dataset",
        "conll",
        "--conll",
        str(SHARED / "datasets" / "ner" / "conllpp-dev"),
        "--split",
        "dev",
    ]
    return run_scorer("score_ner.py", *args, *(["--limit", str(limit)] if limit else []), system=system)


def compare(ours: dict[str, str], base: dict[str, str], keys: tuple[str, ...]) -> None:
    for key in keys:
        print(f"{key}: newsgraph={float(ours[key]):.4f} spacy={float(base[key]):.4f} "
              f"diff={float(ours[key]) - float(base[key]):+.4f}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--sets", default="conll,gum", help="comma-separated: conll, gum")
    args = ap.parse_args()
    sets = set(args.sets.split(","))
    newsgraph = str(ROOT / ".venv" / "bin" / "newsgraph")
    spacy = f"{sys.executable} {ROOT / 'scripts' / 'baseline_spacy.py'}"
    summary: list[str] = []
    if "conll" in sets:
        ours, base = score(newsgraph, args.limit), score(spacy, args.limit)
        compare(ours, base, KEYS)
        summary += [f"{k}={ours[k]}" for k in KEYS] + [f"spacy_{k}={base[k]}" for k in KEYS]
    if "gum" in sets:
        ours, base = eval_ner_gum.score(newsgraph, args.limit), eval_ner_gum.score(spacy, args.limit)
        compare(ours, base, eval_ner_gum.KEYS)
        summary += [f"{k}={ours[k]}" for k in eval_ner_gum.KEYS]
        summary += [f"spacy_{k}={base[k]}" for k in eval_ner_gum.KEYS]
    print(" ".join(summary))


if __name__ == "__main__":
    main()
