"""Rewrite README.md's generated parts: the CLI reference (from --help; tests/test_docs.py checks
it) and the 30-second example (real output of the bundled example; refreshed by hand when it runs)."""

from __future__ import annotations

import io
import os
import re
import sys
from pathlib import Path

from newsgraph import Settings
from newsgraph.api import analyze_paths
from newsgraph.cli import cli_reference
from newsgraph.report import render_text

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCK = re.compile(r"(<!-- cli-reference:start -->\n).*?(<!-- cli-reference:end -->)", re.S)
EXAMPLE_BLOCK = re.compile(r"(<!-- example:start -->\n).*?(<!-- example:end -->)", re.S)
EXAMPLE = "2023-03-05-vitebsk-drills.txt"


def example_output() -> str:
    path = f"src/newsgraph/examples/{EXAMPLE}"
    article = next(analyze_paths([path], Settings(published=EXAMPLE[:10])))
    out = io.StringIO()
    out.write(f"```console\n$ .venv/bin/newsgraph analyze {path} --published {EXAMPLE[:10]}\n")
    out.write(render_text(article) + "\n```\n\n")
    quote = next((q for q in article.quotes if q.speaker and q.speaker.entity), None)
    if quote is not None:
        out.write("One quote of the same article in the JSON record (`--format json`):\n\n```json\n")
        out.write(quote.model_dump_json(indent=2) + "\n```\n")
    return out.getvalue()


def main() -> int:
    os.chdir(ROOT)
    text = README.read_text(encoding="utf-8")
    if not BLOCK.search(text):
        print("README.md has no <!-- cli-reference:start/end --> block", file=sys.stderr)
        return 1
    text = BLOCK.sub(lambda m: m.group(1) + cli_reference() + m.group(2), text)
    if "--cli-only" not in sys.argv:
        text = EXAMPLE_BLOCK.sub(lambda m: m.group(1) + example_output() + m.group(2), text)
    README.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
