"""Soak benchmark: `python -m bench.soak [--duration 60] [--articles 500]` (not run in CI).

Empties and seeds a PostgreSQL database of its own (`--database-url`, default
postgresql://postgres@127.0.0.1:5432/quotegraph_bench, created if missing; never
DATABASE_URL, which may hold real data) with the seed article plus generated ones,
serves it with `python -m api serve --workers 2`, warms up, then drives `wrk`
at 32 connections over a rotating mix of valid queries. Reports requests/s,
p99 latency, non-2xx responses (must be 0) and the workers' resident memory
before and after the timed run (growth must stay under 10%); exits 1 otherwise.
"""
from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from api.load.seed import seed_paths
from api.store.db import create_engine, upgrade
from bench.ingest import empty_database
from bench.servers import cmdline, process_tree, rss_kib

ROOT = Path(__file__).resolve().parent.parent
LUA_SCRIPT = Path(__file__).with_name("soak.lua")
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/quotegraph_bench"
MAX_RSS_GROWTH = 0.10
SPEAKERS = [
    ("Foreign Minister", "Sergei Lavrov", "Reuters"),
    ("spokeswoman", "Maria Zakharova", "AFP"),
    ("UN envoy", "Staffan de Mistura", "the BBC"),
    ("Secretary of State", "John Kerry", "CNN"),
    ("opposition leader", "Riad Hijab", "Al Jazeera"),
]
PLACES = ["Aleppo", "Damascus", "Homs", "Idlib", "Moscow", "Geneva", "Raqqa", "Beirut"]
QUERIES = [
    "{ articles(first: 10) { totalCount nodes { id title publishedAt publisher } } }",
    "{ statements(first: 20) { nodes { id text kind cue speaker { name affiliation { name } }"
    " article { title } locations { name parent { name } } } } }",
    '{ actors(filter: {search: "lavrov"}) { nodes { name title statementCount'
    " statements(first: 5) { nodes { text article { title } } } } } }",
    '{ search(query: "Aleppo", first: 10) { __typename ... on Actor { name }'
    " ... on Location { name kind } ... on Article { title } ... on Statement { text } } }",
    '{ locations(filter: {search: "a"}, first: 10) { nodes { name kind children { name }'
    " statements(first: 3) { nodes { text speaker { name } } } } } }",
    "{ actors(first: 20) { pageInfo { hasNextPage endCursor } edges { cursor node { name kind"
    " articles(first: 3) { nodes { title } } } } } }",
]


@dataclass(frozen=True)
class WrkResult:
    """What one wrk run measured (its Lua `done` line)."""

    requests: int
    seconds: float
    non2xx: int
    graphql_errors: int
    socket_errors: int
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    url = args.database_url
    with tempfile.TemporaryDirectory(prefix="quotegraph-soak-") as tmp:
        work = Path(tmp)
        _prepare_database(url, _write_articles(work / "articles", args.articles))
        queries = [*QUERIES, *_node_queries(url)]
        bodies = _write_bodies(work / "bodies.jsonl", queries)
        with _server(url, args.port, args.workers, work / "server.log") as server:
            result, rss = _measure(wrk, args, bodies, server.pid)
    return _report(args, url, result, rss, len(queries))


def _measure(
    wrk: str, args: argparse.Namespace, bodies: Path, server: int
) -> tuple[WrkResult, tuple[int, int]]:
    """Warm up, then the timed run; the workers' RSS (KiB) just before and just after it."""
    endpoint = f"http://127.0.0.1:{args.port}/graphql"
    _run_wrk(wrk, endpoint, bodies, args.connections, args.threads, args.warmup)
    workers = _workers(server)
    if len(workers) != args.workers:
        raise SystemExit(f"expected {args.workers} worker processes, found {workers}")
    start = _rss_kib(workers)
    result = _run_wrk(wrk, endpoint, bodies, args.connections, args.threads, args.duration)
    if _workers(server) != workers:
        raise SystemExit("a worker process was replaced during the run")
    return result, (start, _rss_kib(workers))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help=f"PostgreSQL to empty, fill and serve (default {DEFAULT_URL})")
    parser.add_argument("--duration", type=int, default=60, help="seconds of timed load (60)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of untimed load first (10)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (32)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (2)")
    parser.add_argument("--articles", type=int, default=500, help="generated articles (500)")
    parser.add_argument("--port", type=int, default=8431, help="port on 127.0.0.1 (8431)")
    return parser


def _write_articles(folder: Path, count: int) -> Path:
    """Small articles naming a rotating cast of speakers, media and places."""
    folder.mkdir(parents=True)
    lines = []
    for n in range(count):
        title, name, medium = SPEAKERS[n % len(SPEAKERS)]
        place, other = PLACES[n % len(PLACES)], PLACES[(n * 3 + 1) % len(PLACES)]
        body = (
            f"Fighting continued in {place} on day {n}.\n\n"
            f'"We will not leave {place} while civilians are under fire," {title} {name} '
            f"told {medium}. Officials said aid convoy {n} would reach {other} within a week. "
            f"{name.split()[-1]} warned that talks in {other} could collapse.\n"
        )
        record = {"title": f"Talks over {place}, day {n}", "body": body,
                  "publishedAt": f"2016-{n % 12 + 1:02}-{n % 28 + 1:02}", "publisher": medium}
        lines.append(json.dumps(record))
    (folder / "generated.jsonl").write_text("\n".join(lines), encoding="utf-8")
    return folder


def _prepare_database(url: str, articles: Path) -> None:
    """Create the database if missing, empty it, migrate, load the seed and the articles."""
    asyncio.run(empty_database(url))
    upgrade(url)
    started = time.perf_counter()
    report = asyncio.run(_seed(url, [ROOT / "seeds", articles]))
    print(f"seeded {report} in {time.perf_counter() - started:.1f} s", file=sys.stderr)


async def _seed(url: str, paths: list[Path]) -> str:
    engine = create_engine(url)
    try:
        report = await seed_paths(engine, paths)
    finally:
        await engine.dispose()
    if not report.ok:
        raise SystemExit(f"seeding failed: {report.errors[:3]}")
    return f"{report.created} articles, {report.statements} statements"


def _node_queries(url: str) -> list[str]:
    """Queries by global id over stored rows, so `node(id:)` and `article(id:)` are in the mix."""
    rows = asyncio.run(_some_ids(url))
    queries = []
    for type_name, pk in rows:
        gid = base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()
        queries.append(
            f'{{ node(id: "{gid}") {{ __typename id ... on Statement {{ text speaker {{ name }} }}'
            f" ... on Article {{ title statements(first: 5) {{ nodes {{ text }} }} }} }} }}"
        )
    return queries


async def _some_ids(url: str) -> list[tuple[str, int]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            articles = (await conn.execute(text("SELECT id FROM article ORDER BY id LIMIT 4"))).scalars()
            article_ids = [("Article", int(pk)) for pk in articles]
            statements = (await conn.execute(text("SELECT id FROM statement ORDER BY id DESC LIMIT 4"))).scalars()
            return article_ids + [("Statement", int(pk)) for pk in statements]
    finally:
        await engine.dispose()


def _write_bodies(path: Path, queries: list[str]) -> Path:
    bodies = [json.dumps({"query": q}) for q in queries]
    path.write_text("\n".join(bodies) + "\n", encoding="utf-8")
    return path


@contextmanager
def _server(url: str, port: int, workers: int, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`python -m api serve` until /healthz answers: no access log, no rate limit (one client)."""
    env = {**os.environ, "DATABASE_URL": url, "QUOTEGRAPH_LOG_LEVEL": "WARNING",
           "QUOTEGRAPH_RATE_LIMIT": "off"}
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "api", "serve", "--no-seed", "--port", str(port),
             "--workers", str(workers)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_up(f"http://127.0.0.1:{port}/healthz", process, log)
            _wait_for_workers(process.pid, workers)
            yield process
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_up(health: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(health, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.2)
    raise SystemExit("serve did not answer /healthz within 60 s")


def _wait_for_workers(pid: int, workers: int) -> None:
    deadline = time.monotonic() + 30
    while len(_workers(pid)) < workers and time.monotonic() < deadline:
        time.sleep(0.2)


def _workers(pid: int) -> list[int]:
    """The server's worker processes: its descendants started by multiprocessing's spawn."""
    tree = process_tree()
    found, stack = [], list(tree.get(pid, []))
    while stack:
        child = stack.pop()
        stack.extend(tree.get(child, []))
        if b"spawn_main" in cmdline(child):  # not the resource tracker beside them
            found.append(child)
    return sorted(found)


def _rss_kib(pids: list[int]) -> int:
    return sum(rss_kib(pid) for pid in pids)


def _run_wrk(wrk: str, endpoint: str, bodies: Path, connections: int, threads: int,
             seconds: int) -> WrkResult:
    # A generous timeout, so a slow answer counts in the latency instead of vanishing.
    command = [wrk, f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
               "-s", str(LUA_SCRIPT), endpoint, "--", str(bodies)]
    run = subprocess.run(command, capture_output=True, text=True, check=True)
    match = re.search(r"^SOAK (.*)$", run.stdout, re.MULTILINE)
    if match is None:
        raise SystemExit(f"wrk printed no summary:\n{run.stdout}\n{run.stderr}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in match.group(1).split())}
    return WrkResult(
        requests=values["requests"], seconds=values["duration_us"] / 1e6,
        non2xx=values["non2xx"], graphql_errors=values["graphql_errors"],
        socket_errors=values["socket_errors"],
        p50_ms=values["p50_us"] / 1000, p99_ms=values["p99_us"] / 1000,
    )


def _report(
    args: argparse.Namespace, url: str, result: WrkResult, rss: tuple[int, int], queries: int
) -> int:
    start, end = rss
    growth = (end - start) / start if start else float("inf")
    safe = make_url(url).render_as_string(hide_password=True)
    print(f"database: {safe} ({args.articles} generated articles + seeds/)")
    print(f"load: wrk, {args.connections} connections, {args.threads} threads, {args.duration} s "
          f"after {args.warmup} s warm-up; {args.workers} workers; {queries} queries in rotation")
    print(f"requests/s: {result.per_second:.1f} ({result.requests} requests)")
    print(f"latency: p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms")
    print(f"non-2xx: {result.non2xx}; GraphQL errors: {result.graphql_errors}; "
          f"socket errors (connect, read, write, timeout): {result.socket_errors}")
    print(f"workers' RSS: {start / 1024:.1f} MiB at start, {end / 1024:.1f} MiB at end "
          f"({growth:+.1%})")
    failures = [
        *(["non-2xx responses"] if result.non2xx else []),
        *(["GraphQL errors on valid queries"] if result.graphql_errors else []),
        *(["socket errors"] if result.socket_errors else []),
        *([f"RSS grew {growth:.1%} (limit {MAX_RSS_GROWTH:.0%})"] if growth >= MAX_RSS_GROWTH else []),
    ]
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
