"""NER on the development sets: newsgraph and plain spaCy side by side, with the shared scorer.

    .venv/bin/python scripts/eval_ner.py [--limit N]

Runs ../shared/eval/score_ner.py on CoNLL++ dev twice in one run: once with newsgraph, once with
scripts/baseline_spacy.py (spaCy's own entities), and prints both summaries and the differences.
"""

from __future__ import annotations

import argparse
import sys

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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()
    ours = score(str(ROOT / ".venv" / "bin" / "newsgraph"), args.limit)
    base = score(f"{sys.executable} {ROOT / 'scripts' / 'baseline_spacy.py'}", args.limit)
    for key in KEYS:
        print(f"{key}: newsgraph={float(ours[key]):.4f} spacy={float(base[key]):.4f} "
              f"diff={float(ours[key]) - float(base[key]):+.4f}")  # fmt: skip
    print(" ".join(f"{k}={ours[k]}" for k in KEYS) + " " + " ".join(f"spacy_{k}={base[k]}" for k in KEYS))


if __name__ == "__main__":
    main()
