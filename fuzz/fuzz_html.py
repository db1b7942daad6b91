"""atheris harness for the HTML reader (decoding, trafilatura extraction, metadata)."""

from __future__ import annotations

import atheris

with atheris.instrument_imports(include=["newsgraph"]):
    import newsgraph.ingest  # noqa: F401

from harness import file_harness, main

test_one_input = file_harness(("input.html",))

if __name__ == "__main__":
    main(test_one_input)
