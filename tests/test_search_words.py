"""Statement search by word prefixes over the text indexes (FTS5 on SQLite, GIN on
PostgreSQL): what matches, hostile input, and the index kept in step with every change."""
from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel.ext.asyncio.session import AsyncSession

from api.extract.results import ArticleMeta, Extraction, Span, StatementKind, StatementRef
from api.load.reextract import reextract
from api.settings import Settings
from api.store.models import Article, Statement
from tests.schema.helpers import gid, run_query
from tests.servers import app_client

pytestmark = pytest.mark.anyio

TERROR = "Terrorists attacked the convoy"
HAMAWI = "Lavrov's aide said al-Hamawi left"
CAFE = "Café owners on ÉCOLE street"
DOTS = "Visit example.com: 3.5 percent, -5 degrees"
WAR = "The terror of war"
WORDS = "Count 100 NEAR AND OR NOT text"
TEXTS = (TERROR, HAMAWI, CAFE, DOTS, WAR, WORDS)
BODY = ". ".join(TEXTS) + "."
TOKEN = "search-editor-token"

SEARCH = "query ($q: String) { statements(filter: {search: $q}) { nodes { text } } }"
EVERYWHERE = "query ($q: String!) { search(query: $q) { ... on Statement { text } } }"
UPDATE = """mutation ($input: UpdateStatementInput!) {
  updateStatement(input: $input) { __typename } }"""
DELETE = "mutation ($id: ID!) { deleteStatement(id: $id) { __typename } }"


async def _insert(engine: AsyncEngine) -> dict[str, int]:
    """One article holding TEXTS as statements, in reading order; ids by text."""
    async with AsyncSession(engine) as session, session.begin():
        article = Article(title="Words", published_at=dt.date(2016, 10, 12), body=BODY,
                          content_hash="f" * 64)
        session.add(article)
        await session.flush()
        assert article.id is not None
        rows = [_statement(article.id, said) for said in TEXTS]
        session.add_all(rows)
        await session.flush()
        return {row.text: row.id for row in rows if row.id is not None}


def _statement(article_id: int, said: str, body: str = BODY) -> Statement:
    start = body.index(said)
    return Statement(article_id=article_id, text=said, kind=StatementKind.DIRECT, start=start,
                     end=start + len(said))


@pytest.fixture
async def ids(engine: AsyncEngine) -> dict[str, int]:
    return await _insert(engine)


@pytest.fixture
async def client(database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """A client with an editor's token on an app over the test database."""
    settings = Settings(database_url=database_url, api_tokens=(("editor", TOKEN),))
    async with app_client(settings, {"Authorization": f"Bearer {TOKEN}"}) as http:
        yield http


async def _found(client: httpx.AsyncClient, search: str | None) -> list[str]:
    data = await run_query(client, SEARCH, {"q": search})
    return [node["text"] for node in data["statements"]["nodes"]]


async def _fts_rowids(engine: AsyncEngine, word: str) -> list[int] | None:
    """The rows SQLite's FTS index holds for `word` (stale entries included); None on
    PostgreSQL, whose expression index cannot go stale."""
    if engine.dialect.name != "sqlite":
        return None
    async with engine.connect() as connection:
        found = await connection.execute(
            text("SELECT rowid FROM statement_fts WHERE statement_fts MATCH :w ORDER BY rowid"),
            {"w": f'"{word}"'},
        )
        return [row[0] for row in found]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("terror", [TERROR, WAR]),  # the beginning of a word: "Terrorists" and "terror"
        ("TERROR", [TERROR, WAR]),
        ("terr att", [TERROR]),  # every word must match
        ("terror war", [WAR]),
        ("rorists", []),  # inside a word: no longer a match
        ("Lavrov's", [HAMAWI]),  # "Lavrov" and "s", both words of "Lavrov's"
        ("s", [HAMAWI]),  # one character: a whole word, not every word beginning with s
        ("l", []),
        ("le", [HAMAWI]),  # "left"
        ("lavrov", [HAMAWI]),
        ("al-Hamawi", [HAMAWI]),  # "al" and "Hamawi"
        ("hamawi", [HAMAWI]),
        ("al-Hamawi convoy", []),
        ("café", [CAFE]),
        ("CAFÉ", [CAFE]),
        ("cafe", []),  # accents count, on both databases
        ("école", [CAFE]),
        ("example", [DOTS]),  # text splits on every non-alphanumeric character
        ("com", [DOTS]),
        ("3.5", [DOTS]),
        ("5", [DOTS]),
        ("-5", [DOTS]),
        ("100", [WORDS]),
        ("10", [WORDS]),
        (None, list(TEXTS)),  # no search: no filter
        ("", list(TEXTS)),
        ("   ", list(TEXTS)),
    ],
)
async def test_words_begin_words_of_the_text(
    client: httpx.AsyncClient, ids: dict[str, int], search: str | None, expected: list[str]
) -> None:
    assert await _found(client, search) == expected


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        # Query-syntax words and characters of FTS5 and tsquery are plain words or nothing.
        ("AND", [WORDS]),
        ("near", [WORDS]),
        ("NOT terror", []),
        ("terror OR war", []),
        ("terror -war", [WAR]),
        ("terror*", [TERROR, WAR]),
        ('"terror', [TERROR, WAR]),
        ("(terror)", [TERROR, WAR]),
        ("'terror':* & war", [WAR]),
        ("^terror", [TERROR, WAR]),
        ("text:terror", []),  # an FTS5 column filter, were it not quoted
        ("terror:*", [TERROR, WAR]),
        ("NEAR(terror war)", []),
        ("Алеппо 阿勒颇 حلب", []),
        ("x" * 1000, []),
        ("阿" * 1000, []),  # 3,000 bytes: past PostgreSQL's longest word, still no error
        # No letters or digits at all: nothing to match, so nothing matches.
        ("*", []),
        ('"', []),
        ("-", []),
        ("!!! ???", []),
        ("()", []),
        ("_", []),
        ("\\", []),
        ("'", []),
        (":*", []),
    ],
)
async def test_hostile_searches_are_words_never_syntax(
    client: httpx.AsyncClient, ids: dict[str, int], search: str, expected: list[str]
) -> None:
    assert await _found(client, search) == expected


async def test_root_search_finds_statements_by_the_same_words(
    client: httpx.AsyncClient, ids: dict[str, int]
) -> None:
    found = await run_query(client, EVERYWHERE, {"q": "terror"})
    assert found == {"search": [{}, {"text": TERROR}, {"text": WAR}]}  # {}: the article
    # The article still matches "rorists" inside its body (article search is unchanged).
    assert await run_query(client, EVERYWHERE, {"q": "rorists"}) == {"search": [{}]}
    assert await run_query(client, EVERYWHERE, {"q": "%"}) == {"search": []}


async def test_searches_in_turn_get_their_own_answers(
    client: httpx.AsyncClient, ids: dict[str, int]
) -> None:
    """The compiled statement is cached per dialect; each search must bind its own words."""
    assert [await _found(client, s) for s in ("war", "cafe", "café", "war")] == [
        [WAR], [], [CAFE], [WAR]
    ]


async def test_deleted_statements_are_not_found(
    client: httpx.AsyncClient, ids: dict[str, int]
) -> None:
    result = await run_query(client, DELETE, {"id": gid("Statement", ids[WAR])})
    assert result == {"deleteStatement": {"__typename": "DeleteStatementSuccess"}}
    assert await _found(client, "terror") == [TERROR]


async def test_an_updated_span_is_searched_by_its_new_text(
    client: httpx.AsyncClient, engine: AsyncEngine, ids: dict[str, int]
) -> None:
    start = BODY.index(TERROR)
    given = {"id": gid("Statement", ids[TERROR]), "start": start, "end": start + len("Terrorists")}
    result = await run_query(client, UPDATE, {"input": given})
    assert result == {"updateStatement": {"__typename": "UpdateStatementSuccess"}}
    assert await _found(client, "terror") == ["Terrorists", WAR]
    assert await _found(client, "convoy") == []
    assert await _fts_rowids(engine, "convoy") in ([], None)


async def test_the_index_follows_plain_sql_updates_and_deletes(
    client: httpx.AsyncClient, engine: AsyncEngine, ids: dict[str, int]
) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text("UPDATE statement SET text = 'Peace talks resumed' WHERE id = :id"),
            {"id": ids[CAFE]},
        )
        await connection.execute(text("DELETE FROM statement WHERE id = :id"), {"id": ids[WORDS]})
    assert await _found(client, "peace talk") == ["Peace talks resumed"]
    assert await _found(client, "café") == []
    assert await _fts_rowids(engine, "café") in ([], None)
    assert await _fts_rowids(engine, "near") in ([], None)
    assert await _fts_rowids(engine, "peace") in ([ids[CAFE]], None)


async def test_reextract_keeps_the_index_in_step(
    client: httpx.AsyncClient, engine: AsyncEngine, ids: dict[str, int]
) -> None:
    """A newer extraction drops DOTS's span and finds a new one: its words are found."""
    kept = [Span(BODY.index(said), BODY.index(said) + len(said)) for said in TEXTS if said != DOTS]
    added = Span(BODY.index("owners"), BODY.index("owners") + len("owners on ÉCOLE"))

    def newer(body: str, *, title: str | None = None) -> Extraction:
        spans = (*kept, added)
        meta = ArticleMeta(title, None, None, None)
        return Extraction(meta, tuple(StatementRef(s, StatementKind.DIRECT) for s in spans))

    report = await reextract(engine, extract=newer)
    assert str(report) == "added 1, changed 0, removed 1"
    assert await _found(client, "ecole") == []
    assert await _found(client, "école") == [CAFE, "owners on ÉCOLE"]
    assert await _found(client, "example") == []
    assert await _fts_rowids(engine, "example") in ([], None)
