"""Starting, probing, measuring and stopping the servers the benchmark drives."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class ServerFailed(Exception):
    """A server did not start or answered a request with an HTTP error."""


@dataclass(frozen=True)
class Server:
    """A running server: its root process and where to POST."""

    name: str
    process: subprocess.Popen[bytes]
    url: str

    def rss_mb(self) -> float:
        """Resident memory of the whole process tree (master and workers), in MB."""
        return sum(rss_kib(pid) for pid in [self.process.pid, *descendants(self.process.pid)]) / 1024

    def wait_idle(self, timeout: float = 30) -> None:
        """Until the server stops using CPU: requests a finished wrk run left in flight
        are still being computed, and must not run into the next measurement."""
        deadline = time.monotonic() + timeout
        before = sum(self.cpu_seconds().values())
        while time.monotonic() < deadline:
            time.sleep(0.25)
            now = sum(self.cpu_seconds().values())
            if now - before < 0.02:
                return
            before = now

    def cpu_seconds(self) -> dict[int, float]:
        """CPU time so far of each worker (or of the one process), by pid."""
        pids = descendants(self.process.pid) or [self.process.pid]
        return {pid: _cpu_seconds(pid) for pid in pids if b"resource_tracker" not in cmdline(pid)}


@contextmanager
def running(name: str, command: list[str], env: dict[str, str], url: str, probe: bytes,
            log: Path, cwd: Path = ROOT) -> Iterator[Server]:
    """Start `command`, wait until POSTing `probe` to `url` answers 200, yield, then stop it
    (SIGINT, then SIGKILL after 20 s)."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        try:
            _wait_until_up(name, process, url, probe, log)
            yield Server(name, process, url)
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)  # its own session: only its tree
            process.wait()


def post(url: str, body: bytes, timeout: float = 30) -> bytes:
    """POST a JSON body; the response body (ServerFailed on an HTTP error status)."""
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            data: bytes = response.read()
            return data
    except urllib.error.HTTPError as error:
        raise ServerFailed(f"{url} answered {error.code}: {error.read()[:500]!r}") from None


def _wait_until_up(name: str, process: subprocess.Popen[bytes], url: str, probe: bytes,
                   log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise ServerFailed(f"{name} exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        try:
            post(url, probe, timeout=5)
            return
        except (urllib.error.URLError, OSError, ServerFailed):
            time.sleep(0.3)
    raise ServerFailed(f"{name} did not answer at {url} within 90 s; see {log}")


def process_tree() -> dict[int, list[int]]:
    """Child pids by parent pid, from /proc."""
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended while we looked
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def descendants(pid: int) -> list[int]:
    """Every process below `pid`, from /proc."""
    tree, found, stack = process_tree(), [], [pid]
    while stack:
        for child in tree.get(stack.pop(), []):
            found.append(child)
            stack.append(child)
    return sorted(found)


def cmdline(pid: int) -> bytes:
    """A process's command line, raw (empty once it has ended)."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""


def rss_kib(pid: int) -> int:
    """A process's resident memory in KiB, from /proc (0 once it has ended)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    return int(match.group(1)) if match else 0


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
