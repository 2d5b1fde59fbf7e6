"""A quote's derived columns, recomputed from its visible statements.

The clustering (api/load/quotes.py) and the corrections (api/store/corrections.py) change
which statements a quote holds; both then call `recount` on the quotes they touched, so
these rules live here once:

- `appearances` and `article_count` count visible statements (tombstones excluded);
- the first appearance is the earliest by the article's date (undated last), then the
  article's id, then the statement's offset: `first_statement_id` and `first_seen`;
- `text` is the fullest form seen: the longest text, ties to the earlier appearance,
  without the comma (or colon, semicolon) that handed it to its attribution (`"We will
  win," he said` gives `We will win`);
- `speaker_id` is the speaker most of its statements name, ties to the earlier
  appearance; null when none names one.

A quote left with no statement at all is deleted; one whose statements are all deleted
stays, with `appearances` 0 (lists skip it), so a tombstone still points somewhere.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy import select as sa_select
from sqlalchemy import text as sql
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from api.store.db import among
from api.store.models import Article, Quote, Statement

_UNDATED = dt.date.max  # sorts undated articles after every dated one


class Member(NamedTuple):
    """What the rules read of a statement (a light row: a quote may hold thousands); its
    article's date comes with it."""

    id: int
    article_id: int
    start: int
    text: str
    speaker_id: int | None
    deleted_at: dt.datetime | None
    published_at: dt.date | None


async def create(session: AsyncSession, groups: Sequence[Sequence[Member]]) -> list[int]:
    """Insert one quote per group of statements (not stored yet, or not in a quote), its
    columns derived from them as `recount` would: the new ids, in order."""
    if not groups:
        return []
    rows = [derived(group) for group in groups]
    connection = await session.connection()
    if session.get_bind().dialect.name == "postgresql":  # ids first, then one INSERT
        ids = list((await connection.execute(_NEXT_IDS, {"n": len(rows)})).scalars())
        columns = {name: [row[name] for row in rows] for name in _DERIVED}
        await connection.execute(_UNNEST_INSERT, {"pk": ids, **columns})
        return ids
    result = await connection.execute(
        insert(Quote).returning(col(Quote.id), sort_by_parameter_order=True), rows
    )
    return [pk for pk in result.scalars() if pk is not None]


async def recount(session: AsyncSession, quote_ids: Iterable[int]) -> None:
    """Recompute the derived columns of `quote_ids` from their statements (in `session`,
    flushed first; the caller commits)."""
    wanted = sorted(set(quote_ids))
    if not wanted:
        return
    await session.flush()
    dialect = session.get_bind().dialect.name
    found = await (await session.connection()).execute(
        sa_select(
            col(Statement.quote_id), col(Statement.id), col(Statement.article_id),
            col(Statement.start), col(Statement.text), col(Statement.speaker_id),
            col(Statement.deleted_at), col(Article.published_at),
        )
        .join(Article, col(Article.id) == col(Statement.article_id))
        .where(among(col(Statement.quote_id), wanted, dialect))
    )
    members: dict[int, list[Member]] = {pk: [] for pk in wanted}
    for quote_id, pk, article_id, start, text, speaker, deleted_at, published_at in found:
        assert quote_id is not None and pk is not None
        members[quote_id].append(
            Member(pk, article_id, start, text, speaker, deleted_at, published_at)
        )
    values = {pk: derived(rows) for pk, rows in members.items() if rows}
    await _update(session, values)
    empty = [pk for pk, rows in members.items() if not rows]
    if empty:
        await session.exec(delete(Quote).where(col(Quote.id).in_(empty)))
    _refresh_loaded(session, values)


async def _update(session: AsyncSession, derived: dict[int, dict[str, object]]) -> None:
    """Write the derived columns: a batch of articles touches thousands of quotes, so one
    statement (PostgreSQL: arrays, one parameter set) or one executemany (SQLite)."""
    if not derived:
        return
    connection = await session.connection()
    if session.get_bind().dialect.name == "postgresql":
        columns = {name: [row[name] for row in derived.values()] for name in _DERIVED}
        await connection.execute(_UNNEST_UPDATE, {"pk": list(derived), **columns})
        return
    await connection.execute(
        update(Quote).where(col(Quote.id) == bindparam("pk"))
        .values({name: bindparam(f"new_{name}") for name in _DERIVED}),
        [{"pk": pk, **{f"new_{k}": v for k, v in row.items()}} for pk, row in derived.items()],
    )


def _refresh_loaded(session: AsyncSession, values: dict[int, dict[str, object]]) -> None:
    """Quote rows this session already holds take the new values (as loaded, not changed)."""
    for loaded in list(session.identity_map.values()):
        if isinstance(loaded, Quote) and loaded.id in values:
            for name in _DERIVED:
                set_committed_value(loaded, name, values[loaded.id][name])


_DERIVED = ("first_statement_id", "first_seen", "appearances", "article_count", "text",
            "speaker_id")
_TYPES = ("INTEGER", "DATE", "INTEGER", "INTEGER", "TEXT", "INTEGER")
# The derived columns as unnest's arrays, one bound parameter each.
_ARRAYS = ", ".join(f"CAST(:{n} AS {t}[])" for n, t in zip(_DERIVED, _TYPES, strict=True))
_UNNEST_UPDATE = sql(
    f"UPDATE quote SET {', '.join(f'{name} = v.{name}' for name in _DERIVED)} "
    f"FROM unnest(CAST(:pk AS INTEGER[]), {_ARRAYS}) "
    f"AS v(pk, {', '.join(_DERIVED)}) WHERE quote.id = v.pk"
)
_NEXT_IDS = sql("SELECT nextval('quote_id_seq') FROM generate_series(1, :n)")
_UNNEST_INSERT = sql(
    f"INSERT INTO quote (id, {', '.join(_DERIVED)}) SELECT * FROM unnest(CAST(:pk AS INTEGER[]), "
    f"{_ARRAYS})"
)


def derived(rows: Sequence[Member]) -> dict[str, object]:
    """A quote's derived columns from its statements: the rules, once."""
    visible = [row for row in rows if row.deleted_at is None]
    ordered = sorted(visible or rows, key=_seen_order)
    first = ordered[0]
    return {
        "first_statement_id": first.id,
        "first_seen": first.published_at if visible else None,
        "appearances": len(visible),
        "article_count": len({row.article_id for row in visible}),
        "text": _without_handover(max(ordered, key=lambda row: len(row.text)).text),
        "speaker_id": _speaker(ordered),
    }


def _seen_order(row: Member) -> tuple[dt.date, int, int, int]:
    return row.published_at or _UNDATED, row.article_id, row.start, row.id


def _speaker(rows: Iterable[Member]) -> int | None:
    """The speaker most statements name (in first-seen order, so ties go to the earlier)."""
    named = Counter(row.speaker_id for row in rows if row.speaker_id is not None)
    return named.most_common(1)[0][0] if named else None


def _without_handover(text: str) -> str:
    """The fullest text (`max` keeps the first of equals) without the comma, colon or
    semicolon that handed a quotation to its attribution."""
    return text.rstrip().rstrip(",;:").rstrip() or text
