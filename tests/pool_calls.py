"""Module-level functions the process pool tests send to a child (they must pickle)."""
from __future__ import annotations

import os
import time

from api.extract import extract_article
from api.extract.results import Extraction
from api.vocabulary import ExtractionMode

SPIN = "<spin for the pool tests>"
MAX_SPIN_SECONDS = 60.0  # a child nobody kills stops by itself


def spin(seconds: float) -> int:
    """Burn CPU for `seconds` (at most MAX_SPIN_SECONDS); the number of rounds."""
    deadline = time.monotonic() + min(seconds, MAX_SPIN_SECONDS)
    rounds = 0
    while time.monotonic() < deadline:
        rounds += 1
    return rounds


def child_pid() -> int:
    return os.getpid()


def fail(message: str) -> None:
    raise ValueError(message)


def slow_extract(
    text: str, *, title: str | None = None, mode: ExtractionMode = ExtractionMode.FAST
) -> Extraction:
    """extract_article, except that a text holding SPIN first burns CPU until killed."""
    if SPIN in text:
        spin(MAX_SPIN_SECONDS)
    return extract_article(text, title=title, mode=mode)


def cpu_ticks(pid: int) -> int | None:
    """User + system CPU time of a process in clock ticks, from /proc; None once it is gone
    (or a zombie, which runs no more)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    if fields[0] in {"Z", "X"}:
        return None
    return int(fields[11]) + int(fields[12])
