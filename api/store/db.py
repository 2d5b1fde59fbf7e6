"""Engines and sessions. URLs in their usual forms get the project's async drivers."""
from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
from sqlalchemy import Column, ColumnElement, MetaData, any_, bindparam, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.sql.schema import SchemaItem
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import api.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from api.settings import Settings

if TYPE_CHECKING:
    from alembic.config import Config

_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}
_WRITER_LOCK = 0x51756F7465  # "Quote": the advisory lock key writers hold while writing
# Every writer notifies this channel inside its transaction (delivered at commit only), so
# each server process drops the answers its response cache holds (api/web/cache.py).
DATA_CHANNEL = "quotegraph_data"
# asyncpg prepares every statement; after five runs PostgreSQL may switch to one
# generic plan, blind to the values that decide the plan (how common a searched
# word is, how long a date range), e.g. 27 ms -> 180 ms for a common word.
_PG_SETTINGS = {"plan_cache_mode": "force_custom_plan"}
# The search objects migration 0003_search creates per dialect, which the models cannot
# declare portably: on SQLite an FTS5 virtual table (with its shadow tables statement_fts_*
# and triggers), on PostgreSQL a generated tsvector column and a GIN index on it; on both
# the feed's expression index. Autogenerate would propose dropping them, so include_object
# leaves them out of the comparison.
_MIGRATION_ONLY_TABLE_PREFIX = "statement_fts"
_MIGRATION_ONLY_INDEXES = frozenset({"ix_article_feed", "ix_statement_text_words"})
_MIGRATION_ONLY_COLUMNS = frozenset({("statement", "words")})
_statement_count: ContextVar[list[int] | None] = ContextVar("statement_count", default=None)


def async_url(url: str) -> str:
    """`sqlite:///x.db` -> `sqlite+aiosqlite:///x.db`; `postgresql://` -> asyncpg."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    backend = parsed.get_backend_name()
    return parsed.set(drivername=_ASYNC_DRIVERS[backend]).render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def create_engine(settings: Settings | str) -> AsyncEngine:
    """An async engine for the configured database, with statement counting on."""
    url = settings if isinstance(settings, str) else settings.database_url
    kwargs: dict[str, Any] = {}
    if not is_sqlite(url):
        kwargs.update(pool_size=10, max_overflow=10, pool_pre_ping=True)
        kwargs.update(connect_args={"server_settings": _PG_SETTINGS})
    engine = create_async_engine(async_url(url), **kwargs)
    if is_sqlite(url):
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "before_cursor_execute", _count_statement)
    return engine


async def open_read_pool(engine: AsyncEngine, size: int = 10) -> asyncpg.Pool:
    """A plain asyncpg pool on a PostgreSQL engine's database, for single read statements
    in autocommit: no ping, no BEGIN/ROLLBACK, no reset round trip when a connection
    goes back (nothing it runs leaves state behind)."""
    url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    pool: asyncpg.Pool = await asyncpg.create_pool(
        url, min_size=1, max_size=size, server_settings=_PG_SETTINGS, reset=_keep
    )
    return pool


async def _keep(_connection: asyncpg.Connection) -> None:
    """Pool reset for read-only autocommit use: there is nothing to reset."""


def note_statement() -> None:
    """Count one SQL statement run outside SQLAlchemy (see `count_statements`)."""
    _count_statement()


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def lock_writers(writer: AsyncSession | AsyncConnection) -> None:
    """One writer at a time, so concurrent loaders never both create the same actor and a
    correction never interleaves with an ingest; and the change is announced.

    Actor identity is read-then-write (surnames, aliases), which no unique
    constraint can guard. PostgreSQL gets a transaction-scoped advisory lock;
    SQLite already serialises writers from the first insert on. On PostgreSQL the
    same statement NOTIFYs DATA_CHANNEL, which PostgreSQL delivers only if the
    transaction commits; SQLite servers see commits through `PRAGMA data_version`.
    """
    if isinstance(writer, AsyncSession):
        if writer.get_bind().dialect.name != "postgresql":
            return
        connection = await writer.connection()
    else:
        connection = writer
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key), pg_notify(:channel, '')"),
            {"key": _WRITER_LOCK, "channel": DATA_CHANNEL},
        )


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # SQLite has no base64: the compiled queries (api.compiler) build ids and cursors with it.
    dbapi_connection.create_function("qg_b64", 1, urlsafe_b64, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def urlsafe_b64(value: str | None) -> str | None:
    """URL-safe base64 of the UTF-8 of `value` (None stays None)."""
    return None if value is None else base64.urlsafe_b64encode(value.encode()).decode()


def _count_statement(*_args: Any) -> None:
    counter = _statement_count.get()
    if counter is not None:
        counter[0] += 1


@contextmanager
def count_statements() -> Iterator[list[int]]:
    """Count SQL statements run by this task (and tasks it starts) inside the block."""
    counter = [0]
    token = _statement_count.set(counter)
    try:
        yield counter
    finally:
        _statement_count.reset(token)


def upgrade(url: str, revision: str = "head") -> None:
    """Apply Alembic migrations to `url` (sync; call it outside a running event loop)."""
    from alembic import command

    config = _alembic_config()
    config.attributes["database_url"] = url
    command.upgrade(config, revision)


def known_revisions() -> set[str]:
    """Every migration revision this code ships; a database or archive past them is newer code's."""
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def head_revision() -> str | None:
    """The newest migration revision this code ships (what `upgrade` brings a database to)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    """The revision a database is migrated to (None before `migrate`); run it via `run_sync`."""
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def include_object(
    item: SchemaItem, name: str | None, type_: str, reflected: bool, compare_to: SchemaItem | None,
) -> bool:
    """Alembic's autogenerate filter (migrations/env.py): everything but the search objects
    of migration 0003_search, which exist only in the database (see _MIGRATION_ONLY_*)."""
    if not reflected or compare_to is not None or name is None:
        return True
    if type_ == "table":
        return not name.startswith(_MIGRATION_ONLY_TABLE_PREFIX)
    if type_ == "index":
        return name not in _MIGRATION_ONLY_INDEXES
    if type_ == "column" and isinstance(item, Column):
        return (item.table.name, name) not in _MIGRATION_ONLY_COLUMNS
    return True


def drift(connection: Connection, metadata: MetaData = SQLModel.metadata) -> list[Any]:
    """What `alembic revision --autogenerate` would propose to make the database at
    `connection` match `metadata` (the models); empty when they agree. Run it via `run_sync`."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    context = MigrationContext.configure(
        connection, opts={"include_object": include_object, "compare_type": True}
    )
    return list(compare_metadata(context, metadata))


def _alembic_config() -> Config:
    from alembic.config import Config

    root = Path(__file__).resolve().parents[2]
    config = Config()
    config.set_main_option("script_location", str(root / "migrations"))
    return config


def among(column: Any, values: Sequence[Any], dialect: str) -> ColumnElement[bool]:
    """`column IN values` for a long list: one array parameter on PostgreSQL (`= ANY`),
    where an expanding IN would compile a parameter per value on every call."""
    element: ColumnElement[Any] = column
    if dialect == "postgresql":
        return element == any_(bindparam(None, list(values), type_=ARRAY(element.type)))
    return element.in_(values)
