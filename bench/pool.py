"""The ingest extraction process, timed: `python -m bench.pool` (issue 12; not run in CI).

Prints, for the seed article: the first extraction of a fresh server process (it waits
for the forkserver to build extraction's indexes), a warm one (median of 5), the memory
of the child and of the forkserver, how long a
killed extraction takes to be gone and the CPU it spends afterwards (a cancelled call,
as a request's timeout makes), and the first extraction of the replacement process.
"""
from __future__ import annotations

import asyncio
import statistics
import time
from pathlib import Path

from api.extract import extract_article
from api.load.pool import ProcessPool

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_7ab53061f15ddaeb.txt"
BURN_SECONDS = 30.0  # what the killed call would have spent


def burn(seconds: float) -> int:
    """CPU work for the killed call (module level: it is sent to the child)."""
    deadline, rounds = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        rounds += 1
    return rounds


def _ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return None
    return None if fields[0] in {"Z", "X"} else int(fields[11]) + int(fields[12])


def _rss_mb(pid: int) -> float:
    """Resident memory of a process, shared pages included."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _memory(pool: ProcessPool) -> str:
    (pid,) = pool.pids
    forkserver = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    return f"child {_rss_mb(pid):.0f} MB, forkserver {_rss_mb(forkserver):.0f} MB resident"


async def _timed(pool: ProcessPool, body: str) -> float:
    started = time.perf_counter()
    await pool.run(extract_article, body)
    return time.perf_counter() - started


async def _kill(pool: ProcessPool) -> tuple[float, int | None]:
    """Seconds from the cancel until the child is gone, and its CPU ticks afterwards."""
    (pid,) = pool.pids
    call = asyncio.ensure_future(pool.run(burn, BURN_SECONDS))
    await asyncio.sleep(1.0)
    call.cancel()
    cancelled = time.perf_counter()
    while _ticks(pid) is not None and time.perf_counter() - cancelled < 10:
        await asyncio.sleep(0.001)
    gone = time.perf_counter() - cancelled
    await asyncio.sleep(1.0)
    return gone, _ticks(pid)


async def main() -> None:
    # Imported here: a child re-imports this main module, and should not pay for the
    # database modules api.load.ingest brings (a server's main module, api.__main__, is skipped).
    from api.load.ingest import extraction_pool

    body = SEED.read_text(encoding="utf-8")
    pool = extraction_pool()
    try:
        cold = await _timed(pool, body)
        warm = statistics.median([await _timed(pool, f"{body}\n{n}") for n in range(5)])
        memory = _memory(pool)
        gone, after = await _kill(pool)
        replacement = await _timed(pool, f"{body}\nagain")
    finally:
        await pool.close()
    print(f"first extraction of a fresh process: {cold:.2f} s")
    print(f"warm extraction (median of 5):       {warm * 1000:.0f} ms")
    print(f"memory:                              {memory}")
    print(f"killed child gone after:             {gone * 1000:.0f} ms "
          f"(CPU ticks 1 s later: {'none, gone' if after is None else after})")
    print(f"replacement's first extraction:      {replacement * 1000:.0f} ms")


if __name__ == "__main__":
    asyncio.run(main())
