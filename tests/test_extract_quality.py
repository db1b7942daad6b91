"""Extraction quality gate: newsgraph's shingle F1 on the first 20 CleanEval development pages."""

from __future__ import annotations

import pytest
from eval_extract import CLEANEVAL, cleaneval_scores, load_cleaneval, run_newsgraph

from conftest import SHARED

pytestmark = pytest.mark.shared

# Measured 2026-11-24 on the first 20 CleanEval dev pages (about 30 s): F1 0.859, P 0.878, R 0.841
# (plain trafilatura 0.879 / 0.878 / 0.880), with
#   .venv/bin/python scripts/eval_extract.py --sets cleaneval --limit 20
# The figures are deterministic; the margin only absorbs small intended trade-offs. Raise, never lower.
MINIMUM = {"f1": 0.845, "precision": 0.865, "recall": 0.825}


def test_cleaneval_dev_scores_do_not_fall() -> None:
    if not (SHARED / "eval" / "score_extract.py").is_file() or not CLEANEVAL.is_dir():
        pytest.skip(f"needs the shared CleanEval dev set and scorers at {SHARED}; it is absent")
    pages = load_cleaneval(limit=20)
    measured = cleaneval_scores(pages, run_newsgraph([p.html for p in pages]))
    for key, minimum in MINIMUM.items():
        assert measured[key] >= minimum, (key, measured[key])
