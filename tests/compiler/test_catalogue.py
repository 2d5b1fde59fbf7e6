"""The compiler reads the schema's catalogue: a field added to a type in one place (its
Strawberry declaration) is compiled, and answers as Strawberry does, with no change to
the compiler."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import orjson
import pytest
import strawberry
from sqlalchemy.ext.asyncio import AsyncEngine

from api.adapters.strawberry import graphql_schema
from api.compiler import Compiler
from api.context import build_context
from api.load.seed import seed_paths
from api.loaders.listings import ARTICLES
from api.schema.catalogue import column, connection, values_of
from api.schema.enums import ArticleOrder
from api.schema.filters import ArticleFilter
from api.store import models
from tests.articles import CEASEFIRE

pytestmark = pytest.mark.anyio

# `source` (the file an article came from) is a column the real schema does not show.
SOURCES = "{ articles(first: 5, orderBy: TITLE_ASC) { totalCount nodes { title source } } }"


@strawberry.type(name="Article", description="An article with a field the schema lacks.")
class SourcedArticle:
    model: ClassVar[type[models.Article]] = models.Article
    title: str | None = column("title", "Headline.")
    source: str | None = column("source", "The file the article was loaded from.")  # the addition
    pk: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: models.Article) -> SourcedArticle:
        assert row.id is not None
        return cls(pk=row.id, **values_of(cls, row))


@strawberry.type
class FixtureQuery:
    articles = connection(
        ARTICLES, SourcedArticle, ArticleFilter,
        "Articles.",
        ArticleOrder.PUBLISHED_AT_DESC,
    )


FIXTURE_SCHEMA = strawberry.Schema(query=FixtureQuery)
TITLE = "Lavrov rejects ceasefire call as fighting spreads in Aleppo"
EXPECTED = {"articles": {"totalCount": 1, "nodes": [{"title": TITLE, "source": "ceasefire.txt"}]}}


async def test_an_added_column_is_compiled_as_strawberry_answers(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    (tmp_path / "ceasefire.txt").write_text(CEASEFIRE, encoding="utf-8")
    report = await seed_paths(engine, [tmp_path])
    assert (report.created, report.errors) == (1, [])
    strawberry_result = await FIXTURE_SCHEMA.execute(SOURCES, context_value=build_context(engine))
    assert strawberry_result.errors is None
    compiler = Compiler(graphql_schema(FIXTURE_SCHEMA), engine)
    try:
        compiled = await compiler.execute(SOURCES, None, None, build_context(engine))
    finally:
        await compiler.close()
    assert compiled is not None, "the compiler left the fixture query to Strawberry"
    answers: list[Any] = [strawberry_result.data, compiled.data]
    assert [orjson.loads(orjson.dumps(answer)) for answer in answers] == [EXPECTED, EXPECTED]
