"""The compiled path hands asyncpg each argument as SQLAlchemy would: through its type's
bind processor, found with public API. An upgrade that changes how bind names or
processors are exposed fails here rather than as wrong arguments on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Date, Integer, column, literal, select, table
from sqlalchemy.ext.asyncio import create_async_engine

from api.compiler.run import _positional

ROWS = table("t", column("id", Integer), column("day", Date))
STATEMENT = select(ROWS.c.id).where(
    ROWS.c.id.in_([4, 5]),
    ROWS.c.day > dt.date(2016, 12, 1),
    literal({"a": [1]}, JSON).is_not(None),
)


def test_arguments_go_through_their_types_processors_in_placeholder_order() -> None:
    engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:9/none")  # never connects
    sql, args = _positional(engine, STATEMENT)
    assert sql == (
        "SELECT t.id \nFROM t \nWHERE t.id IN ($3::INTEGER, $4::INTEGER) AND t.day > $1::DATE "
        "AND $2::JSON IS NOT NULL"
    )
    assert args == (dt.date(2016, 12, 1), '{"a": [1]}', 4, 5)
