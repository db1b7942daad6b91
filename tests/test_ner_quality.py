"""NER quality gate: the shared CoNLL++ scorer on a fixed slice of the development set."""

from __future__ import annotations

import pytest

from conftest import SHARED, scores

pytestmark = pytest.mark.shared

# Measured 2026-11-24 on the first 60 CoNLL++ dev documents: conll_f 0.677, PER 0.788, ORG 0.390,
# LOC 0.714 (whole dev set: 0.689; plain spaCy 0.648 — scripts/eval_ner.py). Raise, never lower.
MINIMUM = {"conll_f": 0.66, "conll_PER_f": 0.77, "conll_ORG_f": 0.37, "conll_LOC_f": 0.70}


def test_conll_dev_scores_do_not_fall() -> None:
    conll = SHARED / "datasets" / "ner" / "conllpp-dev"
    measured = scores("score_ner.py", "--dataset", "conll", "--conll", str(conll), "--split", "dev", limit=60)
    for key, minimum in MINIMUM.items():
        assert measured[key] >= minimum, (key, measured[key])
