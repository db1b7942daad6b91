"""Rewrite the CLI reference in README.md from the parsers' --help (tests/test_docs.py checks it)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from newsgraph.cli import cli_reference

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"(<!-- cli-reference:start -->\n).*?(<!-- cli-reference:end -->)", re.S)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print("README.md has no <!-- cli-reference:start/end --> block", file=sys.stderr)
        return 1
    README.write_text(BLOCK.sub(lambda m: m.group(1) + cli_reference() + m.group(2), text), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
