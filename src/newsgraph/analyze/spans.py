"""An index of character spans (mentions, quotes, places, dates) by position, for the later stages.

The stages ask, for each number, event or sentence, which mentions, quotes or places hold it or
lie in it. Scanning every span for every question made them quadratic in the article's length (a
200 KB text of speech took minutes); the index answers from the spans near the question instead.
Answers come in the order the spans were given, so a caller picking the first or the best of them
picks what a scan in that order would have picked.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate


class SpanIndex:
    """Spans `(start, end)`, answered by their position in the sequence they were given in."""

    def __init__(self, spans: Iterable[tuple[int, int]]) -> None:
        given = list(spans)
        self._order = sorted(range(len(given)), key=lambda i: given[i][0])
        self._starts = [given[i][0] for i in self._order]
        self._ends = [given[i][1] for i in self._order]
        # The largest end among the spans up to each one in start order: the backward scans stop
        # where no earlier span can reach the question.
        self._reach = list(accumulate(self._ends, max))

    def containing(self, start: int, end: int) -> list[int]:
        """The spans with span.start <= start and end <= span.end."""
        found = []
        j = bisect_right(self._starts, start) - 1
        while j >= 0 and self._reach[j] >= end:
            if self._ends[j] >= end:
                found.append(self._order[j])
            j -= 1
        return sorted(found)

    def overlapping(self, start: int, end: int) -> list[int]:
        """The spans with span.start < end and span.end > start."""
        found = []
        j = bisect_left(self._starts, end) - 1
        while j >= 0 and self._reach[j] > start:
            if self._ends[j] > start:
                found.append(self._order[j])
            j -= 1
        return sorted(found)

    def starting(self, lo: int, hi: int) -> list[int]:
        """The spans with lo <= span.start < hi."""
        first, last = bisect_left(self._starts, lo), bisect_left(self._starts, hi)
        return sorted(self._order[first:last])

    def within(self, lo: int, hi: int) -> list[int]:
        """The spans with lo <= span.start and span.end <= hi."""
        found = []
        j = bisect_left(self._starts, lo)
        while j < len(self._starts) and self._starts[j] <= hi:
            if self._ends[j] <= hi:
                found.append(self._order[j])
            j += 1
        return sorted(found)
