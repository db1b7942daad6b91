"""The README stays true: its CLI reference is the parsers' own help, its two commands are there."""

from __future__ import annotations

import re
from pathlib import Path

from newsgraph.cli import build_parser, cli_reference

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_cli_reference_is_generated_from_help() -> None:
    block = re.search(r"<!-- cli-reference:start -->\n(.*?)<!-- cli-reference:end -->", README, re.S)
    assert block, "README.md lost its CLI reference block"
    assert block.group(1) == cli_reference(), "run: .venv/bin/python scripts/update_readme.py"


def test_every_command_is_documented() -> None:
    parser = build_parser()
    assert parser._subparsers is not None
    for action in parser._subparsers._group_actions:
        for name in getattr(action, "choices", {}):
            assert f"$ newsgraph {name} --help" in README


def test_the_two_fresh_clone_commands_are_there() -> None:
    assert "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/newsgraph example" in README
    assert "bash scripts/test.sh" in README


def test_the_stage_table_names_the_current_stage_versions() -> None:
    from newsgraph.pipeline import DEFAULT_STAGES, get_stage

    table = re.findall(r"^\| `([a-z]+\.v\d+)` \|", README, re.M)
    assert table, "README.md lost its table of stages"
    assert table == [get_stage(name).id for name in DEFAULT_STAGES]
