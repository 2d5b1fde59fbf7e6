"""q6 and q7 on PostgreSQL: the plain SQL's answer (the expected rows and the raw limit's
reply) on 20 corpus articles, and the peer's SQL functions giving the same rows, which is
what PostGraphile serves (its fields read these functions; node is not needed here)."""
from __future__ import annotations

import asyncio
import datetime as dt

import asyncpg

from bench.corpus import corpus, load
from bench.peer import create_functions
from bench.queries import Choice, Json, check, connect, expected

# The place most statements of the 20 articles name, and three of one speaker's
# statements in three articles (oldest last in id order) made one quote by hand, so the
# test does not depend on how the clustering groups the corpus.
PLACE_GROUPS = """
SELECT json_build_object('data', json_build_object('locationByRowId', json_build_object(
  'speakerMonths', json_build_object('nodes', coalesce(json_agg(json_build_object(
    'keys', g.keys, 'count', g.count, 'actorBySpeakerId',
    (SELECT json_build_object('name', a.name) FROM actor a WHERE a.id = g.speaker_id))
    ORDER BY g.n), '[]')))))
FROM (SELECT * FROM location_speaker_months((SELECT l FROM location l WHERE l.id = $1))
      WITH ORDINALITY AS m(location_id, speaker_id, month, count, keys, n) LIMIT 20) g
"""
QUOTE = """
SELECT json_build_object('data', json_build_object('quoteByRowId', json_build_object(
  'text', q.text,
  'actorBySpeakerId', (SELECT json_build_object('name', a.name) FROM actor a WHERE a.id = q.speaker_id),
  'firstStatement', (SELECT json_build_object('articleByArticleId', json_build_object('title',
      ar.title, 'publisher', ar.publisher, 'publishedAt', ar.published_at))
    FROM quote_first_statement(q) f JOIN article ar ON ar.id = f.article_id),
  'appearancesInOrder', json_build_object('nodes', (SELECT json_agg(json_build_object('text',
      s.text, 'articleByArticleId', json_build_object('title', ar.title, 'publisher',
      ar.publisher, 'publishedAt', ar.published_at)) ORDER BY s.n)
    FROM (SELECT a.article_id, a.text, a.ordinality AS n FROM quote_appearances_in_order(q)
          WITH ORDINALITY AS a LIMIT 20) s
    JOIN article ar ON ar.id = s.article_id)),
  'articleCount', q.article_count, 'publishers', quote_publishers(q))))
FROM quote q WHERE q.id = $1
"""
LONDON = "Sokolov defends reconstruction as pressure mounts in London"


def test_the_peers_groups_and_quote_equal_the_plain_sql_answers(postgres_url: str) -> None:
    load(postgres_url, list(corpus(20)), jobs=1)
    create_functions(postgres_url)
    choice, quote_statements = asyncio.run(_choose(postgres_url))
    answers = asyncio.run(_answers(postgres_url, choice))
    groups = answers["q6"]["location"]["statements"]["groupedAggregates"]
    # Largest first; ties by speaker id as a number (1, 20, 44...), then by month.
    assert [(g["keys"], g["count"], g["speaker"]["name"]) for g in groups] == [
        (["QWN0b3I6NjE=", "2015-07-01"], 3, "Claire Romano"),
        (["QWN0b3I6Nzc=", "2017-05-01"], 3, "Luis Romano-Hartley"),
        (["QWN0b3I6MQ==", "2015-07-01"], 2, "Yasmin Sokolov"),
        (["QWN0b3I6MQ==", "2016-07-01"], 2, "Yasmin Sokolov"),
        (["QWN0b3I6MQ==", "2018-03-01"], 2, "Yasmin Sokolov"),
        (["QWN0b3I6MjA=", "2017-05-01"], 2, "Mona Vasquez"),
        (["QWN0b3I6MjA=", "2019-02-01"], 2, "Mona Vasquez"),
        (["QWN0b3I6NDQ=", "2017-05-01"], 2, "Ingrid Delacroix"),
        (["QWN0b3I6NDc=", "2017-01-01"], 2, "Khalid Fischer"),
        (["QWN0b3I6Nzg=", "2016-07-01"], 2, "David Rashid"),
        (["QWN0b3I6OTA=", "2018-03-01"], 2, "Samuel Ashford-Delacroix"),
        (["QWN0b3I6MQ==", "2017-01-01"], 1, "Yasmin Sokolov"),
        (["QWN0b3I6MQ==", "2017-05-01"], 1, "Yasmin Sokolov"),
        (["QWN0b3I6MTk=", "2015-07-01"], 1, "Leila Gallagher"),
        (["QWN0b3I6MjA=", "2015-07-01"], 1, "Mona Vasquez"),
        (["QWN0b3I6MjA=", "2017-01-01"], 1, "Mona Vasquez"),
        (["QWN0b3I6NDg=", "2017-01-01"], 1, "Laila Greenberg-Romano"),
        (["QWN0b3I6NTc=", "2019-02-01"], 1, "Robert Volkov"),
        (["QWN0b3I6NTg=", "2019-02-01"], 1, "Yusuf Aziz"),
        (["QWN0b3I6NTk=", "2019-02-01"], 1, "Viktor Rahman"),
    ]
    # Appearances oldest article first, publishers in that order, whatever the ids' order.
    assert quote_statements == [450, 421, 356]
    assert answers["q7"] == {"quote": {
        "text": "the quote", "speaker": {"name": "Yasmin Sokolov"},
        "firstSeen": {"article": {"title": LONDON, "publisher": "Harbour Gazette",
                                  "publishedAt": "2015-07-04"}},
        "appearances": {"nodes": [
            {"text": "reconstruction as pressure mounts in London", "article": {
                "title": LONDON, "publisher": "Harbour Gazette", "publishedAt": "2015-07-04"}},
            {"text": "the government in Iraq was responsible for the refugees", "article": {
                "title": "Officials clash over refugees in Tunis", "publisher": "Capital Dispatch",
                "publishedAt": "2016-07-15"}},
            {"text": "Our forces need more time to study any sanctions imposed from outside as"
                     " long as civilians suffer. The situation is extremely serious,", "article": {
                "title": "Fedorov-Halabi defends convoy as pressure mounts in Ankara",
                "publisher": "Northern Chronicle", "publishedAt": "2018-03-23"}},
        ]},
        "articleCount": 3, "publishers": ["Harbour Gazette", "Capital Dispatch", "Northern Chronicle"],
    }}
    peer = asyncio.run(_peer(postgres_url, choice))
    check("PostGraphile V5", "q6", peer["q6"], answers["q6"])
    check("PostGraphile V5", "q7", peer["q7"], answers["q7"])


async def _choose(url: str) -> tuple[Choice, list[int]]:
    conn = await asyncpg.connect(url)
    try:
        place = await conn.fetchval(
            "SELECT location_id FROM statement_location GROUP BY location_id"
            " ORDER BY count(*) DESC, location_id LIMIT 1")
        rows = await conn.fetch(
            "SELECT DISTINCT ON (s.article_id) s.id FROM statement s WHERE s.speaker_id = 1"
            " ORDER BY s.article_id DESC, s.start LIMIT 3")
        ids = [row["id"] for row in rows]
        quote = await conn.fetchval(
            "INSERT INTO quote (speaker_id, text, first_statement_id, appearances, article_count)"
            " VALUES (1, 'the quote', NULL, 3, 3) RETURNING id")
        await conn.execute("UPDATE statement SET quote_id = $1 WHERE id = ANY($2)", quote, ids)
        await conn.execute(
            "UPDATE quote SET first_statement_id = (SELECT s.id FROM statement s JOIN article ar"
            " ON ar.id = s.article_id WHERE s.quote_id = $1"
            " ORDER BY ar.published_at, s.article_id, s.start LIMIT 1) WHERE id = $1", quote)
    finally:
        await conn.close()
    day = dt.date(2016, 1, 1)
    return Choice(1, "truce", place, day, day, ids[0], quote), ids


async def _answers(url: str, choice: Choice) -> dict[str, Json]:
    conn = await connect(url)
    try:
        return await expected(conn, choice, ["q6", "q7"])
    finally:
        await conn.close()


async def _peer(url: str, choice: Choice) -> dict[str, bytes]:
    conn = await asyncpg.connect(url)
    try:
        return {"q6": (await conn.fetchval(PLACE_GROUPS, choice.location)).encode(),
                "q7": (await conn.fetchval(QUOTE, choice.quote)).encode()}
    finally:
        await conn.close()


