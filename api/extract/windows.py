"""Wordpiece windows over one article and BIO labels per tagging head.

The transformer reads an article as overlapping windows of wordpieces
(longer than the encoder's sentence length, shorter than its 512
positions); each wordpiece's prediction is taken from the window where it
sits nearest the centre. Training (api/training/neural.py) and the runtime
(api/extract/neural.py) share these functions, so both cut and label the
text the same way. Pure: no model, no numpy.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from api.extract.results import Span

__all__ = [
    "BEGIN", "HEADS", "INSIDE", "OUTSIDE", "Window", "bio_labels", "bio_runs", "owner_windows",
    "windows",
]

# One head per brat role; each tags O / B / I.
HEADS = ("content", "source", "cue")
OUTSIDE, BEGIN, INSIDE = 0, 1, 2


@dataclass(frozen=True)
class Window:
    """Wordpieces [start, stop) of the article; a prediction is kept for [keep_start, keep_stop)."""

    start: int
    stop: int
    keep_start: int
    keep_stop: int


def windows(count: int, size: int, stride: int) -> list[Window]:
    """Windows of at most `size` pieces, `stride` apart, covering `count` pieces;
    each piece kept by exactly one window, the one where it sits most central."""
    if count <= size:
        return [Window(0, count, 0, count)]
    starts = list(range(0, count - size, stride)) + [count - size]
    out: list[Window] = []
    for index, start in enumerate(starts):
        keep_start = 0 if index == 0 else out[-1].keep_stop
        last = index == len(starts) - 1
        # Between this window's centre and the next one's: the midpoint hands over.
        keep_stop = count if last else (start + starts[index + 1] + size) // 2
        out.append(Window(start, start + size, keep_start, keep_stop))
    return out


def owner_windows(pieces: Sequence[Window]) -> list[int]:
    """For each wordpiece, the index of the window that keeps it."""
    owners: list[int] = []
    for index, window in enumerate(pieces):
        owners.extend([index] * (window.keep_stop - window.keep_start))
    return owners


def bio_labels(offsets: Sequence[tuple[int, int]], spans: Sequence[Span]) -> list[int]:
    """B/I/O per wordpiece (by its start offset); where spans nest or overlap, the
    longest one labels the pieces, as api/training/crf.py does for the CRF."""
    labels = [OUTSIDE] * len(offsets)
    owner: list[Span | None] = [None] * len(offsets)
    starts = [start for start, _ in offsets]
    for span in sorted(spans, key=lambda s: (s.start - s.end, s.start)):
        inside = _within(starts, span)
        if any(owner[i] is not None for i in inside):
            continue
        for i in inside:
            owner[i] = span
            labels[i] = INSIDE if i > inside.start else BEGIN
    return labels


def _within(starts: Sequence[int], span: Span) -> range:
    from bisect import bisect_left

    return range(bisect_left(starts, span.start), bisect_left(starts, span.end))


def bio_runs(labels: Sequence[object], begin: object = BEGIN, inside: object = INSIDE) -> list[range]:
    """Runs of tagged positions: a B, or an I after anything but a run, opens one; any
    label but I closes it. The wordpiece heads' labels by default; the CRF passes its own."""
    runs: list[range] = []
    start: int | None = None
    for i, label in enumerate(labels):
        opens = label == begin or (label == inside and start is None)
        if start is not None and (opens or label != inside):
            runs.append(range(start, i))
            start = None
        if opens:
            start = i
    if start is not None:
        runs.append(range(start, len(labels)))
    return runs
