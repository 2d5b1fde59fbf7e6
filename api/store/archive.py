"""The whole database as one JSON Lines file, and back.

Line 1 is a header (format, version, the Alembic revision written from, row
counts per table); every further line is one row, `{"table": ..., "row": ...}`,
tables in foreign-key order. Tables come from the SQLModel metadata, so a table
added later is archived without a change here. Primary keys are kept because
global GraphQL ids encode them. Rows are paged out by primary key and inserted in
batches, so neither side holds a table in memory.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Column, Table, TypeDecorator, bindparam, func, select, text, tuple_, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine
from sqlalchemy.types import Date, DateTime, TypeEngine
from sqlmodel import SQLModel

from api.errors import ArchiveError
from api.store.db import current_revision, known_revisions, lock_writers

FORMAT = "quotegraph"
VERSION = 1
BATCH_ROWS = 1000  # rows per page read and per executemany insert

Row = dict[str, Any]


def tables() -> list[Table]:
    """Every table, parents before children (self-references are handled on import)."""
    return list(SQLModel.metadata.sorted_tables)


async def export_database(engine: AsyncEngine, out: Path) -> dict[str, int]:
    """Write every row to `out` (replaced only once complete); returns rows per table."""
    partial = out.with_name(out.name + ".partial")
    async with engine.connect() as connection:
        await _snapshot(connection)
        await _require_tables(connection, out)
        counts = {table.name: await _count(connection, table) for table in tables()}
        header = _header(await connection.run_sync(current_revision), counts)
        with partial.open("w", encoding="utf-8", newline="\n") as stream:
            stream.write(_line(header))
            for table in tables():
                async for row in _rows(connection, table):
                    stream.write(_line({"table": table.name, "row": row}))
        await connection.rollback()
    os.replace(partial, out)
    return counts


async def _snapshot(connection: AsyncConnection) -> None:
    """Read every table as of one moment, so children never point at unexported parents."""
    if connection.dialect.name == "postgresql":
        await connection.execution_options(isolation_level="REPEATABLE READ")
        await connection.execute(text("SET TRANSACTION READ ONLY"))
    else:  # pysqlite opens no transaction before a read; a deferred BEGIN pins the WAL snapshot
        await connection.exec_driver_sql("BEGIN")


async def _require_tables(connection: AsyncConnection, path: Path | str) -> None:
    revision = await connection.run_sync(current_revision)
    if revision is None:
        raise ArchiveError(path, "the database has no Quotegraph tables; check DATABASE_URL, "
                           "or run `python -m api migrate` first")


async def _count(connection: AsyncConnection, table: Table) -> int:
    return int(await connection.scalar(select(func.count()).select_from(table)) or 0)


def _header(revision: str | None, counts: Mapping[str, int]) -> dict[str, object]:
    return {"format": FORMAT, "version": VERSION, "alembicRevision": revision,
            "tables": dict(counts)}


def _line(record: Mapping[str, object]) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=_iso) + "\n"


def _iso(value: object) -> str:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not archivable")


async def _rows(connection: AsyncConnection, table: Table) -> AsyncIterator[Row]:
    """The table's rows in primary-key order, one page of BATCH_ROWS at a time (keyset paging)."""
    keys = list(table.primary_key.columns)
    query = select(table).order_by(*keys).limit(BATCH_ROWS)
    after: tuple[Any, ...] | None = None
    while True:
        page = query if after is None else query.where(tuple_(*keys) > tuple_(*after))
        rows = (await connection.execute(page)).mappings().all()
        for row in rows:
            yield dict(row)
        if len(rows) < BATCH_ROWS:
            return
        after = tuple(rows[-1][key.name] for key in keys)


async def import_database(engine: AsyncEngine, path: Path) -> dict[str, int]:
    """Load an archive into an empty, migrated database in one transaction; rows per table.

    Any problem (bad header, malformed line, a row the database refuses) raises
    ArchiveError and rolls everything back, so the database stays empty.
    """
    with _open(path) as stream:
        lines = _numbered(path, stream)
        header = _read_header(path, next(lines, None))
        async with engine.begin() as connection:
            await lock_writers(connection)
            await _require_empty(connection, path)
            loader = _Loader(connection, path)
            for number, line in lines:
                await loader.add(number, _parse_row(path, number, line))
            counts = await loader.finish()
            _check_counts(path, header["tables"], counts)
            await _reset_sequences(connection)
    return counts


def _open(path: Path) -> IO[str]:
    try:
        return path.open(encoding="utf-8", newline="\n")
    except OSError as exc:
        raise ArchiveError(path, f"cannot be read ({exc.strerror}); check the path") from None


def _numbered(path: Path, stream: IO[str]) -> Iterator[tuple[int, str]]:
    """Non-blank lines with their 1-based numbers; bad UTF-8 is reported by line."""
    number = 0
    try:
        for number, line in enumerate(stream, start=1):  # noqa: B007  (read after a decode error)
            if line.strip():
                yield number, line
    except UnicodeDecodeError:
        raise ArchiveError(path, f"line {number + 1}: not UTF-8; an archive is UTF-8 JSON Lines "
                           "as `python -m api export` writes it") from None


def _read_header(path: Path, first: tuple[int, str] | None) -> dict[str, Any]:
    if first is None:
        raise ArchiveError(path, "the file is empty; give a file `python -m api export` wrote")
    number, line = first
    header = _json_object(path, number, line)
    if header.get("format") != FORMAT:
        raise ArchiveError(path, f"line {number}: not a Quotegraph archive (the header has no "
                           f"\"format\": \"{FORMAT}\"); give a file `python -m api export` wrote")
    if header.get("version") != VERSION:
        raise ArchiveError(path, f"line {number}: archive version {header.get('version')!r} is "
                           f"not {VERSION}, the version this code reads; import it with the "
                           "Quotegraph release that wrote it")
    _check_revision(path, number, header.get("alembicRevision"))
    _check_table_counts(path, number, header.get("tables"))
    return header


def _check_revision(path: Path, number: int, revision: object) -> None:
    if not isinstance(revision, str) or revision not in known_revisions():
        raise ArchiveError(path, f"line {number}: the archive was written at migration "
                           f"{revision!r}, which this code does not know (it is newer, or not "
                           "Quotegraph's); upgrade Quotegraph to the release that wrote it")


def _check_table_counts(path: Path, number: int, counts: object) -> None:
    known = {table.name for table in tables()}
    if not isinstance(counts, dict) or not all(
        isinstance(n, int) and not isinstance(n, bool) and n >= 0 for n in counts.values()
    ):
        raise ArchiveError(path, f"line {number}: \"tables\" must map table names to row counts")
    unknown = sorted(set(counts) - known)
    if unknown:
        raise ArchiveError(path, f"line {number}: unknown table(s) {', '.join(unknown)}; "
                           "upgrade Quotegraph to the release that wrote the archive")


def _json_object(path: Path, number: int, line: str) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ArchiveError(path, f"line {number}: broken JSON ({exc.msg}); the file may be "
                           "truncated or edited, export it again") from None
    if not isinstance(record, dict):
        raise ArchiveError(path, f"line {number}: expected a JSON object, got "
                           f"{type(record).__name__}")
    return record


@dataclass(frozen=True)
class _Record:
    number: int
    table: Table
    row: Row


def _parse_row(path: Path, number: int, line: str) -> _Record:
    record = _json_object(path, number, line)
    table = SQLModel.metadata.tables.get(str(record.get("table")))
    row = record.get("row")
    if table is None:
        raise ArchiveError(path, f"line {number}: unknown table {record.get('table')!r}; "
                           "rows are {\"table\": NAME, \"row\": {...}}")
    if not isinstance(row, dict):
        raise ArchiveError(path, f"line {number}: \"row\" must be an object of column values")
    return _Record(number, table, _typed_row(path, number, table, row))


def _typed_row(path: Path, number: int, table: Table, row: Row) -> Row:
    unknown = sorted(set(row) - set(table.columns.keys()))
    if unknown:
        raise ArchiveError(path, f"line {number}: table {table.name} has no column(s) "
                           f"{', '.join(unknown)}; upgrade Quotegraph to the release that wrote it")
    return {name: _typed(path, number, table.columns[name], value) for name, value in row.items()}


def _typed(path: Path, number: int, column: Column[Any], value: object) -> object:
    """ISO strings back into dates and datetimes; every other JSON value is stored as it is."""
    parse = {Date: dt.date.fromisoformat, DateTime: dt.datetime.fromisoformat}.get(
        type(_base_type(column.type))
    )
    if value is None or parse is None:
        return value
    try:
        return parse(str(value))
    except ValueError:
        raise ArchiveError(path, f"line {number}: {column.table.name}.{column.name} "
                           f"{value!r} is not an ISO date") from None


def _base_type(kind: TypeEngine[Any]) -> TypeEngine[Any]:
    return kind.impl_instance if isinstance(kind, TypeDecorator) else kind


@dataclass
class _Batch:
    """Consecutive rows of one table with the same columns: one executemany."""

    table: Table
    keys: frozenset[str]
    first: int  # line numbers, for error messages
    last: int = 0
    rows: list[Row] = field(default_factory=list)


class _Loader:
    """Inserts rows in executemany batches; self-references are filled in once a table is in."""

    def __init__(self, connection: AsyncConnection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self.counts = {table.name: 0 for table in tables()}
        self.batch: _Batch | None = None
        self.table_first = 0  # first line of the current table's run of rows
        self.links: list[Row] = []  # primary keys and self-references held back

    async def add(self, number: int, record: _Record) -> None:
        batch = self.batch
        new_table = batch is None or batch.table is not record.table
        if new_table or batch is None or batch.keys != set(record.row):
            await self._flush(table_done=new_table)
            batch = self.batch = _Batch(record.table, frozenset(record.row), number)
            self.table_first = number if new_table else self.table_first
        if not batch.rows:
            batch.first = number
        batch.rows.append(self._held_back(record.table, record.row))
        batch.last = number
        if len(batch.rows) >= BATCH_ROWS:
            await self._flush(table_done=False)

    async def finish(self) -> dict[str, int]:
        await self._flush(table_done=True)
        return self.counts

    def _held_back(self, table: Table, row: Row) -> Row:
        refs = {c.name for c in _self_references(table)} & {k for k, v in row.items() if v is not None}
        if refs:
            self.links.append({**{f"pk_{c.name}": row[c.name] for c in table.primary_key},
                               **{f"ref_{name}": row[name] for name in refs}})
            row = {**row, **dict.fromkeys(refs)}
        return row

    async def _flush(self, *, table_done: bool) -> None:
        batch = self.batch
        if batch is None:
            return
        await self._run(batch, batch.table.insert(), batch.rows)
        self.counts[batch.table.name] += len(batch.rows)
        self.batch = None if table_done else _Batch(batch.table, batch.keys, batch.last + 1)
        if table_done and self.links:
            await self._link(_Batch(batch.table, batch.keys, self.table_first, batch.last))

    async def _link(self, batch: _Batch) -> None:
        """Set the held-back self-references (lines `batch.first`-`batch.last`) by column set."""
        table = batch.table
        groups: dict[frozenset[str], list[Row]] = {}
        for link in self.links:
            groups.setdefault(frozenset(k for k in link if k.startswith("ref_")), []).append(link)
        for names, links in groups.items():
            where = [c == bindparam(f"pk_{c.name}") for c in table.primary_key]
            values: dict[str, Any] = {name.removeprefix("ref_"): bindparam(name) for name in names}
            await self._run(batch, update(table).where(*where).values(values), links)
        self.links = []

    async def _run(self, batch: _Batch, statement: Any, rows: list[Row]) -> None:
        if not rows:
            return
        try:
            await self.connection.execute(statement, rows)
        except SQLAlchemyError as exc:
            cause = str(getattr(exc, "orig", None) or exc).splitlines()[0]
            raise ArchiveError(self.path, f"lines {batch.first}-{batch.last}: the database refused "
                               f"these {batch.table.name} rows ({cause}); nothing was imported")\
                from None


def _self_references(table: Table) -> list[Column[Any]]:
    return [fk.parent for fk in table.foreign_keys if fk.column.table is table]


async def _require_empty(connection: AsyncConnection, path: Path) -> None:
    filled = {table.name: n for table in tables() if (n := await _count(connection, table))}
    if filled:
        held = ", ".join(f"{name} {n}" for name, n in filled.items())
        raise ArchiveError(path, f"the target database already holds rows ({held}); import "
                           "only into an empty database: point DATABASE_URL at a new SQLite file "
                           "or an empty PostgreSQL database")


def _check_counts(path: Path, promised: Mapping[str, int], counts: Mapping[str, int]) -> None:
    for name, found in counts.items():
        expected = promised.get(name, 0)
        if found != expected:
            raise ArchiveError(path, f"the header counts {expected} {name} row(s) but the file "
                               f"holds {found}; the file is incomplete, export it again")


async def _reset_sequences(connection: AsyncConnection) -> None:
    """PostgreSQL: continue each id sequence after the imported keys (SQLite needs nothing)."""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer
    for table in tables():
        column = table.autoincrement_column
        if column is None:
            continue
        await connection.execute(
            text(f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                 f"COALESCE(MAX({quote.quote(column.name)}), 0) + 1, false) "
                 f"FROM {quote.format_table(table)}"),
            {"table": quote.format_table(table), "column": column.name},
        )
