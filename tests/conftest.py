"""Shared fixtures: the shared folder (skipped when absent) and schema checks on every record."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from newsgraph.article import Article, shipped_schema

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seed" / "article.txt"

_VALIDATOR = jsonschema.Draft202012Validator(shipped_schema())

# The scripts' helper for the shared scorers serves the quality gates too.
sys.path.insert(0, str(ROOT / "scripts"))
from shared_scorer import run_scorer  # noqa: E402


def scores(scorer: str, *args: str, limit: int) -> dict[str, float]:
    """A shared scorer's summary as numbers; skipped with a reason when the shared folder is absent."""
    if not (SHARED / "eval" / scorer).is_file():
        pytest.skip(f"needs the shared scorers and datasets at {SHARED}; the shared folder is absent")
    summary = run_scorer(scorer, *args, limit=limit)
    return {k: float(v) for k, v in summary.items() if v.replace(".", "", 1).isdigit()}


def validate_record(record: dict[str, Any]) -> None:
    """Raise unless `record` is a valid newsgraph.article/1 record with consistent offsets."""
    _VALIDATOR.validate(record)
    text = record["text"]
    for key in ("sections", "quotes", "places", "dates", "claims", "events", "predictions"):
        for item in record[key]:
            assert 0 <= item["start"] <= item["end"] <= len(text), (key, item)
    for key in ("quotes", "places", "dates", "claims", "events", "predictions"):
        for item in record[key]:
            if "text" in item and key in ("places", "dates"):
                assert text[item["start"] : item["end"]] == item["text"], (key, item)
    for entity in record["entities"]:
        for m in entity["mentions"]:
            assert text[m["start"] : m["end"]] == m["text"], (entity["name"], m)


def validate_jsonl(output: str) -> list[dict[str, Any]]:
    records = [json.loads(line) for line in output.splitlines() if line.strip()]
    for r in records:
        validate_record(r)
    return records


@pytest.fixture(autouse=True)
def _every_record_validates(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every record the tool serialises in a test is checked against the shipped schema."""
    original = Article.to_dict

    def checked(self: Article) -> dict[str, Any]:
        record = original(self)
        validate_record(record)
        return record

    monkeypatch.setattr(Article, "to_dict", checked)
    yield


@pytest.fixture
def shared() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"needs the shared folder at {SHARED} (seed article, datasets, scorers); it is absent")
    return SHARED


@pytest.fixture
def seed_text(shared: Path) -> str:
    return SEED.read_text(encoding="utf-8")
