"""The run loop shared by the file-reader harnesses: bytes to a file, through the readers, checked."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import atheris
from common import check

from newsgraph.ingest import read_path
from newsgraph.settings import Settings

# No network in a fuzz run: feed items are read from the feed alone, URLs are refused before any lookup.
SETTINGS = Settings(follow_links=False)
AS_IS = SETTINGS.but(as_is=True)
_FOLDER = Path(tempfile.mkdtemp(prefix="newsgraph-fuzz-", dir=os.environ.get("FUZZ_TMP")))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)


def read_file(data: bytes, name: str, settings: Settings = SETTINGS) -> None:
    """Write `data` to a file called `name` and check every Article the readers make of it."""
    path = _FOLDER / name
    path.write_bytes(data)
    try:
        check(
            read_path(path, settings, source=str(path)), str(path), archive=path.name.startswith("input.warc")
        )
    finally:
        path.unlink()


def file_harness(names: tuple[str, ...]) -> Callable[[bytes], None]:
    """A harness reading each input under one of `names`, picked by the first byte, plain or as-is."""

    def test_one_input(data: bytes) -> None:
        if not data:
            read_file(data, names[0])
            return
        choice, body = data[0], data[1:]
        read_file(body, names[choice % len(names)], AS_IS if choice & 0x80 else SETTINGS)

    return test_one_input


def main(test_one_input: Callable[[bytes], None]) -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()
