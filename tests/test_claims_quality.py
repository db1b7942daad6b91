"""Quality gate of the claims, events and predictions stages on our labelled development set.

The minimums are what scripts/eval_claims.py measured on tests/data/claims (31 articles, written
and labelled by us before the stages ran on them), rounded down. Raise them, never lower them.
The date labels mark only dates written next to a claim in calendar form ("on July 2"); the stage
also attaches relative ones ("on Friday", "last week"), which is why date precision is low.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_claims import score
from judge_claims import FIELDS, report

JUDGED = sorted((Path(__file__).resolve().parents[1] / "eval").glob("claims_polnear_dev_judged*.jsonl"))

MINIMUMS = {
    "claims.precision": 0.95,
    "claims.recall": 0.95,
    "events.precision": 0.75,
    "events.recall": 0.85,
    "predictions.precision": 0.90,
    "predictions.recall": 0.90,
    "claims.qualifier.precision": 0.95,
    "claims.qualifier.recall": 0.95,
    "claims.unit.precision": 0.95,
    "claims.unit.recall": 0.90,
    "claims.source.precision": 0.95,
    "claims.source.recall": 0.85,
    "claims.place.precision": 0.90,
    "claims.place.recall": 0.65,
    "claims.date.precision": 0.15,
    "claims.date.recall": 0.90,
    "events.participants.precision": 0.90,
    "events.participants.recall": 0.60,
    "events.place.precision": 0.75,
    "events.place.recall": 0.80,
    "predictions.stance.precision": 0.95,
}


@pytest.fixture(scope="module")
def summary() -> dict[str, float]:
    return score()


def test_the_development_set_is_large_enough(summary: dict[str, float]) -> None:
    assert summary["claims.expected"] >= 80
    assert summary["events.expected"] >= 20
    assert summary["predictions.expected"] >= 30


@pytest.mark.parametrize(("key", "minimum"), sorted(MINIMUMS.items()))
def test_quality_is_at_least_the_pinned_minimum(summary: dict[str, float], key: str, minimum: float) -> None:
    assert summary[key] >= minimum, f"{key} fell to {summary[key]} (minimum {minimum})"


@pytest.mark.parametrize("path", JUDGED, ids=lambda p: p.name)
def test_the_hand_judgements_are_complete_and_keep_no_article_text(path: Path) -> None:
    lines = [json.loads(t) for t in path.read_text(encoding="utf-8").splitlines() if t.strip()]
    assert len(lines) == 150
    for line in lines:
        assert set(line) >= {
            "doc",
            "start",
            "end",
            "text",
            "value",
            "unit",
            "qualifier",
            "source",
            "judgement",
        }
        assert len(line["text"]) < 80 and line["end"] - line["start"] == len(line["text"])
        judgement = line["judgement"]
        assert isinstance(judgement["claim"], bool)
        assert all(isinstance(judgement[f], bool) == judgement["claim"] for f in FIELDS)
    summary = report(lines)
    assert 0 < summary["claim.precision"] <= 1
