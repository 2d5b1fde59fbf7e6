"""Driving wrk with bench/check.lua: one query body, every response checked."""
from __future__ import annotations

import math
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

LUA_SCRIPT = Path(__file__).with_name("check.lua")


class LoadFailed(Exception):
    """wrk saw bad responses or socket errors, or printed no summary."""


@dataclass(frozen=True)
class Load:
    """What one wrk run measured."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def wrk_binary() -> str | None:
    return shutil.which("wrk")


def run(url: str, body: bytes, marker: str, connections: int, seconds: float) -> Load:
    """`connections` keep-alive connections for `seconds` (one wrk thread per connection,
    at most 2: the machine's cores); LoadFailed on any bad body or socket error."""
    wrk = wrk_binary()
    if wrk is None:
        raise LoadFailed("wrk is not installed: apt-get install wrk")
    with tempfile.NamedTemporaryFile(prefix="bench-body-", suffix=".json") as file:
        file.write(body)
        file.flush()
        command = [wrk, f"-t{min(connections, 2)}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
                   "--timeout", "10s", "-s", str(LUA_SCRIPT), url, "--", file.name, marker]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    return parse(done.stdout, done.stderr)


def parse(stdout: str, stderr: str = "") -> Load:
    """The BENCH line of check.lua's done(); LoadFailed if the run had any failure. A run
    that completed no request has infinite latencies (each took longer than the run)."""
    match = re.search(r"^BENCH (.*)$", stdout, re.MULTILINE)
    if match is None:
        raise LoadFailed(f"wrk printed no BENCH summary:\n{stdout}\n{stderr}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    if values["bad"] or values["socket_errors"]:
        sample = re.search(r"^BENCH_BAD (.*)$", stdout, re.MULTILINE)
        raise LoadFailed(
            f"{values['bad']} bad responses, {values['socket_errors']} socket errors"
            f" out of {values['requests']}; first bad: {sample.group(1) if sample else 'n/a'}"
        )
    if values["requests"] == 0:
        # Every request took longer than the run: no latency was measured at all.
        return Load(0, max(values["duration_us"], 1) / 1e6, math.inf, math.inf)
    return Load(requests=values["requests"], seconds=max(values["duration_us"], 1) / 1e6,
                p50_ms=values["p50_us"] / 1000, p99_ms=values["p99_us"] / 1000)
