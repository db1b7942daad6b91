"""Partitions: the units of work of a parallel ingest, planned without reading the inputs whole.

Small files are grouped (up to `target_bytes` or `MAX_FILES` files a partition); a JSON Lines file
larger than `target_bytes` is cut at line starts and a WARC file at record starts, so one big
shard is analysed by several workers at once. Planning streams the big files once in fixed-size
chunks (JSON Lines: counting lines; WARC: skipping from record header to record header) and never
holds more than a chunk or one record in memory. The sources the workers give the articles are
the ones `newsgraph.ingest.iter_articles` gives: `PATH:LINE` for JSON Lines, the target URI for
WARC records.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import json
import os
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Literal

from ..errors import Errors, NewsgraphError
from ..ingest import is_url, kind_of

DEFAULT_TARGET_BYTES = 8 << 20  # about 8 MB of input a partition: minutes of analysis, seconds to ship
MAX_FILES = 256  # files a partition at most, however small
_CHUNK = 1 << 20
_GZIP = b"\x1f\x8b\x08"

PartitionKind = Literal["files", "jsonl", "warc"]


@dataclass(frozen=True)
class Partition:
    """Some inputs for one worker: whole files (or URLs), or a byte range of one big file.

    A range starts at a line (JSON Lines) or a record (WARC) and ends before the next range's
    start; `first_line` numbers the range's first line as the whole file does.
    """

    kind: PartitionKind
    paths: tuple[str, ...]
    start: int = 0
    end: int | None = None  # None: to the end of the file
    first_line: int = 1
    size: int = 0  # bytes of input, to estimate the time left

    @property
    def key(self) -> str:
        """A stable name: the same inputs give the same key in every run (for the resume manifest)."""
        described = json.dumps([self.kind, list(self.paths), self.start, self.end], ensure_ascii=False)
        return hashlib.sha256(described.encode("utf-8", "surrogatepass")).hexdigest()[:24]

    @property
    def label(self) -> str:
        """The inputs for a person: `shard.jsonl[0:8388608]`, `a.txt`, `a.txt (+11 files)`."""
        if self.kind != "files":
            end = "" if self.end is None else str(self.end)
            return f"{self.paths[0]}[{self.start}:{end}]"
        more = len(self.paths) - 1
        return self.paths[0] + (f" (+{more} files)" if more else "")


@dataclass
class Plan:
    """Partitions in input order, and the inputs refused before any work (empty directories)."""

    partitions: list[Partition] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (input, one-line reason)

    @property
    def size(self) -> int:
        return sum(p.size for p in self.partitions)


def plan_partitions(paths: Sequence[str], *, target_bytes: int = DEFAULT_TARGET_BYTES) -> Plan:
    """Split `paths` (files, directories, URLs) into partitions of about `target_bytes` each."""
    if target_bytes < 1:
        raise NewsgraphError(Errors.E202, option="target_bytes", value=target_bytes, reason="must be >= 1")
    plan = Plan()
    group: list[str] = []
    group_size = 0

    def flush() -> None:
        nonlocal group, group_size
        if group:
            plan.partitions.append(Partition("files", tuple(group), size=group_size))
        group, group_size = [], 0

    for source, size in _inputs(paths, plan):
        kind = kind_of(Path(source)) if size >= 0 else "url"
        if kind in ("jsonl", "warc") and size > target_bytes:
            flush()
            cuts = _jsonl_cuts(source, target_bytes) if kind == "jsonl" else _warc_cuts(source, target_bytes)
            plan.partitions.extend(_ranges(kind, source, size, cuts))
            continue
        if group and (group_size + max(size, 0) > target_bytes or len(group) >= MAX_FILES):
            flush()
        group.append(source)
        group_size += max(size, 0)
    flush()
    return plan


def _inputs(paths: Sequence[str], plan: Plan) -> Iterator[tuple[str, int]]:
    """(source, size in bytes) of every input in `iter_articles` order; -1 for a URL."""
    for path in paths:
        if path == "-":
            raise NewsgraphError(
                Errors.E202,
                option="PATH",
                value=path,
                reason="a parallel ingest reads files, directories and URLs, not standard input",
            )
        if os.path.isdir(path):
            files = list(_walk(Path(path)))
            if not files:
                plan.refused.append((path, Errors.E011.format(input=path)))
            for file in files:
                yield str(file), _size(str(file))
        elif is_url(path):
            yield path, -1
        else:
            yield path, _size(path)  # a missing file is the worker's to report (E004), in order


def _walk(root: Path) -> Iterator[Path]:
    # The same order as newsgraph.ingest: a folder's files sorted, then its subfolders sorted.
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(folder) / name


def _size(path: str) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _ranges(kind: str, source: str, size: int, cuts: list[tuple[int, int]]) -> Iterator[Partition]:
    """Partitions between consecutive cuts (offset, first line); the first cut is (0, 1)."""
    bounds = [*cuts, (size, 0)]
    for (start, line), (end, _) in itertools.pairwise(bounds):
        last = end >= size
        yield Partition(
            "jsonl" if kind == "jsonl" else "warc",
            (source,),
            start=start,
            end=None if last else end,
            first_line=line,
            size=end - start,
        )


def _jsonl_cuts(path: str, target_bytes: int) -> list[tuple[int, int]]:
    """Offsets of line starts about `target_bytes` apart, each with its line number."""
    cuts = [(0, 1)]
    try:
        with open(path, "rb") as stream:
            offset, lines, wanted = 0, 0, target_bytes
            while chunk := stream.read(_CHUNK):
                at = 0
                while offset + len(chunk) > wanted:
                    newline = chunk.find(b"\n", max(at, wanted - offset))
                    if newline < 0:
                        break
                    cut = offset + newline + 1
                    lines += chunk.count(b"\n", at, newline + 1)
                    at = newline + 1
                    cuts.append((cut, lines + 1))
                    wanted = cut + target_bytes
                lines += chunk.count(b"\n", at)
                offset += len(chunk)
    except OSError:
        return cuts[:1]  # the worker reads the whole file and reports what is wrong with it
    size = _size(path)
    return [c for c in cuts if c[0] < size]


def _warc_cuts(path: str, target_bytes: int) -> list[tuple[int, int]]:
    """Offsets of record starts (gzip member starts) about `target_bytes` apart.

    Never parses a record. A gzipped WARC (one member a record, as Common Crawl writes them):
    seek to each boundary and take the first gzip header after it whose member decompresses to
    `WARC/`, reading a few kilobytes a cut. A plain WARC: walk from header block to header block
    by Content-Length, seeking over the content. At anything unexpected planning stops cutting;
    the last range then runs to the end of the file, and its worker's reader resyncs past the
    damage as the sequential reader does.
    """
    try:
        with open(path, "rb") as stream:
            gzipped = stream.read(2) == _GZIP[:2]
            if gzipped:
                return _member_cuts(stream, os.fstat(stream.fileno()).st_size, target_bytes)
            cuts, last = [(0, 0)], 0
            for offset in _record_starts(stream):
                if offset - last >= target_bytes:
                    cuts.append((offset, 0))
                    last = offset
            return cuts
    except OSError:
        return [(0, 0)]


def _member_cuts(stream: IO[bytes], size: int, target_bytes: int) -> list[tuple[int, int]]:
    cuts = [(0, 0)]
    wanted = target_bytes
    while wanted < size:
        found = _next_member(stream, wanted)
        if found is None:
            break
        cuts.append((found, 0))
        wanted = found + target_bytes
    return cuts


def _next_member(stream: IO[bytes], after: int) -> int | None:
    """The offset of the first gzip member at or after `after` that starts a WARC record."""
    offset, carry = after, b""
    stream.seek(after)
    while chunk := stream.read(_CHUNK):
        window = carry + chunk
        base = offset - len(carry)
        at = window.find(_GZIP)
        while at >= 0:
            stream.seek(base + at)
            try:
                head = zlib.decompressobj(31).decompress(stream.read(1 << 14), 8)
            except zlib.error:
                head = b""
            if head.startswith(b"WARC/"):
                return base + at
            at = window.find(_GZIP, at + 1)
        offset += len(chunk)
        carry = window[-(len(_GZIP) - 1) :]
        stream.seek(offset)
    return None


def _record_starts(stream: IO[bytes]) -> Iterator[int]:
    """The offsets of the records after the first of an uncompressed WARC."""
    offset = 0
    while True:
        stream.seek(offset)
        if not stream.readline(64).startswith(b"WARC/"):
            return
        length = None
        while (line := stream.readline(1 << 16)) not in (b"\r\n", b"\n", b""):
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip()) if value.strip().isdigit() else None
        if length is None or not line:
            return
        offset = stream.tell() + length
        stream.seek(offset)
        gap = stream.read(64)
        following = gap.lstrip(b"\r\n")
        if not following.startswith(b"WARC/"):
            return
        offset += len(gap) - len(following)
        yield offset


class Window(io.RawIOBase):
    """A read-only view of a file that ends at `end`: reads stop there, offsets stay the file's."""

    def __init__(self, raw: IO[bytes], end: int | None) -> None:
        super().__init__()
        self._raw = raw
        self._end = end

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._raw.tell()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        return self._raw.seek(offset, whence)

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        wanted = len(view)
        if self._end is not None:
            wanted = max(0, min(wanted, self._end - self._raw.tell()))
        if wanted == 0:
            return 0
        data = self._raw.read(wanted)
        view[: len(data)] = data
        return len(data)
