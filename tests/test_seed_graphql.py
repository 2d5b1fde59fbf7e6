"""The seed article, loaded by the seed loader and read back through GraphQL over HTTP."""
from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from api.load.seed import seed_paths
from api.settings import Settings
from tests.conftest import SEED_FILE
from tests.schema.helpers import run_query
from tests.servers import app_client

pytestmark = pytest.mark.anyio

ARTICLE = """
{ articles(first: 5) { totalCount nodes {
    title standfirst publishedAt readingTimeMinutes creditLine captions { text credit }
    statements(first: 100) { totalCount nodes {
      kind cue text speakerText
      speaker { name kind title affiliation { name kind } }
      medium { name kind }
      locations { name }
    } }
    locations(first: 50) { nodes { name kind countryCode parent { name } } }
} } }
"""

ACTOR_SEARCH = """
query ($q: String!) { actors(filter: {search: $q}) { nodes {
  name kind title aliases statements(first: 50) { totalCount }
} } }
"""

TOTALS = "{ articles { totalCount } statements { totalCount } actors { totalCount } locations { totalCount } }"

# kind, speaker, mention as written, cue, medium, places in the content, text opening (a
# direct statement's text is inside its quotation marks)
STATEMENTS = [
    ("INDIRECT", "Russia", "Russia", "warning", None, [], "it would treat all captured rebels"),
    ("MIXED", "Russia", "Russia", "has threatened", None, ["East Aleppo", "Moscow"],
     'they will be treated as "terrorists" unless'),
    ("INDIRECT", "Sergei Lavrov", "Sergei Lavrov", "said", None, ["East Aleppo"],
     "those fighters that did not leave East Aleppo"),
    # one quotation split around its attribution is one statement
    ("DIRECT", "Sergei Lavrov", "Lavrov", "said", "Reuters", ["East Aleppo"], "Those armed groups who refuse"),
    ("DIRECT", "Sergei Lavrov", "Lavrov", None, None, ["East Aleppo"], "We believe that when the Americans"),
    ("INDIRECT", "Two of Aleppo's leading rebel groups", "Two of Aleppo's leading rebel groups", "said",
     None, [], "they would fight to defend Syrians"),
    ("MIXED", "Yasser al-Youssef", "Yasser al-Youssef", "said", None, [],
     'any proposals "for the exit of rebel groups'),
    ("DIRECT", "Yasser al-Youssef", "he", "told", "AFP", ["Aleppo", "Syria"], "It is for the Russians"),
    ("MIXED", "Abu Abdel Rahman al-Hamawi", "Abu Abdel Rahman al-Hamawi", "said", None, ["Aleppo"],
     "the revolutionaries would not leave Aleppo"),
    ("DIRECT", "Abu Abdel Rahman al-Hamawi", "he", "said", None, [], "This is our land"),
    ("INDIRECT", "Both officials", "Both officials", "said", None, [], "rebels remained willing"),
    ("INDIRECT", "Sergei Lavrov", "Lavrov", "announcement", None, ["Russia", "Washington"],
     "Russia would hold talks with Washington"),
    ("INDIRECT", "opposition sources", "opposition sources", "said", None,
     ["Aleppo", "Karam al-Katerji", "Karam al-Rahal"], "rebel fighters had kept control"),
    ("MIXED", "Pro-regime media", "Pro-regime media", "said", None, [], "heavy clashes had taken part"),
    # the seed has a no-break space in "an army"
    ("MIXED", "Russia", "Russia", "said", None, ["Aleppo"], "an\u00a0army medic was killed"),
    ("DIRECT", "Igor Konashenkov", "Igor Konashenkov", "said", None, [], "As a result of a shell"),
    ("DIRECT", "Igor Konashenkov", "Igor Konashenkov", None, None, [], "Two medical workers"),
    # the pull quote under the story, signed "- Yasser al-Youssef"
    ("DIRECT", "Yasser al-Youssef", "Yasser al-Youssef", "-", None, ["Aleppo", "Syria"],
     "It is for the Russians"),
    ("INDIRECT", "Sergei Lavrov", "Sergei Lavrov", "said", None, ["Aleppo", "Moscow", "Washington"],
     "Moscow would hold talks with Washington this week"),
    ("DIRECT", "Sergei Lavrov", "he", "said", None, ["East Aleppo"], "During the Russian-American"),
    ("INDIRECT", "Sergei Lavrov", "he", "indicating", None, ["Geneva"], "the talks in Geneva would"),
    ("DIRECT", "Sergei Lavrov", "Lavrov", "said", None, [], "As soon as these routes"),
]

SPLIT = """{ articles(first: 1) { nodes { body statements(first: 100) { nodes {
  text span { start end } parts { start end } } } } } }"""

SPEAKERS = {
    "Russia": ("GOVERNMENT", None, None),
    "Sergei Lavrov": ("PERSON", "Foreign Minister", ("Russia", "GOVERNMENT")),
    "Two of Aleppo's leading rebel groups": ("GROUP", None, None),
    "Yasser al-Youssef": ("PERSON", None, ("Nour al-Deen al-Zinki", "ORGANIZATION")),
    "Abu Abdel Rahman al-Hamawi": ("PERSON", None, ("Jaish al-Islam", "ORGANIZATION")),
    "Both officials": ("GROUP", None, None),
    "opposition sources": ("UNNAMED", None, None),
    "Pro-regime media": ("UNNAMED", None, None),
    "Igor Konashenkov": ("PERSON", "defence ministry spokesman", ("Russia", "GOVERNMENT")),
}

PLACES = [
    ("Aleppo", "CITY", "SY", "Syria"),
    ("East Aleppo", "DISTRICT", "SY", "Aleppo"),
    ("Geneva", "CITY", "CH", "Switzerland"),
    ("Karam al-Katerji", "DISTRICT", "SY", "Aleppo"),
    ("Karam al-Rahal", "DISTRICT", "SY", "Aleppo"),
    ("Moscow", "CITY", "RU", "Russia"),
    ("Russia", "COUNTRY", "RU", None),
    ("Syria", "COUNTRY", "SY", None),
    ("Washington", "CITY", "US", "United States"),
]


@pytest.fixture
async def client(engine: AsyncEngine, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client on the app over a database seeded (twice) with the seed folder."""
    first = await seed_paths(engine, [SEED_FILE.parent])
    again = await seed_paths(engine, [SEED_FILE.parent])
    assert (first.created, first.errors, again.created, again.existing) == (1, [], 0, 1)
    async with app_client(Settings(database_url=database_url)) as http:
        yield http


async def _article(client: httpx.AsyncClient) -> dict[str, Any]:
    data = await run_query(client, ARTICLE)
    assert data["articles"]["totalCount"] == 1
    article: dict[str, Any] = data["articles"]["nodes"][0]
    return article


async def test_article_furniture(client: httpx.AsyncClient) -> None:
    article = await _article(client)
    assert {k: article[k] for k in ("title", "publishedAt", "readingTimeMinutes", "creditLine", "captions")} == {
        "title": "Syrian rebels reject withdrawal plan amid Russia's chilling warnings",
        "publishedAt": "2016-12-05",
        "readingTimeMinutes": 3,
        "creditLine": "Agencies contributed to this report.",
        "captions": [{"text": "The Syrian army has seized two-thirds of east Aleppo", "credit": "AFP"}],
    }
    assert article["standfirst"].startswith("Syrian rebels have ruled out a withdrawal from eastern Aleppo")


async def test_statements_speakers_cues_media_and_places(client: httpx.AsyncClient) -> None:
    statements = (await _article(client))["statements"]
    got = [
        (s["kind"], s["speaker"]["name"] if s["speaker"] else None, s["speakerText"], s["cue"],
         s["medium"]["name"] if s["medium"] else None, sorted(p["name"] for p in s["locations"]),
         s["text"][: len(expected[-1])])
        for s, expected in zip(statements["nodes"], STATEMENTS, strict=False)
    ]
    assert statements["totalCount"] == len(STATEMENTS)
    assert got == STATEMENTS


async def test_the_pull_quote_is_its_signer_s_statement_again(client: httpx.AsyncClient) -> None:
    texts = [s["text"] for s in (await _article(client))["statements"]["nodes"]]
    repeated = [t for t in texts if "It is for the Russians to leave Aleppo" in t]
    said = ("It is for the Russians to leave Aleppo, and for the sectarian militias to leave Aleppo "
            "and Syria and stop interfering in the internal affairs of Syrians")
    assert repeated == [f"{said},", said]


async def test_speaker_kinds_titles_and_affiliations(client: httpx.AsyncClient) -> None:
    speakers = {
        s["speaker"]["name"]: (
            s["speaker"]["kind"], s["speaker"]["title"],
            (s["speaker"]["affiliation"]["name"], s["speaker"]["affiliation"]["kind"])
            if s["speaker"]["affiliation"] else None,
        )
        for s in (await _article(client))["statements"]["nodes"]
    }
    assert speakers == SPEAKERS
    media = {
        (s["medium"]["name"], s["medium"]["kind"])
        for s in (await _article(client))["statements"]["nodes"] if s["medium"]
    }
    assert media == {("Reuters", "MEDIA"), ("AFP", "MEDIA")}


async def test_places_with_their_hierarchy(client: httpx.AsyncClient) -> None:
    places = (await _article(client))["locations"]["nodes"]
    got = sorted((p["name"], p["kind"], p["countryCode"], p["parent"]["name"] if p["parent"] else None)
                 for p in places)
    assert got == PLACES


async def test_actor_search_finds_every_surface_form(client: httpx.AsyncClient) -> None:
    data = await run_query(client, ACTOR_SEARCH, {"q": "lavrov"})
    assert data["actors"]["nodes"] == [{
        "name": "Sergei Lavrov", "kind": "PERSON", "title": "Foreign Minister",
        "aliases": ["Lavrov", "Sergei Lavrov"], "statements": {"totalCount": 8},
    }]


async def test_seeding_twice_doubles_nothing(client: httpx.AsyncClient) -> None:
    assert await run_query(client, TOTALS) == {
        "articles": {"totalCount": 1}, "statements": {"totalCount": 22},
        "actors": {"totalCount": 15}, "locations": {"totalCount": 11},
    }


SECOND_ARTICLE = {
    "title": "Lavrov rules out a ceasefire",
    "body": 'Talks stalled on Monday.\n\n"We will not stop now," Lavrov told Reuters.\n',
    "publishedAt": "2016-12-07",
    "publisher": "Example Wire",
}

LAVROV = """
{ actors(filter: {search: "lavrov"}) { nodes {
  name aliases articles(first: 10) { nodes { title } }
  statements(first: 1) { nodes { text medium { name } article { publisher } } }
} } }
"""


async def test_a_second_article_resolves_to_the_same_actors(
    client: httpx.AsyncClient, engine: AsyncEngine, tmp_path: Path
) -> None:
    record = tmp_path / "second.json"
    record.write_text(json.dumps(SECOND_ARTICLE), encoding="utf-8")
    report = await seed_paths(engine, [record])
    assert (report.created, report.errors) == (1, [])
    data = await run_query(client, LAVROV)
    assert data["actors"]["nodes"] == [{
        "name": "Sergei Lavrov",
        "aliases": ["Lavrov", "Sergei Lavrov"],
        "articles": {"nodes": [
            {"title": "Lavrov rules out a ceasefire"},
            {"title": "Syrian rebels reject withdrawal plan amid Russia's chilling warnings"},
        ]},
        "statements": {"nodes": [{
            "text": "We will not stop now,", "medium": {"name": "Reuters"},
            "article": {"publisher": "Example Wire"},
        }]},
    }]
    totals = await run_query(client, TOTALS)
    assert totals["actors"] == {"totalCount": 15}  # Lavrov and Reuters were already known


async def test_quotations_split_by_their_attribution_are_one_statement_each(
    client: httpx.AsyncClient,
) -> None:
    article = (await run_query(client, SPLIT))["articles"]["nodes"][0]
    body, statements = article["body"], article["statements"]["nodes"]
    split = [s for s in statements if len(s["parts"]) > 1]
    assert [(s["text"], [body[p["start"] : p["end"]] for p in s["parts"]]) for s in split] == [
        ("Those armed groups who refuse to leave eastern Aleppo will be considered to be"
         " terrorists, \u2026 We will treat them as such, as terrorists, as extremists and will"
         " support a Syrian army operation against those criminal squad.",
         ["Those armed groups who refuse to leave eastern Aleppo will be considered to be"
          " terrorists,",
          "We will treat them as such, as terrorists, as extremists and will support a Syrian"
          " army operation against those criminal squad."]),
        ("This is our land and the land of our ancestors, and we will stay on it, and defend it,"
         " God willing, \u2026 The revolution will continue until victory.",
         ["This is our land and the land of our ancestors, and we will stay on it, and defend"
          " it, God willing,",
          "The revolution will continue until victory."]),
    ]
    # the span keeps the outer extent, attribution and marks included
    assert [body[s["span"]["start"] : s["span"]["end"]] for s in split] == [
        '"Those armed groups who refuse to leave eastern Aleppo will be considered to be'
        ' terrorists," Lavrov said, according to Reuters. "We will treat them as such, as'
        ' terrorists, as extremists and will support a Syrian army operation against those'
        ' criminal squad."',
        '"This is our land and the land of our ancestors, and we will stay on it, and defend'
        ' it, God willing," he said. "The revolution will continue until victory."',
    ]
    # every other statement is one part: its text
    assert all(
        s["text"] == body[s["parts"][0]["start"] : s["parts"][0]["end"]]
        for s in statements if len(s["parts"]) == 1
    )
    assert len(statements) - len(split) == 20
