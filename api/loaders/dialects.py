"""SQL constructs each database writes its own way: the sort value of undated articles
and the full-text match on statements (the indexes of migration 0003_search)."""

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
    TableClause,
    column,
    false,
    func,
    literal,
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

