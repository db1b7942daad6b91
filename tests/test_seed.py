"""Acceptance on the seed article: the whole record, end to end through the command line."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from conftest import SEED
from newsgraph.cli import main
from newsgraph.pipeline import DEFAULT_STAGES, get_stage

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def record() -> dict[str, Any]:
    if not SEED.is_file():
        pytest.skip(f"needs the seed article at {SEED}; the shared folder is absent")
    out = io.StringIO()
    assert main(["analyze", str(SEED), "--format", "json", "--published", "2022-06-21"], out=out) == 0
    return dict(json.loads(out.getvalue()))


def test_leftovers_are_gone(record: dict[str, Any]) -> None:
    text = record["text"]
    leftovers = [
        "Leave a Reply",
        "Your email address will not be published",
        "Previous post",
        "Next post",
        "Putin is going to Lukashenka. Will they show where the attack was prepared from?",
        "< h4>",
    ]
    for leftover in leftovers:
        assert leftover not in text
    assert record["removed"]


def test_the_article_itself_is_kept(record: dict[str, Any]) -> None:
    raw = SEED.read_text(encoding="utf-8")
    for sentence in (
        "The self-proclaimed dictator promises but does nothing.",
        "He understands this very well.",
    ):
        assert sentence in raw and sentence in record["text"]


def test_lukashenko_and_lukashenka_are_one_entity(record: dict[str, Any]) -> None:
    holders = [
        e for e in record["entities"] if {"Lukashenko", "Lukashenka"} & {m["text"] for m in e["mentions"]}
    ]
    assert len(holders) == 1
    assert {"Lukashenko", "Lukashenka"} <= {m["text"] for m in holders[0]["mentions"]}


@pytest.mark.parametrize(
    "speaker", ["Mishustin", "Zhdanov", "Motuzyanyk", "Venislavsky", "Gudkov", "Fesenko", "Radio Liberty"]
)
def test_each_source_is_the_speaker_of_a_quote(record: dict[str, Any], speaker: str) -> None:
    names = {e["id"]: e["name"] for e in record["entities"]}
    speakers = [
        (q["speaker"] or {}).get("name") or names.get((q["speaker"] or {}).get("entity"), "")
        for q in record["quotes"]
    ]
    assert any(speaker in (s or "") for s in speakers), speakers


def test_nothing_is_attributed_to_they_or_the_photographer(record: dict[str, Any]) -> None:
    for q in record["quotes"]:
        name = ((q["speaker"] or {}).get("name") or "").lower()
        assert name not in ("they", "ruslan guk")


def test_grodno_carries_its_coordinates(record: dict[str, Any]) -> None:
    grodno = [p for p in record["places"] if p["text"] == "Grodno"]
    assert grodno
    assert abs(grodno[0]["lat"] - 53.68) < 0.2 and abs(grodno[0]["lon"] - 23.83) < 0.2


def test_june_30_and_july_1_is_a_range(record: dict[str, Any]) -> None:
    (date,) = [d for d in record["dates"] if "June 30" in d["text"]]
    assert (date["value"], date["end_value"]) == ("2022-06-30", "2022-07-01")


def test_the_variant_headline_is_recorded_as_removed(record: dict[str, Any]) -> None:
    kinds = {r["kind"] for r in record["removed"]}
    assert {"boilerplate", "duplicate_title"} <= kinds


def test_the_record_lists_the_stages_that_made_it(record: dict[str, Any]) -> None:
    assert record["stages"] == [get_stage(name).id for name in DEFAULT_STAGES]
    assert record["language"] == "en"
    assert Path(record["source"]).name == "article.txt"
