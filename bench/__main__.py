"""Side-by-side benchmark: `python -m bench [--quick]` (not run in CI).

Loads the synthetic corpus (bench/corpus.py) into SQLite (.bench/quotegraph.db) and
PostgreSQL (--database-url, default quotegraph_bench; both reused when they already
hold the same corpus), then serves the same queries (bench/queries.py) from
Quotegraph on SQLite, Quotegraph on PostgreSQL, PostGraphile V5 (bench/peer.py) and
the raw-SQL limit (bench/limit.py), each as --workers processes (uvicorn workers; a
node cluster for PostGraphile), checks each answer against the plain-SQL rows, and
drives each with wrk (bench/check.lua checks every body) on 127.0.0.1.
Quotegraph-PG and PostGraphile run back to back for each query. Prints one table
headed by the process counts (also written to .bench/results.md) and ends with
`min_ratio=R q1_sql=N`.
"""
from __future__ import annotations

import argparse
import asyncio
import functools
import itertools
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from api.errors import SettingsError
from api.settings import Settings
from bench import peer, queries, report, statements, wrk
from bench.corpus import DEFAULT_ARTICLES, DEFAULT_SEED
from bench.dataset import asyncpg_dsn, ensure
from bench.queries import NAMES, AnswerMismatch, Choice, Json
from bench.report import POSTGRAPHILE, QUOTEGRAPH_PG, Row
from bench.servers import ROOT, Server, ServerFailed, descendants, post, running
from bench.wrk import LoadFailed

SCRATCH = ROOT / ".bench"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/quotegraph_bench"
SQLITE_URL = f"sqlite:///{SCRATCH / 'quotegraph.db'}"
QUICK_ARTICLES = 2_000
QG_SQLITE, RAW, QG_CACHED = "Quotegraph SQLite", "raw SQL limit", "Quotegraph PG cached"
BASE_ENV = {"QUOTEGRAPH_RATE_LIMIT": "off", "QUOTEGRAPH_LOG_LEVEL": "WARNING"}


@dataclass(frozen=True)
class System:
    """One server under test: how to start it and what to send it."""

    name: str
    command: list[str]
    env: dict[str, str]
    port: int
    body: Callable[[str], bytes]
    workers: int = 1

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/graphql"


@dataclass
class Run:
    """What the run measures and the notes it prints under the table."""

    names: list[str]
    concurrencies: list[int]
    duration: float
    warmup: float
    choice: Choice
    expected: dict[str, Json]
    markers: dict[str, str]
    rows: list[Row] = field(default_factory=list)
    processes: dict[str, int] = field(default_factory=dict)  # by system name
    notes: list[str] = field(default_factory=list)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if wrk.wrk_binary() is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    try:
        return _bench(args)
    except (AnswerMismatch, LoadFailed, ServerFailed) as error:
        print(f"benchmark stopped: {error}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_ARTICLES} articles, 5 s per case, concurrency 8 only")
    parser.add_argument("--articles", type=int, help=f"corpus size ({DEFAULT_ARTICLES}; quick "
                        f"{QUICK_ARTICLES})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="corpus seed")
    parser.add_argument("--duration", type=int, help="seconds per timed case (10; quick 5)")
    parser.add_argument("--database-url", default=DEFAULT_URL,
                        help=f"PostgreSQL the benchmark owns: dropped and loaded (default {DEFAULT_URL})")
    parser.add_argument("--skip-peer", action="store_true", help="do not run PostGraphile")
    parser.add_argument("--queries", default=",".join(NAMES), help="e.g. q1,q3 (all)")
    parser.add_argument("--port", type=int, default=8610, help="first of 10 ports on 127.0.0.1")
    parser.add_argument("--workers", type=int, default=2,
                        help="server processes of every system: Quotegraph's uvicorn workers, "
                             "PostGraphile's node cluster, the raw limit's workers (2)")
    return parser


def _bench(args: argparse.Namespace) -> int:
    started = time.monotonic()
    articles = args.articles or (QUICK_ARTICLES if args.quick else DEFAULT_ARTICLES)
    names = [n.strip() for n in args.queries.split(",") if n.strip()]
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        print(f"unknown queries {unknown}; choose from {','.join(NAMES)}", file=sys.stderr)
        return 2
    targets = [args.database_url] if args.quick else [SQLITE_URL, args.database_url]
    reloaded = ensure(targets, articles, args.seed)
    print(f"corpus: {articles} articles, seed {args.seed} "
          f"({'loaded' if reloaded else 'reused'}) in {time.monotonic() - started:.0f} s")
    run = _prepare(args, names)
    systems = _systems(args, run)
    run.notes.append(f"data: {articles} articles; variables: {run.choice}")
    if args.quick:
        del systems[QG_SQLITE]
        run.notes.append("quick mode: concurrency 8 only and no SQLite rows (c=1 and the SQLite "
                         "load dropped to stay under 5 minutes); `python -m bench` runs them")
    counts = _probe_statements(args, systems, run)
    _measure(systems, [QG_SQLITE, QUOTEGRAPH_PG, POSTGRAPHILE, RAW], run, counts)
    _measure_cached(systems, run, counts)
    _print(run, articles, args.quick, time.monotonic() - started)
    return 0


def _prepare(args: argparse.Namespace, names: list[str]) -> Run:
    choice, expected = asyncio.run(_answers(args.database_url, names))
    return Run(
        names=names,
        concurrencies=[8] if args.quick else [1, 8],
        duration=args.duration or (5 if args.quick else 10),
        warmup=1 if args.quick else 3,
        choice=choice,
        expected=expected,
        markers={name: queries.marker(expected[name]) for name in names},
    )


async def _answers(database_url: str, names: list[str]) -> tuple[Choice, dict[str, Json]]:
    conn = await queries.connect(database_url)
    try:
        choice = await queries.choose(conn)
        return choice, await queries.expected(conn, choice, names)
    finally:
        await conn.close()


# --- the systems -------------------------------------------------------------------------


def _systems(args: argparse.Namespace, run: Run) -> dict[str, System]:
    """Every system this run can start, by name (PostGraphile only when it installs)."""
    port, workers = args.port, args.workers
    found = {
        QG_SQLITE: _quotegraph(QG_SQLITE, SQLITE_URL, port, run, cache="off", workers=workers),
        QUOTEGRAPH_PG: _quotegraph(QUOTEGRAPH_PG, args.database_url, port + 1, run, cache="off",
                                   workers=workers),
        RAW: _raw(args.database_url, port + 3, run, workers),
        QG_CACHED: _quotegraph(QG_CACHED, args.database_url, port + 4, run, cache="memory",
                               workers=workers),
    }
    if args.skip_peer:
        run.notes.append("PostGraphile skipped (--skip-peer): no ratios")
    else:
        _add_peer(args, run, found)
    run.processes.update({name: system.workers for name, system in found.items()})
    return found


def _add_peer(args: argparse.Namespace, run: Run, found: dict[str, System]) -> None:
    """PostGraphile as a node cluster of --workers processes on one port."""
    try:
        node = peer.install()
    except peer.PeerUnavailable as error:
        run.notes.append(f"PostGraphile skipped: {error}")
        return
    peer.create_functions(args.database_url)
    port = args.port + 2
    found[POSTGRAPHILE] = System(
        POSTGRAPHILE, peer.command(node),
        {"DATABASE_URL": asyncpg_dsn(args.database_url), "PORT": str(port),
         "WORKERS": str(args.workers), "NODE_ENV": "production"},
        port,
        lambda name: queries.body(queries.POSTGRAPHILE[name],
                                  queries.postgraphile_variables(name, run.choice)),
        args.workers,
    )


def _quotegraph(name: str, database_url: str, port: int, run: Run, *, cache: str,
                workers: int = 2, debug: bool = False) -> System:
    command = [sys.executable, "-m", "api", "serve", "--no-seed", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]
    env = {**BASE_ENV, "DATABASE_URL": database_url, "QUOTEGRAPH_RESPONSE_CACHE": cache,
           "QUOTEGRAPH_DEBUG": "1" if debug else "0"}
    return System(name, command, env, port,
                  lambda query: queries.body(queries.QUOTEGRAPH[query],
                                             queries.quotegraph_variables(query, run.choice)),
                  workers)


def _raw(database_url: str, port: int, run: Run, workers: int = 2) -> System:
    command = [sys.executable, "-m", "uvicorn", "bench.limit:app", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers), "--no-access-log",
               "--log-level", "warning"]
    return System(RAW, command, {"BENCH_DATABASE_URL": database_url}, port,
                  lambda name: orjson.dumps({"query": name,
                                             "arguments": queries.sql_arguments(name, run.choice)}),
                  workers)


@contextmanager
def _serving(system: System, run: Run) -> Iterator[Server]:
    log = SCRATCH / "logs" / f"{system.name.replace(' ', '-')}-{system.port}.log"
    with running(system.name, system.command, system.env, system.url,
                 system.body(run.names[0]), log) as server:
        _wait_for_workers(server, system, log)
        yield server


def _wait_for_workers(server: Server, system: System, log: Path) -> None:
    """A server answers once one worker is up; wait for all, so they all share the load."""
    deadline = time.monotonic() + 60
    while system.workers > 1 and time.monotonic() < deadline:
        if _started(server, system, log) >= system.workers:
            return
        time.sleep(0.2)


def _started(server: Server, system: System, log: Path) -> int:
    """Workers up: the node cluster says so in its log; uvicorn's are spawned processes."""
    if system.name == POSTGRAPHILE:
        return peer.listening(log.read_text(encoding="utf-8", errors="replace"))
    return len(_workers(server))


def _workers(server: Server) -> list[int]:
    pids = descendants(server.process.pid)
    return [pid for pid in pids if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()]


# --- statements per request --------------------------------------------------------------


def _probe_statements(args: argparse.Namespace, systems: dict[str, System],
                      run: Run) -> dict[tuple[str, str], int | None]:
    """SQL statements per request: Quotegraph's debug extension (`sqlStatements`), the
    PostgreSQL log for PostGraphile and the raw limit (one short-lived server each)."""
    counts = _debug_counts(args, systems, run)
    log = statements.server_log()
    if log is None:
        run.notes.append("SQL/req n/a for PostGraphile and raw: the PostgreSQL log is unreadable")
        return counts
    counts.update(_log_counts(args, [systems[n] for n in (POSTGRAPHILE, RAW) if n in systems],
                              run, log))
    run.notes.append(f"SQL/req: Quotegraph from QUOTEGRAPH_DEBUG's sqlStatements; PostGraphile "
                     f"and raw from log_statement=all lines in {log}")
    return counts


def _debug_counts(args: argparse.Namespace, systems: dict[str, System],
                  run: Run) -> dict[tuple[str, str], int | None]:
    """From a one-worker Quotegraph with QUOTEGRAPH_DEBUG=1 per database."""
    counts: dict[tuple[str, str], int | None] = {}
    for offset, (name, url) in enumerate(((QG_SQLITE, SQLITE_URL),
                                          (QUOTEGRAPH_PG, args.database_url)), start=5):
        if name not in systems:
            continue
        system = _quotegraph(name, url, args.port + offset, run, cache="off", workers=1,
                             debug=True)
        with _serving(system, run) as server:
            for query in run.names:
                counts[(name, query)] = _debug_count(server, system.body(query))
    return counts


def _log_counts(args: argparse.Namespace, systems: list[System], run: Run,
                log: Path) -> dict[tuple[str, str], int | None]:
    """From PostgreSQL's log, with a probe server of each system started while the
    database logs every statement."""
    counts: dict[tuple[str, str], int | None] = {}
    database = args.database_url.rsplit("/", 1)[-1]
    with statements.logging_statements(args.database_url):
        for system in (_on_port(s, args.port + 7) for s in systems):
            with _serving(system, run) as server:
                for query in run.names:
                    request = functools.partial(post, server.url, system.body(query))
                    counts[(system.name, query)] = statements.count(log, database, request)
    return counts


def _on_port(system: System, port: int) -> System:
    env = {**system.env, "PORT": str(port)} if "PORT" in system.env else system.env
    command = [str(port) if part == str(system.port) else part for part in system.command]
    return System(system.name, command, env, port, system.body, system.workers)


def _debug_count(server: Server, body: bytes) -> int | None:
    extensions = orjson.loads(post(server.url, body)).get("extensions") or {}
    value = extensions.get("sqlStatements")
    return value if isinstance(value, int) else None


# --- timed runs --------------------------------------------------------------------------


def _measure(systems: dict[str, System], order: list[str], run: Run,
             counts: dict[tuple[str, str], int | None]) -> None:
    """All `order` servers up at once; per query and concurrency, each in turn, with
    Quotegraph-PG and PostGraphile back to back (A/B alternation)."""
    present = [systems[name] for name in order if name in systems]
    with ExitStack() as stack:
        servers = [stack.enter_context(_serving(system, run)) for system in present]
        for query in run.names:
            for concurrency in run.concurrencies:
                for system, server in zip(present, servers, strict=True):
                    run.rows.append(_case(system, server, query, concurrency, run,
                                          counts.get((system.name, query))))


def _measure_cached(systems: dict[str, System], run: Run,
                    counts: dict[tuple[str, str], int | None]) -> None:
    if not _cache_supported():
        run.notes.append("cached rows skipped: this Quotegraph does not know "
                         "QUOTEGRAPH_RESPONSE_CACHE (the response cache is not built yet)")
        return
    try:
        _measure(systems, [QG_CACHED], run, counts)
    except ServerFailed as error:
        run.notes.append(f"cached rows skipped: the server refused QUOTEGRAPH_RESPONSE_CACHE=memory "
                         f"({str(error)[:200]})")


def _cache_supported() -> bool:
    """Whether the settings validate QUOTEGRAPH_RESPONSE_CACHE (an unknown variable is
    silently ignored, which would make the cached rows uncached)."""
    try:
        Settings.from_env({"QUOTEGRAPH_RESPONSE_CACHE": "no-such-cache-mode"})
    except SettingsError:
        return True
    return False


def _case(system: System, server: Server, query: str, concurrency: int, run: Run,
          sql: int | None) -> Row:
    body = system.body(query)
    queries.check(system.name, query, post(server.url, body), run.expected[query])
    _warm_up(server, body, run.warmup)
    marker = run.markers[query]
    before = server.cpu_seconds()
    load = wrk.run(server.url, body, marker, concurrency, run.duration)
    after = server.cpu_seconds()
    server.wait_idle()
    _note_imbalance(system, query, concurrency, before, after, run)
    if load.requests == 0:
        run.notes.append(f"{system.name} {query} c={concurrency}: no request completed within "
                         f"{run.duration:g} s (latency 'timeout')")
    row = Row(system.name, query, concurrency, load.per_second, load.p50_ms, load.p99_ms, sql,
              server.rss_mb())
    print("  ".join(row.cells()), file=sys.stderr)
    return row


def _warm_up(server: Server, body: bytes, seconds: float) -> None:
    """Sequential requests (at least two): each one finishes, so none is left in flight
    to steal CPU from the timed run, as an aborted wrk warm-up would."""
    deadline = time.monotonic() + seconds
    for done in itertools.count():
        if done >= 2 and time.monotonic() >= deadline:
            break
        post(server.url, body)
    server.wait_idle()


def _note_imbalance(system: System, query: str, concurrency: int, before: dict[int, float],
                    after: dict[int, float], run: Run) -> None:
    """uvicorn's workers share one socket and may take connections unevenly: say so."""
    spent = [after[pid] - before.get(pid, 0.0) for pid in after]
    total = sum(spent)
    if system.workers > 1 and concurrency > 1 and total > 0 and max(spent) / total > 0.7:
        split = "/".join(f"{100 * s / total:.0f}" for s in sorted(spent, reverse=True))
        run.notes.append(f"{system.name} {query} c={concurrency}: workers' CPU split {split}%")


def _print(run: Run, articles: int, quick: bool, elapsed: float) -> None:
    heading = (f"### {'Quick' if quick else 'Full'} run: {articles} articles, "
               f"{run.duration:g} s per case, wrk on 127.0.0.1")
    SCRATCH.mkdir(exist_ok=True)
    notes = "".join(f"- {note}\n" for note in run.notes)
    (SCRATCH / "results.md").write_text(report.markdown(run.rows, heading, run.processes)
                                        + "\n" + notes)
    print(report.text_table(run.rows, run.processes))
    for note in run.notes:
        print(f"note: {note}")
    print(f"wall time {elapsed:.0f} s; table also in {SCRATCH / 'results.md'}")
    print(report.summary(run.rows, run.names))


if __name__ == "__main__":
    sys.exit(main())
