"""The two aggregate examples of docs/api.md on the seed article, the ceasefire article of
tests/articles.py (neither has a publisher) and two short reports from outlets written
here: their exact answers, each compiled into one SQL statement and equal to Strawberry's
answer, on both databases."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.load.seed import seed_paths
from tests.articles import CEASEFIRE, REPORTS
from tests.conftest import SEED_FILE
from tests.schema.helpers import both_paths

pytestmark = pytest.mark.anyio

# docs/api.md, "Aggregates": the most quoted speakers about a place, by month.
SPEAKERS_BY_MONTH = """{ locations(filter: {search: "aleppo"}, first: 1) { nodes { name statements {
    totalCount
    groupedAggregates(groupBy: [SPEAKER, PUBLISHED_AT_TRUNCATED_TO_MONTH], first: 20) {
      keys count speaker { id name } publishedAt } } } } }"""
# docs/api.md, "Aggregates": the share of direct quotes by outlet.
DIRECT_BY_OUTLET = """{ statements {
    aggregates { count distinctCount { publishers } }
    groupedAggregates(groupBy: [PUBLISHER, KIND], orderBy: KEYS_ASC) {
      publisher kind count distinctCount { speakers articles } } } }"""


@pytest.fixture
async def seeded(engine: AsyncEngine, database_url: str, tmp_path: Path) -> str:
    (tmp_path / "ceasefire.txt").write_text(CEASEFIRE, encoding="utf-8")
    (tmp_path / "reports.json").write_text(json.dumps(REPORTS), encoding="utf-8")
    report = await seed_paths(engine, [SEED_FILE.parent, tmp_path])
    assert (report.created, report.errors) == (4, [])
    return database_url


async def test_the_most_quoted_speakers_about_a_place_by_month(seeded: str) -> None:
    data = await both_paths(seeded, SPEAKERS_BY_MONTH)
    [place] = data["locations"]["nodes"]
    groups = place["statements"]["groupedAggregates"]
    assert (place["name"], place["statements"]["totalCount"]) == ("Aleppo", 11)
    assert [(g["speaker"]["name"], g["publishedAt"], g["count"]) for g in groups] == [
        ("Sergei Lavrov", "2016-12-01", 3),
        ("Sergei Lavrov", "2017-01-01", 2),
        ("Yasser al-Youssef", "2016-12-01", 2),  # his quotation and the pull quote of it
        ("Russia", "2016-12-01", 1),
        ("Yasser al-Youssef", "2017-01-01", 1),
        ("Abu Abdel Rahman al-Hamawi", "2016-12-01", 1),
        ("opposition sources", "2016-12-01", 1),
    ]
    assert all(g["keys"] == [g["speaker"]["id"], g["publishedAt"]] for g in groups)


async def test_the_share_of_direct_quotes_by_outlet(seeded: str) -> None:
    data = await both_paths(seeded, DIRECT_BY_OUTLET)
    assert data["statements"]["aggregates"] == {"count": 32, "distinctCount": {"publishers": 2}}
    assert data["statements"]["groupedAggregates"] == [
        _group("AFP", "DIRECT", 1, 1, 1),
        _group("AFP", "INDIRECT", 1, 1, 1),
        _group("Reuters", "DIRECT", 1, 1, 1),
        _group("Reuters", "INDIRECT", 1, 1, 1),
        _group(None, "DIRECT", 11, 5, 2),  # the seed and the ceasefire article name no outlet
        _group(None, "INDIRECT", 12, 7, 2),
        _group(None, "MIXED", 5, 4, 1),
    ]


def test_the_docs_show_these_queries() -> None:
    docs = (Path(__file__).parent.parent / "docs" / "api.md").read_text(encoding="utf-8")
    assert SPEAKERS_BY_MONTH in docs
    assert DIRECT_BY_OUTLET in docs


def _group(publisher: str | None, kind: str, count: int, speakers: int, articles: int) -> Any:
    distinct = {"speakers": speakers, "articles": articles}
    return {"publisher": publisher, "kind": kind, "count": count, "distinctCount": distinct}
