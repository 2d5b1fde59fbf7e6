"""SQL constructs each database writes its own way: the sort value of undated articles
and the full-text match on statements (the indexes of migration 0003_search)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Date,
    Integer,
    SQLColumnExpression,
    Text,
    false,
    func,
    type_coerce,
)
from sqlalchemy.exc import CompileError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import BindParameter
from sqlalchemy.sql.visitors import InternalTraversal
from sqlmodel import col

from api.models import Article, Statement

Expr = SQLColumnExpression[Any]
NO_DATE = dt.date.min  # undated articles sort as the oldest


def published() -> Expr:
    return func.coalesce(col(Article.published_at), _Undated())


class _Undated(ColumnElement[dt.date]):
    """`NO_DATE` written into the SQL, not bound: only then does `published()` match the
    index ix_article_feed (on SQLite always, on PostgreSQL in generic plans)."""

    type = Date()
    inherit_cache = True
    _traverse_internals: list[Any] = []


@compiles(_Undated, "sqlite")
def _undated_text(element: _Undated, compiler: SQLCompiler, **kw: Any) -> str:
    return f"'{NO_DATE.isoformat()}'"


@compiles(_Undated, "postgresql")
def _undated_infinity(element: _Undated, compiler: SQLCompiler, **kw: Any) -> str:
    # asyncpg sends date.min (which NO_DATE is) as -infinity, so cursors hold that value.
    return "'-infinity'::date"


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
    return _WordPrefixes(col(Statement.id), col(Statement.text), fts, tsquery)


class _WordPrefixes(ColumnElement[bool]):
    """A dialect's full-text match on statements; see `word_prefixes`."""

    type = Boolean()
    _is_implicitly_boolean = True  # a WHERE term as is, not `... = 1` on SQLite
    inherit_cache = True
    _traverse_internals = [
        ("ident", InternalTraversal.dp_clauseelement),
        ("text", InternalTraversal.dp_clauseelement),
        ("fts", InternalTraversal.dp_clauseelement),
        ("tsquery", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, ident: Expr, text: Expr, fts: str, tsquery: str) -> None:
        # type_coerce: the same column, as a ColumnElement the compiler can visit
        self.ident = type_coerce(ident, Integer)
        self.text = type_coerce(text, Text)
        self.fts: BindParameter[str] = BindParameter(None, fts, unique=True)
        self.tsquery: BindParameter[str] = BindParameter(None, tsquery, unique=True)

    @property
    def _from_objects(self) -> list[Any]:
        return [*self.ident._from_objects]


@compiles(_WordPrefixes, "sqlite")
def _fts5_match(element: _WordPrefixes, compiler: SQLCompiler, **kw: Any) -> str:
    ident, query = compiler.process(element.ident, **kw), compiler.process(element.fts, **kw)
    return f"{ident} IN (SELECT rowid FROM statement_fts WHERE statement_fts MATCH {query})"


@compiles(_WordPrefixes, "postgresql")
def _tsvector_match(element: _WordPrefixes, compiler: SQLCompiler, **kw: Any) -> str:
    # `words`: the generated tsvector column beside `text` (migration 0003_search), which
    # the GIN index ix_statement_text_words covers.
    text = compiler.process(element.text, **kw)
    assert text.endswith(".text"), text
    query = compiler.process(element.tsquery, **kw)
    return f"{text.removesuffix('text')}words @@ to_tsquery('simple', {query})"


@compiles(_WordPrefixes)
def _no_text_index(element: _WordPrefixes, compiler: SQLCompiler, **kw: Any) -> str:
    name = compiler.dialect.name
    raise CompileError(f"statement search needs SQLite or PostgreSQL, not {name}")

