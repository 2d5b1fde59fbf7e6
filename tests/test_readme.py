"""The README's quote and count examples, run as written on the seed article, the
ceasefire article and the outlets' reports of tests/articles.py: their exact answers,
each compiled into one SQL statement and equal to Strawberry's, on both databases."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.load.seed import seed_paths
from tests.articles import CEASEFIRE, REPORTS, REWRITE
from tests.conftest import SEED_FILE
from tests.schema.helpers import both_paths

pytestmark = pytest.mark.anyio

README = Path(__file__).resolve().parent.parent / "README.md"
SECTION = "### Quotes across articles, and counts"

LAVROV = (
    "Those armed groups who refuse to leave eastern Aleppo will be considered to be terrorists,"
)
WHERE_ELSE = {"quotes": {"nodes": [{
    "text": f"{LAVROV} \u2026 We will treat them as such, as terrorists, as extremists and will"
    " support a Syrian army operation against those criminal squad.",
    "speaker": {"name": "Sergei Lavrov"},
    "articleCount": 2,
    "publishers": ["Example Wire"],
    "firstSeen": {"article": {
        "title": "Syrian rebels reject withdrawal plan amid Russia's chilling warnings",
        "publishedAt": "2016-12-05",
    }},
    "appearances": {"nodes": [
        {"kind": "DIRECT",
         "text": f"{LAVROV} \u2026 We will treat them as such, as terrorists, as extremists and"
         " will support a Syrian army operation against those criminal squad.",
         "article": {"publisher": None, "publishedAt": "2016-12-05"}},
        {"kind": "DIRECT", "text": LAVROV,
         "article": {"publisher": "Example Wire", "publishedAt": "2016-12-06"}},
    ]},
}]}}


def _group(name: str, month: str, count: int) -> dict[str, object]:
    return {"speaker": {"name": name}, "publishedAt": month, "count": count}


BY_MONTH = {"locations": {"nodes": [{"name": "Aleppo", "statements": {"groupedAggregates": [
    _group("Yasser al-Youssef", "2016-12-01", 4),
    _group("Sergei Lavrov", "2016-12-01", 3),
    _group("Sergei Lavrov", "2017-01-01", 2),
    _group("Russia", "2016-12-01", 1),
    _group("Yasser al-Youssef", "2017-01-01", 1),
]}}]}}


def _share(publisher: str | None, kind: str, count: int) -> dict[str, object]:
    return {"publisher": publisher, "kind": kind, "count": count}


BY_OUTLET = {"statements": {"aggregates": {"count": 36}, "groupedAggregates": [
    _share("AFP", "DIRECT", 1), _share("AFP", "INDIRECT", 1),
    _share("Example Wire", "DIRECT", 2), _share("Example Wire", "INDIRECT", 1),
    _share("Example Wire", "MIXED", 1),
    _share("Reuters", "DIRECT", 1), _share("Reuters", "INDIRECT", 1),
    _share(None, "DIRECT", 11), _share(None, "INDIRECT", 12), _share(None, "MIXED", 5),
]}}


def examples() -> list[str]:
    """The GraphQL blocks of the README's quotes-and-counts section, in order."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(SECTION):]
    section = section[: section.index("\n## ")]
    return re.findall(r"```graphql\n(.*?)```", section, re.S)


@pytest.fixture
async def seeded(engine: AsyncEngine, database_url: str, tmp_path: Path) -> str:
    (tmp_path / "ceasefire.txt").write_text(CEASEFIRE, encoding="utf-8")
    (tmp_path / "reports.json").write_text(json.dumps([*REPORTS, REWRITE]), encoding="utf-8")
    report = await seed_paths(engine, [SEED_FILE.parent, tmp_path])
    assert (report.created, report.errors) == (5, [])
    return database_url


def test_the_readme_has_the_three_examples() -> None:
    assert len(examples()) == 3


async def test_where_else_a_quotation_appeared_and_who_reported_it_first(seeded: str) -> None:
    assert await both_paths(seeded, examples()[0]) == WHERE_ELSE


async def test_the_most_quoted_speakers_about_a_place_by_month(seeded: str) -> None:
    assert await both_paths(seeded, examples()[1]) == BY_MONTH


async def test_the_share_of_direct_quotes_by_outlet(seeded: str) -> None:
    assert await both_paths(seeded, examples()[2]) == BY_OUTLET
