"""Shared fixtures: the shared folder (skipped when absent) and schema checks on every record."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import uuid
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

# The PostgreSQL server of the storage tests (scripts/ci_services.sh starts one and prints this).
PG_URL = os.environ.get("NEWSGRAPH_TEST_PG")


def need_postgresql(what: str) -> str:
    """The test server's URL; without one the test skips, or fails under CI=true (.ci/run)."""
    if not PG_URL:
        reason = f"{what} need NEWSGRAPH_TEST_PG=postgresql://... (run scripts/ci_services.sh)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason + "; CI=true, so this is a failure, not a skip")
        pytest.skip(reason)
    return PG_URL


def create_schema(prefix: str) -> tuple[str, str]:
    """A fresh schema on the test server: its name, and a store URL whose search_path is it."""
    import psycopg

    url = need_postgresql("PostgreSQL tests")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in url else "?"
    return schema, f"{url}{joiner}options=-csearch_path%3D{schema}"


def drop_schemas(*schemas: str) -> None:
    import psycopg

    with psycopg.connect(need_postgresql("PostgreSQL tests"), autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@contextlib.contextmanager
def pg_schema(prefix: str, what: str) -> Iterator[str]:
    """A store URL on a fresh schema of the test server, dropped afterwards."""
    need_postgresql(what)
    schema, url = create_schema(prefix)
    try:
        yield url
    finally:
        drop_schemas(schema)


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
