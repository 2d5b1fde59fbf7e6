"""SQL constructs each database writes its own way: the sort value of undated articles,
the full-text match on statements (the indexes of migration 0003_search), and, for
aggregates, dates truncated to a week or month and text compared by code point."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Alias,
    ColumnClause,
    ColumnElement,
    Date,
    FunctionElement,
    SQLColumnExpression,
    String,
    TableClause,
    column,
    false,
    func,
    literal,
    literal_column,
    table,
)
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlmodel import col

from api.store.models import Article, Statement

Expr = SQLColumnExpression[Any]
NO_DATE = dt.date.min  # undated articles sort as the oldest
NO_DATE_LAST = dt.date.max  # ...or, in a first-seen order, after every dated one


def published() -> Expr:
    return undated_first(col(Article.published_at))


def undated_last(column: Expr) -> Expr:
    """A date column whose NULL sorts after every date (`NO_DATE_LAST`): the first-seen
    orders of api.store.quotes, where an undated appearance comes last."""
    return func.coalesce(column, _UndatedLast())


def undated_first(column: Expr) -> Expr:
    """A date column whose NULL sorts before every date (`NO_DATE`), as `published()`."""
    return func.coalesce(column, _Undated())


class _Undated(FunctionElement[dt.date]):
    """`NO_DATE` written into the SQL, not bound: only then does `published()` match the
    index ix_article_feed (on SQLite always, on PostgreSQL in generic plans)."""

    type = Date()
    name = "qg_undated"  # never rendered: each dialect writes its own constant
    inherit_cache = True


@compiles(_Undated, "sqlite")
def _undated_text(element: _Undated, compiler: SQLCompiler, **kw: Any) -> str:
    return f"'{NO_DATE.isoformat()}'"


@compiles(_Undated, "postgresql")
def _undated_infinity(element: _Undated, compiler: SQLCompiler, **kw: Any) -> str:
    # asyncpg sends date.min (which NO_DATE is) as -infinity, so cursors hold that value.
    return "'-infinity'::date"


class _UndatedLast(FunctionElement[dt.date]):
    """`NO_DATE_LAST` written into the SQL, as `_Undated` writes `NO_DATE`."""

    type = Date()
    name = "qg_undated_last"  # never rendered: each dialect writes its own constant
    inherit_cache = True


@compiles(_UndatedLast, "sqlite")
def _undated_last_text(element: _UndatedLast, compiler: SQLCompiler, **kw: Any) -> str:
    return f"'{NO_DATE_LAST.isoformat()}'"


@compiles(_UndatedLast, "postgresql")
def _undated_last_infinity(element: _UndatedLast, compiler: SQLCompiler, **kw: Any) -> str:
    # asyncpg sends date.max (NO_DATE_LAST) as infinity, and reads infinity back as it.
    return "'infinity'::date"


_TERM = re.compile(r"[^\W_]+")  # a run of letters and digits: a word to both indexes


def search_terms(words: Sequence[str]) -> tuple[str, ...]:
    """The distinct runs of letters and digits in `words`: 'al-Hamawi' -> ('al', 'Hamawi')."""
    return tuple(dict.fromkeys(term for word in words for term in _TERM.findall(word)))


def word_prefixes(terms: Sequence[str]) -> ColumnElement[bool]:
    """Every term begins a word of the statement text, case-insensitively, by the text
    index of each database (migration 0003_search).

    Terms hold only letters and digits, so quoting them cannot break either query syntax;
    a search without any (only punctuation, say) matches nothing. A one-character term
    (the s of "Lavrov's", the U of "U.S.") must be a whole word: as a prefix it would
    gather most of the index (measured at 1M statements: "zakharova w" 0.7 s on
    PostgreSQL, 2.9 s on SQLite; as a word, a few ms).
    """
    if not terms:
        return false()
    fts = " AND ".join(f'"{term}"*' if len(term) > 1 else f'"{term}"' for term in terms)
    tsquery = " & ".join(f"'{term}':*" if len(term) > 1 else f"'{term}'" for term in terms)
    return _WordPrefixes(col(Statement.id), col(Statement.text), literal(fts), literal(tsquery))


class _WordPrefixes(FunctionElement[bool]):
    """A dialect's full-text match on statements; see `word_prefixes`. Its clauses: the
    statement id and text columns, then the FTS5 and the tsquery search strings. It has
    no Boolean type on purpose: SQLite would compare a Boolean WHERE term with 1, and
    `(id IN (...)) = 1` is no longer a rowid lookup the planner runs first."""

    name = "qg_word_prefixes"  # never rendered: each dialect writes its own match
    inherit_cache = True


@compiles(_WordPrefixes, "sqlite")
def _fts5_match(element: _WordPrefixes, compiler: SQLCompiler, **kw: Any) -> str:
    ident, _, fts, _ = element.clauses
    query = compiler.process(fts, **kw)
    ident_sql = compiler.process(ident, **kw)
    return f"{ident_sql} IN (SELECT rowid FROM statement_fts WHERE statement_fts MATCH {query})"


@compiles(_WordPrefixes, "postgresql")
def _tsvector_match(element: _WordPrefixes, compiler: SQLCompiler, **kw: Any) -> str:
    # `words`: the generated tsvector column beside `text` (migration 0003_search), which
    # the GIN index ix_statement_text_words covers; named on the text column's table (or
    # alias), which the model does not give it.
    _, text, _, tsquery = element.clauses
    assert isinstance(text, ColumnClause) and isinstance(text.table, (TableClause, Alias)), text
    words = table(text.table.name, column("words")).c.words
    query = compiler.process(tsquery, **kw)
    return f"{compiler.process(words, **kw)} @@ to_tsquery('simple', {query})"


@compiles(_WordPrefixes)
def _no_text_index(element: _WordPrefixes, compiler: SQLCompiler, **kw: Any) -> str:
    name = compiler.dialect.name
    raise CompileError(f"statement search needs SQLite or PostgreSQL, not {name}")



# --- aggregates -------------------------------------------------------------------------


def truncated(unit: str, day: Expr) -> Expr:
    """The first day of the `unit` ('day', 'week' (ISO: from Monday), 'month', 'year')
    that holds the date `day`; NULL stays NULL."""
    assert unit in _SQLITE_STARTS, unit
    return _Truncated(literal_column(f"'{unit}'"), day)


class _Truncated(FunctionElement[dt.date]):
    """`truncated`; its clauses: the unit (a literal) and the date."""

    type = Date()
    name = "qg_truncated"  # never rendered: each dialect writes its own
    inherit_cache = True


# SQLite's date modifiers to the start of each unit: 'weekday 0' moves on to the next
# Sunday (or stays on one), six days back is that week's Monday.
_SQLITE_STARTS = {
    "day": (),
    "week": ("'weekday 0'", "'-6 days'"),
    "month": ("'start of month'",),
    "year": ("'start of year'",),
}


def _unit_and_day(element: _Truncated, compiler: SQLCompiler, **kw: Any) -> tuple[str, str]:
    unit, day = element.clauses
    assert isinstance(unit, ColumnClause), unit
    return unit.name.strip("'"), compiler.process(day, **kw)


@compiles(_Truncated, "sqlite")
def _sqlite_truncated(element: _Truncated, compiler: SQLCompiler, **kw: Any) -> str:
    unit, day = _unit_and_day(element, compiler, **kw)
    return f"date({', '.join((day, *_SQLITE_STARTS[unit]))})"


@compiles(_Truncated, "postgresql")
def _postgresql_truncated(element: _Truncated, compiler: SQLCompiler, **kw: Any) -> str:
    # date_trunc of a timestamp without time zone: no session time zone can shift it.
    unit, day = _unit_and_day(element, compiler, **kw)
    return f"CAST(date_trunc('{unit}', CAST({day} AS TIMESTAMP)) AS DATE)"


def binary_text(text: Expr) -> Expr:
    """`text` compared by code point on both databases (SQLite's default; PostgreSQL's
    "C" collation), whatever the database's own collation."""
    return _BinaryText(text)


class _BinaryText(FunctionElement[str]):
    type = String()
    name = "qg_binary_text"  # never rendered
    inherit_cache = True


@compiles(_BinaryText, "sqlite")
def _sqlite_binary(element: _BinaryText, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.process(list(element.clauses)[0], **kw)


@compiles(_BinaryText, "postgresql")
def _postgresql_binary(element: _BinaryText, compiler: SQLCompiler, **kw: Any) -> str:
    return f'({compiler.process(list(element.clauses)[0], **kw)}) COLLATE "C"'
