"""atheris harness for the feed reader (RSS 2.0, RSS 1.0/RDF, Atom; links never followed)."""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["newsgraph"]):
    import newsgraph.ingest  # noqa: F401

from harness import file_harness, main

test_one_input = file_harness(("input.rss", "input.xml"))

if __name__ == "__main__":
    main(test_one_input)
