"""NER on the development sets: newsgraph and plain spaCy side by side, with the shared scorer.

    .venv/bin/python scripts/eval_ner.py [--limit N]

Runs ../shared/eval/score_ner.py on CoNLL++ dev twice in one run: once with newsgraph, once with
scripts/baseline_spacy.py (spaCy's own entities), and prints both summaries and the differences.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
KEYS = ("conll_f", "conll_PER_f", "conll_ORG_f", "conll_LOC_f", "conll_MISC_f")


def score(system: str, limit: int) -> dict[str, str]:
    cmd = [sys.executable, str(SHARED / "eval" / "score_ner.py"), "--system", system, "--dataset", "conll",
           "--conll", str(SHARED / "datasets" / "ner" / "conllpp-dev"), "--split", "dev"]  # fmt: skip
    if limit:
        cmd += ["--limit", str(limit)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0 or not proc.stdout.strip():
        sys.exit(f"scorer failed for {system}:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    last = proc.stdout.strip().splitlines()[-1]
    return dict(kv.split("=", 1) for kv in last.split())


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
