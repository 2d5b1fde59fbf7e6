"""Nested lists are batched: SQL statements depend on the query's shape, not on row counts."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from api.settings import Settings
from api.store.db import create_engine
from api.store.models import Actor, Article, Location, Statement, StatementLocation
from tests.schema.helpers import run_query
from tests.servers import app_client

pytestmark = pytest.mark.anyio


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The app (debug on) with compiled SQL off: this module checks how the loaders batch
    (tests/compiler checks the single statement of the compiled path)."""
    settings = Settings(
        database_url=database_url, debug=True, compiled_sql=False, response_cache="off"
    )
    async with app_client(settings) as http:
        yield http

NESTED = """
{
  articles(first: 50) {
    nodes {
      title
      statements(first: 10) {
        nodes { speaker { name affiliation { name } } locations { name } }
      }
    }
  }
}
"""
# articles page; statements page; speakers; their affiliations; statement locations
NESTED_STATEMENTS = 5
DEFAULT_PAGE = "{ articles { nodes { title } } }"
STATEMENTS_PER_ARTICLE = 3


async def _insert_articles(database_url: str, numbers: range) -> None:
    """Articles 'Story n', each with three statements by people of one of three governments."""
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session, session.begin():
            for n in numbers:
                government = Actor(
                    name=f"Government {n}", name_key=f"government {n}", kind="GOVERNMENT"
                )
                country = Location(
                    key=f"c:{n}", name=f"Country {n}", name_key=f"country {n}", kind="COUNTRY"
                )
                article = Article(
                    title=f"Story {n:02}",
                    body="x" * 60,
                    content_hash=f"{n:064}",
                    published_at=dt.date(2020, 1, 1) + dt.timedelta(days=n),
                )
                session.add_all([government, country, article])
                await session.flush()
                city = Location(
                    key=f"city:{n}",
                    name=f"City {n}",
                    name_key=f"city {n}",
                    kind="CITY",
                    parent_id=country.id,
                )
                session.add(city)
                for k in range(STATEMENTS_PER_ARTICLE):
                    person = Actor(
                        name=f"Person {n}.{k}",
                        name_key=f"person {n}.{k}",
                        kind="PERSON",
                        affiliation_id=government.id,
                    )
                    session.add(person)
                    await session.flush()
                    statement = Statement(
                        article_id=article.id,
                        text="x" * 10,
                        kind="DIRECT",
                        speaker_id=person.id,
                        start=k * 20,
                        end=k * 20 + 10,
                    )
                    session.add(statement)
                    await session.flush()
                    session.add(StatementLocation(statement_id=statement.id, location_id=city.id))
    finally:
        await engine.dispose()


async def _statements_for(client: httpx.AsyncClient, query: str) -> tuple[int, dict[str, object]]:
    """(SQL statements the app ran, data) for one query, from the debug extensions."""
    response = await client.post("/graphql", json={"query": query})
    body = response.json()
    assert "errors" not in body, body
    return body["extensions"]["sqlStatements"], body["data"]


async def test_nested_query_costs_the_same_for_1_and_50_articles(
    client: httpx.AsyncClient, database_url: str
) -> None:
    await _insert_articles(database_url, range(1))
    one, data = await _statements_for(client, NESTED)
    assert len(data["articles"]["nodes"]) == 1  # type: ignore[index]

    await _insert_articles(database_url, range(1, 50))
    fifty, data = await _statements_for(client, NESTED)
    articles = data["articles"]["nodes"]  # type: ignore[index]
    assert len(articles) == 50
    assert articles[0]["statements"]["nodes"][0] == {
        "speaker": {"name": "Person 49.0", "affiliation": {"name": "Government 49"}},
        "locations": [{"name": "City 49"}],
    }
    assert all(len(a["statements"]["nodes"]) == STATEMENTS_PER_ARTICLE for a in articles)
    assert one == fifty == NESTED_STATEMENTS


async def test_first_defaults_to_20_and_reaches_100(
    client: httpx.AsyncClient, database_url: str
) -> None:
    await _insert_articles(database_url, range(50))
    default = await run_query(client, DEFAULT_PAGE)
    assert [a["title"] for a in default["articles"]["nodes"]] == [
        f"Story {n:02}" for n in range(49, 29, -1)
    ]
    everything = await run_query(client, DEFAULT_PAGE.replace("articles", "articles(first: 100)"))
    assert len(everything["articles"]["nodes"]) == 50


AGGREGATED = """{ articles(first: 50) { nodes { statements {
  aggregates { count distinctCount { speakers } }
  groupedAggregates(groupBy: [AFFILIATION, LOCATION]) { count affiliation { name } location { name } }
} } } }"""
# articles page; measures; groups; affiliations; places
AGGREGATED_STATEMENTS = 5


async def test_aggregates_are_batched_per_parent(
    client: httpx.AsyncClient, database_url: str
) -> None:
    await _insert_articles(database_url, range(1))
    one, _ = await _statements_for(client, AGGREGATED)
    await _insert_articles(database_url, range(1, 50))
    fifty, data = await _statements_for(client, AGGREGATED)
    articles = data["articles"]["nodes"]  # type: ignore[index]
    assert articles[0]["statements"] == {
        "aggregates": {"count": 3, "distinctCount": {"speakers": 3}},
        "groupedAggregates": [
            {"count": 3, "affiliation": {"name": "Government 49"}, "location": {"name": "City 49"}}
        ],
    }
    assert one == fifty == AGGREGATED_STATEMENTS
