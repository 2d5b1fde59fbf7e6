"""The JSON functions of each database, behind one interface.

PostgreSQL builds JSON with `json_build_object`/`json_agg` (ordered inside the
aggregate) and base64 with `encode`; SQLite 3.40 with `json_object`/
`json_group_array`, which follow the order of the subquery they read, needs
`json(...)` around JSON that crosses a subquery (else it is embedded as a string)
and gets base64 from the `qg_b64` function `api.store.db` registers on each connection.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Text, case, cast, func, literal_column, select
from sqlalchemy.dialects.postgresql import aggregate_order_by

from api.loaders.listings import SortValue

Expr = ColumnElement[Any]


def quoted(text: str) -> Expr:
    """A string constant inlined in the SQL: GraphQL names and type names only."""
    assert text.replace("_", "").replace("-", "").replace("$.", "").isalnum() or not text, text
    return literal_column(f"'{text}'")


class Dialect:
    """PostgreSQL's JSON (the production database)."""

    name = "postgresql"

    def object(self, pairs: Sequence[tuple[str, Expr]]) -> Expr:
        """A JSON object with these keys in this order."""
        return func.json_build_object(*(e for key, value in pairs for e in (quoted(key), value)))

    def embed(self, json: Expr) -> Expr:
        """JSON built in a subquery, to nest in another object or array."""
        return json

    def values(self, values: Sequence[Expr]) -> Expr:
        """A JSON array of these values, in this order."""
        return func.json_build_array(*values)

    def iso_date(self, value: Expr) -> Expr:
        """A date as YYYY-MM-DD text, as Strawberry prints a Date."""
        return _iso_day(value)

    def text(self, json: Expr) -> Expr:
        """The JSON as text, as the driver hands it over undecoded."""
        return cast(json, Text)

    def array(self, value: Expr, order: Sequence[Expr], where: Expr | None = None) -> Expr:
        """The JSON array of `value` over the rows (of `where`) in `order`; [] for none."""
        aggregated: Expr = func.json_agg(aggregate_order_by(value, *order))
        if where is not None:
            aggregated = func.json_agg(aggregate_order_by(value, *order)).filter(where)
        return func.coalesce(aggregated, literal_column("'[]'::json"))

    def captions(self, column: Expr, row: FromClause) -> tuple[FromClause, Expr, Expr, Expr]:
        """The elements of a JSON array column of captions: (rows, text, credit, order),
        as `Caption.from_json` reads them (no text: ""; anything but an array: none)."""
        array = case(
            (func.json_typeof(column) == quoted("array"), column),
            else_=literal_column("'[]'::json"),
        )
        elements = func.json_array_elements(array).table_valued(
            "value", with_ordinality="ordinality"
        )
        value = elements.c.value
        text = func.coalesce(value.op("->>")(quoted("text")), quoted(""))
        return elements, text, value.op("->>")(quoted("credit")), elements.c.ordinality

    def spans(
        self, column: Expr, start: Expr, end: Expr, row: FromClause
    ) -> tuple[FromClause, Expr, Expr, Expr]:
        """The elements of a JSON array column of {"start", "end"} objects, NULL being
        the one span [start, end): (rows, start, end, order), as the schema reads them."""
        one = func.json_build_array(
            func.json_build_object(quoted("start"), start, quoted("end"), end)
        )
        elements = func.json_array_elements(func.coalesce(column, one)).table_valued(
            "value", with_ordinality="ordinality"
        )
        value = elements.c.value
        return (
            elements, value.op("->")(quoted("start")), value.op("->")(quoted("end")),
            elements.c.ordinality,
        )

    def boolean(self, condition: Expr) -> Expr:
        """A JSON true/false."""
        return condition

    def constant(self, value: bool) -> Expr:
        """A JSON true/false known in advance."""
        return literal_column("true" if value else "false")

    def base64(self, text: Expr) -> Expr:
        """URL-safe base64 of the UTF-8 of `text`, padded, on one line (as Python's)."""
        encoded = func.encode(func.convert_to(text, quoted("UTF8")), quoted("base64"))
        return func.translate(encoded, literal_column("E'+/\\n'"), literal_column("'-_'"))

    def global_id(self, type_name: str, pk: Expr) -> Expr:
        """api.schema.node.to_global_id in SQL."""
        return self.base64(literal_column(f"'{type_name}:'").op("||")(cast(pk, Text)))

    def cursor(self, values: Sequence[tuple[Expr, type[SortValue]]]) -> Expr:
        """api.schema.pagination.encode_cursor in SQL: base64 of the compact JSON list."""
        parts: list[Expr] = []
        for value, kind in values:
            if kind is dt.date:
                day = _iso_day(value)
                opening: Expr = literal_column("'{\"d\":\"'")
                closing: Expr = literal_column("'\"}'")
                parts.append(opening.op("||")(day).op("||")(closing))
            elif kind is str:
                parts.append(cast(func.to_json(value), Text))
            else:
                parts.append(cast(value, Text))
        text: Expr = literal_column("'['")
        for i, part in enumerate(parts):
            text = text.op("||")(literal_column("','") if i else literal_column("''"))
            text = text.op("||")(part)
        return self.base64(text.op("||")(literal_column("']'")))


def _iso_day(value: Expr) -> Expr:
    """YYYY-MM-DD of a date; asyncpg sends Python's date.min and date.max (the undated
    articles' sort value is date.min) as -infinity and infinity, which to_char leaves null."""
    return case(
        (value == literal_column("'-infinity'::date"), quoted("0001-01-01")),
        (value == literal_column("'infinity'::date"), quoted("9999-12-31")),
        else_=func.to_char(value, quoted("YYYY-MM-DD")),
    )


class SQLiteDialect(Dialect):
    """SQLite's JSON1 functions."""

    name = "sqlite"

    def object(self, pairs: Sequence[tuple[str, Expr]]) -> Expr:
        return func.json_object(*(e for key, value in pairs for e in (quoted(key), value)))

    def embed(self, json: Expr) -> Expr:
        return func.json(json)

    def values(self, values: Sequence[Expr]) -> Expr:
        return func.json_array(*values)

    def iso_date(self, value: Expr) -> Expr:
        return value  # stored as YYYY-MM-DD text

    def text(self, json: Expr) -> Expr:
        return json

    def array(self, value: Expr, order: Sequence[Expr], where: Expr | None = None) -> Expr:
        # No ORDER BY inside aggregates before SQLite 3.44: the rows come ordered.
        aggregated: Expr = func.json_group_array(value)
        if where is not None:
            aggregated = func.json_group_array(value).filter(where)
        return aggregated

    def captions(self, column: Expr, row: FromClause) -> tuple[FromClause, Expr, Expr, Expr]:
        is_array = func.json_type(column) == quoted("array")
        array = case((is_array, column), else_=literal_column("'[]'"))
        elements = func.json_each(array).table_valued("value", "key")
        ordered = (
            select(elements.c.value, elements.c.key)
            .order_by(elements.c.key)
            .correlate(row)
            .subquery()
        )
        text = func.coalesce(func.json_extract(ordered.c.value, quoted("$.text")), quoted(""))
        credit = func.json_extract(ordered.c.value, quoted("$.credit"))
        return ordered, text, credit, ordered.c.key

    def spans(
        self, column: Expr, start: Expr, end: Expr, row: FromClause
    ) -> tuple[FromClause, Expr, Expr, Expr]:
        one = func.json_array(func.json_object(quoted("start"), start, quoted("end"), end))
        elements = func.json_each(func.coalesce(column, one)).table_valued("value", "key")
        ordered = (
            select(elements.c.value, elements.c.key)
            .order_by(elements.c.key)
            .correlate(row)
            .subquery()
        )
        part_start = func.json_extract(ordered.c.value, quoted("$.start"))
        return ordered, part_start, func.json_extract(ordered.c.value, quoted("$.end")), ordered.c.key

    def boolean(self, condition: Expr) -> Expr:
        return func.json(case((condition, quoted("true")), else_=quoted("false")))

    def constant(self, value: bool) -> Expr:
        return func.json(quoted("true" if value else "false"))

    def base64(self, text: Expr) -> Expr:
        return func.qg_b64(text)

    def global_id(self, type_name: str, pk: Expr) -> Expr:
        return self.base64(literal_column(f"'{type_name}:'").op("||")(pk))

    def cursor(self, values: Sequence[tuple[Expr, type[SortValue]]]) -> Expr:
        parts = [
            func.json_object(quoted("d"), value) if kind is dt.date else value
            for value, kind in values
        ]
        return self.base64(func.json_array(*parts))


def dialect_of(name: str) -> Dialect:
    """The JSON dialect of a SQLAlchemy dialect name."""
    return SQLiteDialect() if name == "sqlite" else Dialect()
