"""Alembic environment: structure only. Reads the models' metadata and the settings, never data."""
from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import api.store.models  # noqa: F401  (registers the tables)
from api.settings import Settings
from api.store.db import create_engine, include_object, is_sqlite

target_metadata = SQLModel.metadata


def _database_url() -> str:
    url = context.config.attributes.get("database_url")
    return str(url) if url else Settings.from_env().database_url


def _configure(connection: Connection | None, url: str) -> None:
    context.configure(
        connection=connection,
        url=None if connection is not None else url,
        target_metadata=target_metadata,
        render_as_batch=is_sqlite(url),  # SQLite alters tables by copying them
        compare_type=True,
        # The search objects of 0003_search exist only in the database (a dialect's FTS
        # table, generated column, expression indexes); without this filter autogenerate
        # would propose dropping them. api.store.db says which they are.
        include_object=include_object,
    )


def _run_sync(connection: Connection, url: str) -> None:
    _configure(connection, url)
    with context.begin_transaction():
        context.run_migrations()


async def _run_online(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run_sync, url)
            await connection.commit()
    finally:
        await engine.dispose()


def main() -> None:
    url = _database_url()
    if context.is_offline_mode():
        _configure(None, url)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(_run_online(url))


main()
