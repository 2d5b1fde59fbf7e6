"""One SQL statement for a whole plan: the database builds the response's `data` JSON.

Tables, columns, foreign keys and listings come from the plan, which read them in
the schema's catalogue; filters, orders and keyset conditions from the listings of
`api.loaders.listings`, and arguments are checked by the same functions the
resolvers call (`window_of`, `pk_of`, the filter inputs): a bad argument raises the same
InvalidArgument, and the caller lets Strawberry answer with that error.

A connection is three nested selects: the page (the listing's rows after the
cursor, LIMIT size + 1, numbered), the page with its row count, and the JSON
built from the first `size` rows; nested fields are correlated subqueries on the
row they belong to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as attribute
from typing import Any

from graphql import VariableValues, get_argument_values
from sqlalchemy import FromClause, Select, Table, and_, case, func, literal, or_, select
from sqlalchemy.sql.expression import ScalarSelect

from api.compiler import plan as p
from api.compiler.dialect import Dialect, Expr, quoted
from api.loaders.aggregates import KEYS, MEASURES, Grouping, groups, totals
from api.loaders.criteria import visible
from api.loaders.listings import (
    Source,
    Window,
    beyond,
)
from api.schema import catalogue
from api.schema.aggregates import grouping_of
from api.schema.node import from_global_id, pk_of
from api.schema.pagination import window_of
from api.store import models

_ALIAS: Table = models.ActorAlias.__table__  # type: ignore[attr-defined]

Arguments = Mapping[str, Any]


@dataclass(frozen=True)
class Builder:
    """Builds the statement of one plan for one request's variables."""

    dialect: Dialect
    variables: VariableValues
    # Rows looked up by a primary key the request gave (`actor(id:)`, `node(id:)`): their
    # lists filter on that value, not on a correlated column, so the planner sees which
    # parent it is (a prolific speaker's statements walk the feed index; a rare one's
    # are fetched and sorted) instead of guessing an average.
    _known: dict[FromClause, int] = attribute(default_factory=dict, compare=False)
    # Group rows (`groupedAggregates`) and the grouping their keys follow.
    _groupings: dict[FromClause, Grouping] = attribute(default_factory=dict, compare=False)

    def statement(self, plan: p.Plan) -> Select[Any]:
        """SELECT of one row, one column: the JSON text of `data`."""
        data = self.dialect.text(self._object(plan.fields, None, "Query"))
        return select(data.label("data"))

    def _arguments(self, arguments: p.Arguments) -> Arguments:
        return get_argument_values(arguments.definition, arguments.node, self.variables)

    def _object(self, fields: p.Selection, row: FromClause | None, type_name: str) -> Expr:
        return self.dialect.object([(f.key, self._field(f, row, type_name)) for f in fields])

    def _field(self, field: p.Field, row: FromClause | None, type_name: str) -> Expr:
        if isinstance(field, p.Constant):
            return quoted(field.value)
        if isinstance(field, p.Connection):
            return self._connection(field, row)
        if isinstance(field, p.Lookup):
            return self._lookup(field)
        if isinstance(field, p.NodeLookup):
            return self._node(field)
        assert row is not None, field
        return self._row_field(field, row, type_name)

    def _row_field(self, field: p.Field, row: FromClause, type_name: str) -> Expr:
        if isinstance(field, p.Column):
            return row.c[field.column]
        if isinstance(field, p.GlobalId):
            return self.dialect.global_id(field.type_name, row.c.id)
        if isinstance(field, p.Related):
            return self._related(field, row)
        if isinstance(field, p.Span):
            return self._span(field, row)
        if isinstance(field, p.Linked):
            return self._linked(field, row)
        if isinstance(field, p.Captions):
            return self._captions(field, row)
        if isinstance(field, p.Parts):
            return self._parts(field, row)
        if isinstance(field, p.Aliases):
            return self._aliases(row)
        if isinstance(field, p.Count):
            return self._count(field.count.listing.source(field.count.criteria), row)
        if isinstance(field, p.Distinct):
            return self._distinct(field.distinct, row)
        if isinstance(field, p.Inline):
            return self._object(field.fields, row, field.type_name)
        if isinstance(field, p.Keys):
            return self._keys(self._groupings[row], row)
        raise AssertionError(field)

    # --- single rows ------------------------------------------------------------------

    def _related(self, field: p.Related, row: FromClause) -> Expr:
        table = field.table.alias()
        value = self._object(field.fields, table, field.type_name)
        linked = table.c.id == row.c[field.foreign_key]
        query = select(value).where(linked, *visible(field.table, table)).correlate(row)
        return self._scalar(query)

    def _lookup(self, field: p.Lookup) -> Expr:
        pk = pk_of(self._arguments(field.arguments)["id"], field.type_name)
        return self._by_pk(field.type_name, field.table, field.fields, pk)

    def _node(self, field: p.NodeLookup) -> Expr:
        type_name, pk = from_global_id(self._arguments(field.arguments)["id"])
        return self._by_pk(type_name, *field.by_type[type_name], pk)

    def _by_pk(self, type_name: str, of: Table, fields: p.Selection, pk: int) -> Expr:
        table = of.alias()
        self._known[table] = pk
        value = self._object(fields, table, type_name)
        query = select(value).where(table.c.id == pk, *visible(of, table))
        return self._scalar(query.correlate(None))

    def _span(self, field: p.Span, row: FromClause) -> Expr:
        start, end = (row.c[name] for name in field.columns)
        named = {"start": start, "end": end}
        pairs = [
            (f.key, named[f.column] if isinstance(f, p.Column) else self._field(f, row, "Span"))
            for f in field.fields
        ]
        value = self.dialect.object(pairs)
        missing = or_(start.is_(None), end.is_(None))
        return self.dialect.embed(case((missing, None), else_=value))

    def _scalar(self, query: Select[Any]) -> Expr:
        return self.dialect.embed(query.scalar_subquery())

    # --- unpaged lists ----------------------------------------------------------------

    def _linked(self, field: p.Linked, row: FromClause) -> Expr:
        target, link = field.table.alias(), field.link
        names = sorted(_columns(field.fields) | {"id", "name_key"})
        query = select(*(target.c[name] for name in names))
        if link.through is None:
            query = query.where(target.c[link.owner] == row.c.id)
        else:
            linked = link.through.__table__.alias()  # type: ignore[attr-defined]
            query = query.join(linked, linked.c[link.target] == target.c.id)
            query = query.where(linked.c[link.owner] == row.c.id)
        ordered = query.order_by(target.c.name_key, target.c.id).correlate(row).subquery()
        value = self._object(field.fields, ordered, field.type_name)
        order = [ordered.c.name_key, ordered.c.id]
        return self._scalar(select(self.dialect.array(value, order)).select_from(ordered))

    def _captions(self, field: p.Captions, row: FromClause) -> Expr:
        elements, text, credit, order = self.dialect.captions(row.c[field.column], row)
        named = {"text": text, "credit": credit}
        pairs = [
            (f.key, named[f.column] if isinstance(f, p.Column) else self._field(f, row, "Caption"))
            for f in field.fields
        ]
        value = self.dialect.array(self.dialect.object(pairs), [order])
        return self._scalar(select(value).select_from(elements).correlate(row))

    def _parts(self, field: p.Parts, row: FromClause) -> Expr:
        column, start, end = (row.c[name] for name in field.columns)
        elements, part_start, part_end, order = self.dialect.spans(column, start, end, row)
        named = {"start": part_start, "end": part_end}
        pairs = [
            (f.key, named[f.column] if isinstance(f, p.Column) else self._field(f, row, "Span"))
            for f in field.fields
        ]
        value = self.dialect.array(self.dialect.object(pairs), [order])
        return self._scalar(select(value).select_from(elements).correlate(row))

    def _aliases(self, row: FromClause) -> Expr:
        alias = _ALIAS.alias()
        ordered = (
            select(alias.c.alias, alias.c.alias_key, alias.c.id)
            .where(alias.c.actor_id == row.c.id)
            .order_by(alias.c.alias_key, alias.c.id)
            .correlate(row)
            .subquery()
        )
        value = self.dialect.array(ordered.c.alias, [ordered.c.alias_key, ordered.c.id])
        return self._scalar(select(value).select_from(ordered))

    def _count(self, source: Source, row: FromClause | None) -> ScalarSelect[Any]:
        query = source.query.with_only_columns(func.count(), maintain_column_froms=True)
        if source.parent is not None:
            assert row is not None
            query = query.where(source.parent == self._parent_id(row))
        return query.correlate(row).scalar_subquery()

    def _distinct(self, read: catalogue.Distinct[Any], row: FromClause) -> Expr:
        """Each value once, ordered by the listing's first row that has it."""
        source = read.listing.source(read.criteria)
        assert source.parent is not None
        order = [k.expr.desc() if k.descending else k.expr.asc() for k in source.keys]
        number = func.row_number().over(order_by=order).label("qg_n")
        query = source.query.with_only_columns(
            read.value.label("qg_v"), number, maintain_column_froms=True
        )
        under = query.where(source.parent == self._parent_id(row), read.value.is_not(None))
        rows = under.correlate(row).subquery()
        first = func.min(rows.c.qg_n).label("qg_first")
        values = select(rows.c.qg_v, first).group_by(rows.c.qg_v).order_by(first).subquery()
        array = self.dialect.array(values.c.qg_v, [values.c.qg_first])
        return self._scalar(select(array).select_from(values))

    def _parent_id(self, row: FromClause) -> Expr:
        """The id of `row` as a list under it filters on: the known key, else the column."""
        pk = self._known.get(row)
        return row.c.id if pk is None else literal(pk)

    # --- connections ------------------------------------------------------------------

    def _connection(self, field: p.Connection, row: FromClause | None) -> Expr:
        listing = field.listed.listing
        arguments = self._arguments(field.arguments)
        criteria = field.listed.criteria_of_coerced(arguments)
        window = window_of(
            listing,
            criteria,
            arguments.get("first"),
            arguments.get("after"),
            arguments.get("last"),
            arguments.get("before"),
        )
        source = listing.source(criteria)
        page = None
        whole = (p.TotalCount, p.Constant, p.Aggregates, p.Groups)  # no page needed
        if any(not isinstance(part, whole) for part in field.parts):
            columns = [field.table.c[name] for name in _row_columns(field)]
            parent = None if row is None else self._parent_id(row)
            page = _page(source, columns, window, row, parent)
        pairs = [
            (part.key, self._part(part, field, source, window, page, row)) for part in field.parts
        ]
        query = select(self.dialect.object(pairs))
        if page is not None:
            query = query.select_from(page)
        return self._scalar(query.correlate(row))

    def _part(
        self,
        part: p.Part,
        field: p.Connection,
        source: Source,
        window: Window,
        page: FromClause | None,
        row: FromClause | None,
    ) -> Expr:
        if isinstance(part, p.Constant):
            return quoted(part.value)
        if isinstance(part, p.TotalCount):
            return self._count(source, row)
        if isinstance(part, p.Aggregates):
            return self._totals(part, field, source, row)
        if isinstance(part, p.Groups):
            return self._groups(part, field, source, row)
        assert page is not None
        in_page = page.c.qg_n <= window.size
        order = [page.c.qg_n if window.forward else page.c.qg_n.desc()]
        if isinstance(part, p.Nodes):
            value = self._object(part.fields, page, field.type_name)
            return self.dialect.array(value, order, in_page)
        if isinstance(part, p.Edges):
            edge = self.dialect.object(
                [(f.key, self._edge_field(f, field, source, page)) for f in part.fields]
            )
            return self.dialect.array(edge, order, in_page)
        assert isinstance(part, p.PageInfo)
        return self.dialect.object(
            [(f.key, self._page_info(f, source, window, page)) for f in part.fields]
        )

    # --- aggregates (api.loaders.aggregates) --------------------------------------------

    def _totals(
        self, part: p.Aggregates, field: p.Connection, source: Source, row: FromClause | None
    ) -> Expr:
        query = totals(MEASURES[field.listed.listing.entity], source)
        if source.parent is not None:
            assert row is not None
            query = query.where(source.parent == self._parent_id(row))
        measured = query.correlate(row).subquery()
        value = self._object(part.fields, measured, part.type_name)
        return self._scalar(select(value).select_from(measured).correlate(row))

    def _groups(
        self, part: p.Groups, field: p.Connection, source: Source, row: FromClause | None
    ) -> Expr:
        arguments = self._arguments(part.arguments)
        grouping = grouping_of(arguments["groupBy"], arguments.get("orderBy"), arguments.get("first"))
        parents = None
        if source.parent is not None:
            assert row is not None
            parents = source.parent == self._parent_id(row)
        grouped = groups(MEASURES[field.listed.listing.entity], source, grouping, parents)
        # SQLite aggregates rows in the order the subquery gives them.
        ranked = grouped.order_by(grouped.selected_columns.qg_n).limit(grouping.size)
        rows = ranked.correlate(row).subquery()
        self._groupings[rows] = grouping
        value = self._object(part.fields, rows, part.type_name)
        array = self.dialect.array(value, [rows.c.qg_n])
        return self._scalar(select(array).select_from(rows).correlate(row))

    def _keys(self, grouping: Grouping, row: FromClause) -> Expr:
        """A group's `keys`, as api.schema.aggregates.key_text writes each."""
        values: list[Expr] = []
        for i, by in enumerate(grouping.by):
            key, value = KEYS[by], row.c[f"qg_g{i}"]
            if key.type_name is not None:
                values.append(self.dialect.global_id(key.type_name, value))
            elif key.kind is dt.date:
                values.append(self.dialect.iso_date(value))
            else:
                values.append(value)
        return self.dialect.values(values)

    def _edge_field(
        self, field: p.EdgeField, connection: p.Connection, source: Source, page: FromClause
    ) -> Expr:
        if isinstance(field, p.Constant):
            return quoted(field.value)
        if isinstance(field, p.EdgeCursor):
            return self._cursor(source, page)
        return self._object(field.fields, page, connection.type_name)

    def _cursor(self, source: Source, page: FromClause) -> Expr:
        keys = [(page.c[f"qg_k{i}"], key.kind) for i, key in enumerate(source.keys)]
        return self.dialect.cursor(keys)

    def _page_info(
        self, field: p.PageInfoField, source: Source, window: Window, page: FromClause
    ) -> Expr:
        size = window.size
        more = self.dialect.boolean(func.count() > size)
        if field.name == "__typename":
            return quoted("PageInfo")
        if field.name == "hasNextPage":
            return more if window.forward else self.dialect.constant(window.before is not None)
        if field.name == "hasPreviousPage":
            return self.dialect.constant(window.after is not None) if window.forward else more
        last = case((page.c.qg_total < size, page.c.qg_total), else_=size)
        first_row = and_(page.c.qg_n == 1, page.c.qg_n <= size)
        start = field.name == "startCursor"
        at = first_row if start == window.forward else page.c.qg_n == last
        return func.max(self._cursor(source, page)).filter(at)


def _row_columns(field: p.Connection) -> list[str]:
    """The columns of its rows that a connection's fields read (always the id)."""
    names = {"id"}
    for part in field.parts:
        if isinstance(part, p.Nodes):
            names.update(_columns(part.fields))
        elif isinstance(part, p.Edges):
            for edge_field in part.fields:
                if isinstance(edge_field, p.EdgeNode):
                    names.update(_columns(edge_field.fields))
    return sorted(names)


def _columns(fields: p.Selection) -> set[str]:
    names: set[str] = set()
    for field in fields:
        if isinstance(field, p.Column):
            names.add(field.column)
        elif isinstance(field, p.Related):
            names.add(field.foreign_key)
        elif isinstance(field, p.Span):
            names.update(field.columns)
        elif isinstance(field, p.Captions):
            names.add(field.column)
        elif isinstance(field, p.Parts):
            names.update(field.columns)
    return names


def _page(
    source: Source,
    columns: Sequence[Expr],
    window: Window,
    row: FromClause | None,
    parent: Expr | None,
) -> FromClause:
    """The page's rows (size + 1 of them, to know if more follow), numbered in the
    direction of travel, with their sort values (qg_k0...) and how many there are.

    Only the `columns` the plan reads are selected: each level of subquery copies them."""
    query = source.query.with_only_columns(*columns, maintain_column_froms=True)
    if source.parent is not None:
        assert parent is not None
        query = query.where(source.parent == parent)
    if window.after is not None:
        query = query.where(beyond(source.keys, window.after, ahead=True))
    if window.before is not None:
        query = query.where(beyond(source.keys, window.before, ahead=False))
    reverse = not window.forward
    order = [k.expr.desc() if k.descending != reverse else k.expr.asc() for k in source.keys]
    values: list[Expr] = [k.expr.label(f"qg_k{i}") for i, k in enumerate(source.keys)]
    number = func.row_number().over(order_by=order).label("qg_n")
    rows = query.add_columns(*values, number).order_by(*order).limit(window.size + 1)
    limited = rows.correlate(row).subquery()
    counted = select(limited, func.count().over().label("qg_total"))
    # SQLite aggregates rows in the order the subquery gives them.
    return counted.order_by(limited.c.qg_n.desc() if reverse else limited.c.qg_n).subquery()
