"""End to end on the bundled example articles (written for newsgraph: fictional people, real places)."""

from __future__ import annotations

import io

from conftest import validate_jsonl
from newsgraph.api import example_paths
from newsgraph.cli import main


def test_the_examples_ship_in_the_package() -> None:
    paths = example_paths()
    assert len(paths) >= 4
    assert all(p.name[:4].isdigit() for p in paths)


def test_example_command_gives_valid_records_with_their_dates() -> None:
    out = io.StringIO()
    assert main(["example", "--format", "jsonl"], out=out) == 0
    records = validate_jsonl(out.getvalue())
    assert len(records) == len(example_paths())
    for r in records:
        assert r["error"] is None
        assert r["published"] == r["source"][:10]
        assert r["stages"][:3] == ["clean.v2", "language.v1", "parse.v5"]
        assert r["language"] == "en"
        assert any(e["type"] == "PERSON" for e in r["entities"])


def test_example_people_are_merged_and_given_roles() -> None:
    out = io.StringIO()
    main(["example", "--format", "jsonl"], out=out)
    records = {r["source"]: r for r in validate_jsonl(out.getvalue())}
    drills = records["2023-03-05-vitebsk-drills.txt"]
    people = {e["name"]: e for e in drills["entities"] if e["type"] == "PERSON"}
    assert "Darashenka" in people["Pavel Darashenka"]["aliases"]
    assert {"role": "spokeswoman", "of": "service"} in people["Ieva Kairyte"]["roles"]


def test_example_text_report() -> None:
    out = io.StringIO()
    assert main(["example"], out=out) == 0
    assert "Kharkiv restores power to most districts after night attack" in out.getvalue()
