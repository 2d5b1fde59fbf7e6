"""A quote's derived columns, recomputed from its visible statements.

The clustering (api/load/quotes.py) and the corrections (api/store/corrections.py) change
which statements a quote holds; both then call `recount` on the quotes they touched, so
these rules live here once:

- `appearances` and `article_count` count visible statements (tombstones excluded);
- the first appearance is the earliest by the article's date (undated last), then the
  article's id, then the statement's offset: `first_statement_id` and `first_seen`;
- `text` is the fullest form seen: the longest text, ties to the earlier appearance;
- `speaker_id` is the speaker most of its statements name, ties to the earlier
  appearance; null when none names one.

A quote left with no statement at all is deleted; one whose statements are all deleted
stays, with `appearances` 0 (lists skip it), so a tombstone still points somewhere.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from sqlalchemy import delete
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.store.models import Article, Quote, Statement

_UNDATED = dt.date.max  # sorts undated articles after every dated one


async def recount(session: AsyncSession, quote_ids: Iterable[int]) -> None:
    """Recompute the derived columns of `quote_ids` from their statements (in `session`,
    flushed first; the caller commits)."""
    wanted = sorted(set(quote_ids))
    if not wanted:
        return
    await session.flush()
    found = await session.exec(
        select(Statement, col(Article.published_at))
        .join(Article, col(Article.id) == col(Statement.article_id))
        .where(col(Statement.quote_id).in_(wanted))
        # Clustering moves statements with core UPDATEs: rows this session loaded before
        # must be read afresh.
        .execution_options(populate_existing=True)
    )
    members: dict[int, list[tuple[Statement, dt.date | None]]] = {pk: [] for pk in wanted}
    for statement, published_at in found.all():
        assert statement.quote_id is not None
        members[statement.quote_id].append((statement, published_at))
    quotes = await session.exec(
        select(Quote).where(col(Quote.id).in_(wanted)).execution_options(populate_existing=True)
    )
    for quote in quotes.all():
        assert quote.id is not None
        rows = members[quote.id]
        if not rows:
            await session.exec(delete(Quote).where(col(Quote.id) == quote.id))
            continue
        _derive(quote, rows)
        session.add(quote)


def _derive(quote: Quote, rows: Sequence[tuple[Statement, dt.date | None]]) -> None:
    visible = [row for row in rows if row[0].deleted_at is None]
    ordered = sorted(visible or rows, key=_seen_order)
    first, published_at = ordered[0]
    quote.first_statement_id = first.id
    quote.first_seen = published_at if visible else None
    quote.appearances = len(visible)
    quote.article_count = len({statement.article_id for statement, _ in visible})
    quote.text = max(ordered, key=lambda row: len(row[0].text))[0].text  # max keeps the first
    quote.speaker_id = _speaker(statement for statement, _ in ordered)


def _seen_order(row: tuple[Statement, dt.date | None]) -> tuple[dt.date, int, int, int]:
    statement, published_at = row
    assert statement.id is not None
    return published_at or _UNDATED, statement.article_id, statement.start, statement.id


def _speaker(statements: Iterable[Statement]) -> int | None:
    """The speaker most statements name (in first-seen order, so ties go to the earlier)."""
    named = Counter(s.speaker_id for s in statements if s.speaker_id is not None)
    return named.most_common(1)[0][0] if named else None
