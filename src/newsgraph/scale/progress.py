"""Progress of a parallel ingest on standard error, and the summary that ends it.

On a terminal one line is redrawn in place (articles/s, words/s, partitions done of all, the time
left); elsewhere (a log file, CI) a plain line is written every `PLAIN_EVERY` seconds. The time
left is estimated from the bytes of input in the partitions done, which is known before any work.
"""

from __future__ import annotations

import re
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from ..store import Failure

PLAIN_EVERY = 10.0  # seconds between two plain progress lines
TTY_EVERY = 0.2
BAR_WIDTH = 20
_CODE = re.compile(r"\bE\d{3}\b")


@dataclass
class Summary:
    """What a parallel ingest did."""

    partitions: int = 0  # planned
    partitions_done: int = 0  # finished in this run
    partitions_resumed: int = 0  # finished by an earlier run (Parquet manifest): not run again
    stored: int = 0  # articles stored in the store, or written to Parquet
    duplicates: int = 0  # inputs stored before from another source, or twice in this run
    near_duplicates: int = 0
    skipped: int = 0  # inputs stored before from this very source (a resumed run)
    failed: list[Failure] = field(default_factory=list)
    words: int = 0
    seconds: float = 0.0
    workers: int = 0
    peak_rss: dict[int, int] = field(default_factory=dict)  # worker pid -> peak bytes
    worker_seconds: float = 0.0  # time the workers spent on partitions, summed
    worker_cpu_seconds: float = 0.0  # CPU time they spent, summed (less: they waited for a core)

    def reasons(self) -> list[tuple[str, int, Failure]]:
        """Failures grouped by error code, most frequent first: (code, count, an example)."""
        counts: Counter[str] = Counter()
        example: dict[str, Failure] = {}
        for failure in self.failed:
            found = _CODE.search(failure.reason)
            code = found.group(0) if found else "other"
            counts[code] += 1
            example.setdefault(code, failure)
        return [(code, n, example[code]) for code, n in counts.most_common()]

    def text(self) -> str:
        """Lines for a person: what was done, then the failures grouped by reason."""
        rate = self.stored / self.seconds if self.seconds else 0.0
        lines = [
            f"done: {self.stored} articles stored, {self.duplicates} duplicates "
            f"(near-duplicate stories {self.near_duplicates}), {self.skipped} skipped (stored before), "
            f"{len(self.failed)} failed; {self.partitions_done + self.partitions_resumed}/{self.partitions} "
            f"partitions ({self.partitions_resumed} from an earlier run)"
            + (f" on {self.workers} workers" if self.workers else "")
            + f" in {self.seconds:.1f} s ({rate:.1f} articles/s, {self.words} words)"
        ]
        for code, n, example in self.reasons():
            lines.append(f"failed {n} × {code}, e.g. {example.reason}")
        return "\n".join(lines)


class Progress:
    """A progress bar over partitions; `update` as each one finishes, `close` at the end."""

    def __init__(
        self,
        partitions: int,
        total_bytes: int,
        *,
        stream: TextIO | None = None,
        enabled: bool = True,
        verb: str = "ingest",
    ):
        self.verb = verb  # what the line says is going on: ingest, load
        self.partitions = partitions
        self.total_bytes = max(total_bytes, 1)
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = enabled and self.stream.isatty()
        self.started = time.monotonic()
        self._shown = 0.0
        self._width = 0

    def update(self, summary: Summary, bytes_done: int, *, final: bool = False) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self._shown < (TTY_EVERY if self.tty else PLAIN_EVERY):
            return
        self._shown = now
        line = self.line(summary, bytes_done, now - self.started)
        if self.tty:
            pad = " " * max(0, self._width - len(line))
            self.stream.write("\r" + line + pad)
            self._width = len(line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def line(self, summary: Summary, bytes_done: int, elapsed: float) -> str:
        done = summary.partitions_done + summary.partitions_resumed
        fraction = min(bytes_done / self.total_bytes, 1.0)
        articles = summary.stored + summary.duplicates + summary.skipped
        rate = articles / elapsed if elapsed > 0 else 0.0
        words = summary.words / elapsed if elapsed > 0 else 0.0
        left = elapsed * (1 - fraction) / fraction if fraction > 0 else None
        filled = round(fraction * BAR_WIDTH)
        bar = "#" * filled + "." * (BAR_WIDTH - filled)
        return (
            f"{self.verb} [{bar}] {done}/{self.partitions} partitions, {articles} articles, "
            f"{len(summary.failed)} failed, {rate:.1f} articles/s, {words:.0f} words/s, "
            f"left {_clock(left)}"
        )

    def close(self) -> None:
        if self.tty and self._width:
            self.stream.write("\n")
            self.stream.flush()


def _clock(seconds: float | None) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
