"""Counting the SQL statements one request runs, from PostgreSQL's own log.

For the probe, `log_statement = all` is set on the benchmark database (new
connections only, so only the probe servers started afterwards log) and the
lines the server writes for that database during one request are counted:
`statement:` (simple protocol) and `execute ...:` (extended protocol) lines,
one per statement executed, whatever the client library.
"""
from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from bench.dataset import asyncpg_dsn

LOG_FOLDER = Path("/var/log/postgresql")


def server_log() -> Path | None:
    """The PostgreSQL server log (Debian's layout), if this process can read it."""
    logs = sorted(LOG_FOLDER.glob("postgresql-*.log"), key=lambda p: p.stat().st_mtime)
    if not logs:
        return None
    try:
        logs[-1].open("rb").close()
    except OSError:
        return None
    return logs[-1]


@contextmanager
def logging_statements(database_url: str) -> Iterator[None]:
    """`log_statement = all` for connections opened to the database meanwhile."""
    name = make_url(database_url).database
    asyncio.run(_execute(database_url, f'ALTER DATABASE "{name}" SET log_statement = \'all\''))
    try:
        yield
    finally:
        asyncio.run(_execute(database_url, f'ALTER DATABASE "{name}" RESET log_statement'))


async def _execute(database_url: str, sql: str) -> None:
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


def count(log: Path, database: str, request: Callable[[], object]) -> int:
    """Statements the server logged for `database` while `request` ran, in the steady
    state: a first, uncounted run opens connections and prepares statements."""
    request()
    time.sleep(0.3)
    start = log.stat().st_size
    request()
    time.sleep(0.3)  # the server's stderr reaches the file a moment later
    with log.open("rb") as file:
        file.seek(start)
        lines = file.read().decode("utf-8", "replace")
    return count_lines(lines, database)


def count_lines(text: str, database: str) -> int:
    """Statement lines of `database` in a log excerpt (prefix `%m [%p] %q%u@%d `)."""
    pattern = re.compile(rf"@{re.escape(database)} LOG:  (?:statement|execute [^:]*): ")
    return sum(1 for line in text.splitlines() if pattern.search(line))
