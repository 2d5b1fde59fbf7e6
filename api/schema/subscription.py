"""The root Subscription: statements as they are stored, over graphql-transport-ws.

Events carry statement ids only; each subscriber reads the rows itself, with
loaders renewed per event, so the payload is the usual Statement type.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from api.context import Context
from api.loaders.criteria import StatementCriteria
from api.schema.errors import unauthenticated
from api.schema.fields import subscription
from api.schema.filters import StatementAddedFilter
from api.schema.statement import Statement
from api.store import events

Info = strawberry.Info[Context, None]


@strawberry.type(description="Live events.")
class Subscription:
    @subscription(
        "Each statement stored from now on (by any server or loader sharing the "
        "database), in reading order, that matches `filter`."
    )
    async def statement_added(
        self, info: Info, filter: StatementAddedFilter | None = None
    ) -> AsyncGenerator[Statement, None]:
        if info.context.token_required:  # QUOTEGRAPH_PRIVATE_QUERIES and no valid token
            raise unauthenticated(info.context.tokens_configured)
        criteria = filter.criteria() if filter else StatementCriteria()
        bus = info.context.events
        if bus is None:
            raise events.SubscriptionEnded("this server publishes no statement events")
        async with await bus.subscribe() as subscription:  # may end with SubscriptionEnded
            async for ids in subscription:
                for statement in await _matching(info, ids, criteria):
                    yield statement


async def _matching(
    info: Info, ids: tuple[int, ...], criteria: StatementCriteria
) -> list[Statement]:
    """The statements of `ids` that still exist and match `criteria`, in id order."""
    loaders = info.context.renew_loaders()
    keys = sorted(ids)
    found = zip(keys, await loaders.statements_by_id.load_many(keys), strict=True)
    rows = {pk: row for pk, row in found if row is not None}
    if criteria.speaker_id is not None:
        rows = {pk: row for pk, row in rows.items() if row.speaker_id == criteria.speaker_id}
    if criteria.location_id is not None:
        places = await loaders.locations_by_statement.load_many(list(rows))
        mentioned = {pk for pk, linked in zip(rows, places, strict=True)
                     if any(place.id == criteria.location_id for place in linked)}
        rows = {pk: row for pk, row in rows.items() if pk in mentioned}
    return [Statement.from_row(row) for row in rows.values()]
