"""A small hand-made graph in the test database, a client on the app, and `run_query`.

Three articles (one undated), five actors (Lavrov and Zakharova affiliated to
Russia, which has aliases), six statements, four locations (Aleppo and Damascus
inside Syria). Tests refer to rows by name through `Graph`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel.ext.asyncio.session import AsyncSession as SQLModelSession

from api.settings import Settings
from api.store.db import create_engine
from api.store.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleActor,
    ArticleLocation,
    Location,
    Quote,
    Statement,
    StatementLocation,
    StatementMention,
)
from api.store.quotes import recount
from tests.schema.helpers import Graph
from tests.servers import app_client

BODY_TRUCE = (
    "Foreign Minister Sergei Lavrov said Moscow wants peace in Aleppo. "
    '"We will stay," Lavrov told AFP. '
    "Maria Zakharova said 100% of aid_convoys must pass."
)
BODY_STRIKES = "Sources said Damascus was shelled. Lavrov said the strikes in Syria would continue."
BODY_OPINION = "Peace is near, one reader wrote."


async def _add(session: AsyncSession, graph: Graph, name: str, row: Any) -> Any:
    session.add(row)
    await session.flush()
    graph.ids[name] = row.id
    return row


async def _articles(session: AsyncSession, graph: Graph) -> None:
    await _add(
        session,
        graph,
        "truce",
        Article(
            title="Russia urges Aleppo truce",
            standfirst="Moscow speaks",
            publisher="AFP",
            published_at=dt.date(2016, 10, 12),
            url="https://example.com/truce",
            reading_time_minutes=2,
            body=BODY_TRUCE,
            content_hash="a" * 64,
            captions=[{"text": "Lavrov in Moscow", "credit": "AFP", "start": 0, "end": 5}],
            credit_line="By a reporter",
        ),
    )
    await _add(
        session,
        graph,
        "strikes",
        Article(
            title="Strikes go on",
            publisher="Reuters",
            published_at=dt.date(2016, 10, 14),
            body=BODY_STRIKES,
            content_hash="b" * 64,
        ),
    )
    await _add(
        session,
        graph,
        "opinion",
        Article(
            title="Letters",
            publisher="AFP",
            body=BODY_OPINION,
            content_hash="c" * 64,
        ),
    )


async def _actors(session: AsyncSession, graph: Graph) -> None:
    russia = await _add(
        session, graph, "russia", Actor(name="Russia", name_key="russia", kind="GOVERNMENT")
    )
    await _add(
        session,
        graph,
        "lavrov",
        Actor(
            name="Sergei Lavrov",
            name_key="sergei lavrov",
            kind="PERSON",
            title="Foreign Minister",
            affiliation_id=russia.id,
        ),
    )
    await _add(
        session,
        graph,
        "zakharova",
        Actor(
            name="Maria Zakharova",
            name_key="maria zakharova",
            kind="PERSON",
            title="spokeswoman",
            affiliation_id=russia.id,
        ),
    )
    await _add(session, graph, "afp", Actor(name="AFP", name_key="afp", kind="MEDIA"))
    await _add(session, graph, "sources", Actor(name="Sources", name_key="sources", kind="UNNAMED"))
    for actor, alias in [("russia", "Moscow"), ("russia", "Kremlin"), ("lavrov", "Lavrov")]:
        session.add(ActorAlias(actor_id=graph.ids[actor], alias=alias, alias_key=alias.casefold()))


async def _locations(session: AsyncSession, graph: Graph) -> None:
    syria = await _add(
        session,
        graph,
        "syria",
        Location(
            key="country:SY", name="Syria", name_key="syria", kind="COUNTRY", country_code="SY"
        ),
    )
    await _add(
        session,
        graph,
        "aleppo",
        Location(
            key="geonames:170063",
            name="Aleppo",
            name_key="aleppo",
            kind="CITY",
            parent_id=syria.id,
            latitude=36.2,
            longitude=37.16,
            country_code="SY",
        ),
    )
    await _add(
        session,
        graph,
        "damascus",
        Location(
            key="geonames:170654",
            name="Damascus",
            name_key="damascus",
            kind="CITY",
            parent_id=syria.id,
            latitude=33.51,
            longitude=36.29,
            country_code="SY",
        ),
    )
    await _add(
        session,
        graph,
        "moscow",
        Location(
            key="geonames:524901", name="Moscow", name_key="moscow", kind="CITY", country_code="RU"
        ),
    )


async def _statement(
    session: AsyncSession,
    graph: Graph,
    name: str,
    article: str,
    body: str,
    text: str,
    kind: str,
    speaker: str | None,
    speaker_text: str | None = None,
    medium: str | None = None,
    cue: str | None = "said",
) -> None:
    start = body.index(text)
    speaker_start = body.index(speaker_text) if speaker_text else None
    await _add(
        session,
        graph,
        name,
        Statement(
            article_id=graph.ids[article],
            text=text,
            kind=kind,
            cue=cue,
            speaker_id=graph.ids[speaker] if speaker else None,
            medium_id=graph.ids[medium] if medium else None,
            start=start,
            end=start + len(text),
            speaker_text=speaker_text,
            speaker_start=speaker_start,
            speaker_end=None
            if speaker_start is None or speaker_text is None
            else speaker_start + len(speaker_text),
        ),
    )


async def _statements(session: AsyncSession, graph: Graph) -> None:
    await _statement(
        session,
        graph,
        "peace",
        "truce",
        BODY_TRUCE,
        "Moscow wants peace in Aleppo",
        "INDIRECT",
        "lavrov",
        "Sergei Lavrov",
    )
    await _statement(
        session,
        graph,
        "stay",
        "truce",
        BODY_TRUCE,
        '"We will stay,"',
        "DIRECT",
        "lavrov",
        "Lavrov",
        medium="afp",
        cue="told",
    )
    await _statement(
        session,
        graph,
        "aid",
        "truce",
        BODY_TRUCE,
        "100% of aid_convoys must pass",
        "INDIRECT",
        "zakharova",
        "Maria Zakharova",
    )
    await _statement(
        session,
        graph,
        "shelled",
        "strikes",
        BODY_STRIKES,
        "Damascus was shelled",
        "INDIRECT",
        "sources",
        "Sources",
    )
    await _statement(
        session,
        graph,
        "continue",
        "strikes",
        BODY_STRIKES,
        "the strikes in Syria would continue",
        "INDIRECT",
        "lavrov",
        "Lavrov",
    )
    await _statement(
        session,
        graph,
        "near",
        "opinion",
        BODY_OPINION,
        "Peace is near",
        "DIRECT",
        None,
        cue="wrote",
    )


def _links(graph: Graph) -> list[Any]:
    ids = graph.ids
    return [
        StatementLocation(statement_id=ids["peace"], location_id=ids["aleppo"]),
        StatementLocation(statement_id=ids["shelled"], location_id=ids["damascus"]),
        StatementLocation(statement_id=ids["continue"], location_id=ids["syria"]),
        StatementMention(statement_id=ids["peace"], actor_id=ids["russia"]),
        *[
            ArticleActor(article_id=ids[a], actor_id=ids[b], mentions=n)
            for a, b, n in [
                ("truce", "lavrov", 2),
                ("truce", "russia", 1),
                ("truce", "zakharova", 1),
                ("truce", "afp", 1),
                ("strikes", "sources", 1),
                ("strikes", "lavrov", 1),
            ]
        ],
        *[
            ArticleLocation(article_id=ids[a], location_id=ids[b], mentions=n)
            for a, b, n in [
                ("truce", "aleppo", 1),
                ("truce", "moscow", 1),
                ("strikes", "damascus", 1),
                ("strikes", "syria", 2),
            ]
        ],
    ]


async def insert_graph(database_url: str) -> Graph:
    """Insert the hand-made graph; returns the ids of its rows."""
    graph = Graph()
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session, session.begin():
            await _articles(session, graph)
            await _actors(session, graph)
            await _locations(session, graph)
            await _statements(session, graph)
            session.add_all(_links(graph))
    finally:
        await engine.dispose()
    return graph


@pytest.fixture
async def graph(database_url: str) -> Graph:
    """The hand-made graph in a fresh database."""
    return await insert_graph(database_url)


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the app (debug on), its lifespan running around the test.

    The response cache is off: these tests count the SQL each query runs, and some add
    rows behind the app's back (tests/web/test_cache.py tests the cache)."""
    settings = Settings(database_url=database_url, debug=True, response_cache="off")
    async with app_client(settings) as http:
        yield http


TOKENS = (("alice", "alice-secret-token"), ("bot", "bot-secret-token"))


@pytest.fixture
async def editor(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on an app with API tokens, sending alice's token."""
    settings = Settings(database_url=database_url, debug=True, api_tokens=TOKENS)
    async with app_client(settings, headers={"Authorization": "Bearer alice-secret-token"}) as http:
        yield http


BODY_ECHO = 'Talks resumed. "We will stay," the minister said.'
BODY_DIGEST = "We will stay, and we will win, a minister said. Talks go on."


async def _quote(session: SQLModelSession, graph: Graph, name: str, members: list[str]) -> None:
    quote = await _add(session, graph, name, Quote(text=""))
    for member in members:
        statement = await session.get(Statement, graph.ids[member])
        assert statement is not None
        statement.quote_id = quote.id
    await recount(session, [quote.id])


async def insert_quotes(database_url: str, graph: Graph) -> None:
    """Beside the graph: an echo of "We will stay" (dated the day before the truce,
    Reuters) and a digest repeating it (undated, no publisher), and five quotes:

    aid (aid), near (near, undated), stay (stay, echo_stay, digest_stay), peace (peace,
    continue), gone (shelled, then tombstoned). `talks` (digest) has no quote."""
    engine = create_engine(database_url)
    try:
        async with SQLModelSession(engine) as session, session.begin():
            for name, body, published, publisher, key in [
                ("echo", BODY_ECHO, dt.date(2016, 10, 11), "Reuters", "d"),
                ("digest", BODY_DIGEST, None, None, "e"),
            ]:
                article = Article(title=name.title(), body=body, published_at=published,
                                  publisher=publisher, content_hash=key * 64)
                await _add(session, graph, name, article)
            await _statement(session, graph, "echo_stay", "echo", BODY_ECHO, '"We will stay,"',
                             "DIRECT", "lavrov", "the minister")
            await _statement(session, graph, "digest_stay", "digest", BODY_DIGEST,
                             "We will stay, and we will win", "INDIRECT", None)
            await _statement(session, graph, "talks", "digest", BODY_DIGEST, "Talks go on",
                             "INDIRECT", None)
            for name, members in [("aid", ["aid"]), ("near", ["near"]),
                                  ("stay", ["stay", "echo_stay", "digest_stay"]),
                                  ("peace", ["peace", "continue"]), ("gone", ["shelled"])]:
                await _quote(session, graph, f"q_{name}", members)
            shelled = await session.get(Statement, graph.ids["shelled"])
            assert shelled is not None
            shelled.deleted_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
            await recount(session, [graph.ids["q_gone"]])
    finally:
        await engine.dispose()


@pytest.fixture
async def quotes(graph: Graph, database_url: str) -> Graph:
    """The graph with its quotes (`insert_quotes`); quotes are named q_aid, q_stay..."""
    await insert_quotes(database_url, graph)
    return graph
