"""Sorted spans answering "does any of them overlap, cover or end near here?"
in logarithmic time, so a pass over thousands of statements stays linear."""
from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from itertools import accumulate

from api.extract.results import Span


class Intervals:
    """A fixed set of spans (any order, overlapping or not), indexed by their edges."""

    def __init__(self, spans: Iterable[Span]) -> None:
        ordered = sorted(spans)
        self._starts = [s.start for s in ordered]
        self._ends = sorted(s.end for s in ordered)
        # The largest end among the spans up to each index (in start order).
        self._reach = list(accumulate((s.end for s in ordered), max))

    def _reach_before(self, count: int) -> int | None:
        return self._reach[count - 1] if count else None

    def overlaps(self, start: int, end: int) -> bool:
        """Whether a span starts before `end` and ends after `start`."""
        reach = self._reach_before(bisect_left(self._starts, end))
        return reach is not None and reach > start

    def covers(self, start: int, end: int) -> bool:
        """Whether a span starts at or before `start` and ends at or after `end`."""
        reach = self._reach_before(bisect_right(self._starts, start))
        return reach is not None and reach >= end

    def ends_between(self, low: int, high: int) -> bool:
        """Whether a span ends in [low, high]."""
        return bisect_right(self._ends, high) > bisect_left(self._ends, low)

    def starts_between(self, low: int, high: int) -> bool:
        """Whether a span starts in [low, high]."""
        return bisect_right(self._starts, high) > bisect_left(self._starts, low)
