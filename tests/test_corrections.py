"""Human corrections survive: re-seeding the same files, `reextract` (also with a newer
extractor) and ingesting the article again never undo them; a merge stays merged."""
from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col

from api.cli import main
from api.extract import extract_article
from api.extract.results import Extraction, Span, StatementKind, StatementRef
from api.load.reextract import reextract
from api.load.seed import seed_paths
from api.settings import Settings
from api.store.models import Statement
from tests.conftest import SEED_FILE
from tests.schema.helpers import run_query
from tests.servers import app_client

pytestmark = pytest.mark.anyio

TOKEN = "editor-secret"
STATE = """
{
  statements(first: 100) { nodes { text kind cue span { start end } speaker { name } } }
  actors(first: 100) { nodes { name affiliation { name } aliases } }
}
"""
STATEMENTS = "{ statements(first: 100) { nodes { id text speaker { id name } } } }"
ACTORS = "{ actors(first: 100) { nodes { id name } } }"
UPDATE = """
mutation ($input: UpdateStatementInput!) {
  updateStatement(input: $input) { __typename }
}
"""
DELETE = "mutation ($id: ID!) { deleteStatement(id: $id) { __typename } }"
MERGE = """
mutation ($s: ID!, $t: ID!) { mergeActors(sourceId: $s, targetId: $t) { __typename } }
"""
AFFILIATE = "mutation ($a: ID!) { setAffiliation(actorId: $a, affiliationId: null) { __typename } }"
INGEST = """
mutation ($body: String!) { ingestArticle(input: {body: $body}) {
  ... on IngestArticleSuccess { created }
} }
"""
PARTS = "{ statements(first: 100) { nodes { id text span { start end } parts { start end } } } }"
ARMED_GROUPS = "Those armed groups who refuse"  # a quotation split by "Lavrov said": two parts
EDITED_TEXT = "it would treat all captured rebels"  # Russia's, given to Lavrov by a person
DELETED_TEXT = "they would fight to defend Syrians"


@pytest.fixture
async def editor(engine: AsyncEngine, database_url: str) -> AsyncIterator[httpx.AsyncClient]:
    """The seed article loaded, and a client with a token on an app over it."""
    await seed_paths(engine, [SEED_FILE])
    # No response cache: these tests write behind the app's back (reextract, seed) and
    # read at once; on PostgreSQL the cache learns of such writes by a notification that
    # may come a moment later (tests/web/test_cache.py tests that path).
    settings = Settings(
        database_url=database_url, api_tokens=(("editor", TOKEN),), response_cache="off"
    )
    async with app_client(settings, {"Authorization": f"Bearer {TOKEN}"}) as http:
        yield http


async def _statement(client: httpx.AsyncClient, opening: str) -> dict[str, Any]:
    nodes = (await run_query(client, STATEMENTS))["statements"]["nodes"]
    return next(n for n in nodes if opening in n["text"])


async def _actor(client: httpx.AsyncClient, name: str) -> str:
    nodes = (await run_query(client, ACTORS))["actors"]["nodes"]
    found: str = next(n["id"] for n in nodes if n["name"] == name)
    return found


async def _correct(client: httpx.AsyncClient) -> dict[str, Any]:
    """Edit, delete, merge and clear an affiliation; returns the state afterwards."""
    edited = await _statement(client, EDITED_TEXT)
    lavrov = await _actor(client, "Sergei Lavrov")
    changes: list[tuple[str, dict[str, Any]]] = [
        (UPDATE, {"input": {"id": edited["id"], "speakerId": lavrov, "kind": "DIRECT"}}),
        (DELETE, {"id": (await _statement(client, DELETED_TEXT))["id"]}),
        (MERGE, {"s": await _actor(client, "Abu Abdel Rahman al-Hamawi"),
                 "t": await _actor(client, "Yasser al-Youssef")}),
        (AFFILIATE, {"a": lavrov}),
    ]
    for mutation, variables in changes:
        (result,) = (await run_query(client, mutation, variables)).values()
        assert result["__typename"].endswith("Success"), result
    state = await run_query(client, STATE)
    _assert_corrected(state)
    return state


def _assert_corrected(state: dict[str, Any]) -> None:
    statements = state["statements"]["nodes"]
    edited = next(s for s in statements if s["text"].startswith(EDITED_TEXT))
    assert (edited["speaker"], edited["kind"]) == ({"name": "Sergei Lavrov"}, "DIRECT")
    assert not [s for s in statements if DELETED_TEXT in s["text"]]
    actors = {a["name"]: a for a in state["actors"]["nodes"]}
    assert "Abu Abdel Rahman al-Hamawi" not in actors
    assert "Abu Abdel Rahman al-Hamawi" in actors["Yasser al-Youssef"]["aliases"]
    assert actors["Sergei Lavrov"]["affiliation"] is None
    hamawi = [s for s in statements if s["text"].startswith("the revolutionaries would not leave")]
    assert [s["speaker"] for s in hamawi] == [{"name": "Yasser al-Youssef"}]


async def test_reseeding_the_same_files_keeps_corrections(
    editor: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    state = await _correct(editor)
    report = await seed_paths(engine, [SEED_FILE])
    assert (report.created, report.existing) == (0, 1)
    assert await run_query(editor, STATE) == state


async def test_ingesting_the_article_again_keeps_corrections(editor: httpx.AsyncClient) -> None:
    state = await _correct(editor)
    body = SEED_FILE.read_text(encoding="utf-8")
    assert await run_query(editor, INGEST, {"body": body}) == {"ingestArticle": {"created": False}}
    assert await run_query(editor, STATE) == state


async def test_reextract_with_the_same_extractor_changes_nothing(
    editor: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    before = await run_query(editor, STATE)
    report = await reextract(engine)
    assert (report.articles, str(report)) == (1, "added 0, changed 0, removed 0")
    assert await run_query(editor, STATE) == before
    state = await _correct(editor)
    report = await reextract(engine)
    assert str(report) == "added 0, changed 0, removed 0"
    assert await run_query(editor, STATE) == state


def _newer(body: str, *, title: str | None = None) -> Extraction:
    """A 'newer extractor': re-cues the edited statement and the first other one, drops the
    last, finds a new one in the headline, and still finds the deleted one."""
    found = extract_article(body, title=title)
    statements = list(found.statements)
    edited = next(i for i, s in enumerate(statements) if _text(body, s).startswith(EDITED_TEXT))
    other = next(i for i in range(len(statements)) if i != edited)
    for index in (edited, other):
        statements[index] = dataclasses.replace(statements[index], cue="claimed")
    statements.pop()
    statements.append(StatementRef(span=Span(0, 6), kind=StatementKind.DIRECT, cue="wrote"))
    return dataclasses.replace(found, statements=tuple(statements))


def _text(body: str, ref: StatementRef) -> str:
    return body[ref.span.start : ref.span.end]


async def test_reextract_with_a_newer_extractor_keeps_corrections(
    editor: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    state = await _correct(editor)
    report = await reextract(engine, extract=_newer)
    assert str(report) == "added 1, changed 1, removed 1"
    after = await run_query(editor, STATE)
    _assert_corrected(after)
    statements = after["statements"]["nodes"]
    edited = next(s for s in statements if s["text"].startswith(EDITED_TEXT))
    assert edited["cue"] != "claimed"
    assert [s["cue"] for s in statements].count("claimed") == 1
    assert len(statements) == len(state["statements"]["nodes"])  # one added, one removed
    assert after["actors"] == state["actors"]


async def test_a_merged_actor_stays_merged_in_new_articles(editor: httpx.AsyncClient) -> None:
    await _correct(editor)
    actors_before = (await run_query(editor, ACTORS))["actors"]["nodes"]
    body = (
        "Rebels hold the line in Aleppo\n\n"
        "Abu Abdel Rahman al-Hamawi said the rebels would never leave the city."
    )
    assert await run_query(editor, INGEST, {"body": body}) == {"ingestArticle": {"created": True}}
    said = await _statement(editor, "the rebels would never leave the city")
    assert said["speaker"]["name"] == "Yasser al-Youssef"
    names = {a["name"] for a in (await run_query(editor, ACTORS))["actors"]["nodes"]}
    assert "Abu Abdel Rahman al-Hamawi" not in names
    assert {a["name"] for a in actors_before} <= names


def test_reextract_command_prints_what_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["seed", str(SEED_FILE)]) == 0
    capsys.readouterr()
    assert main(["reextract"]) == 0
    assert capsys.readouterr().out == "re-extracted 1 article(s): added 0, changed 0, removed 0\n"


async def test_a_moved_statement_is_not_extracted_again_where_it_was(
    editor: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    edited = await _statement(editor, EDITED_TEXT)
    data = await run_query(editor, UPDATE, {"input": {"id": edited["id"], "start": 0, "end": 6}})
    assert data == {"updateStatement": {"__typename": "UpdateStatementSuccess"}}
    before = await run_query(editor, STATE)
    report = await reextract(engine)
    assert str(report) == "added 0, changed 0, removed 0"
    assert await run_query(editor, STATE) == before
    assert not [s for s in before["statements"]["nodes"] if s["text"].startswith(EDITED_TEXT)]


async def _parts(client: httpx.AsyncClient, opening: str) -> dict[str, Any]:
    nodes = (await run_query(client, PARTS))["statements"]["nodes"]
    return next(n for n in nodes if n["text"].startswith(opening))


async def test_a_span_a_person_sets_is_one_part_its_text_the_slice(
    editor: httpx.AsyncClient,
) -> None:
    split = await _parts(editor, ARMED_GROUPS)
    first = split["parts"][0]
    assert len(split["parts"]) == 2
    # the first quotation, marks included
    span = {"start": first["start"] - 1, "end": first["end"] + 1}
    data = await run_query(editor, UPDATE, {"input": {"id": split["id"], **span}})
    assert data == {"updateStatement": {"__typename": "UpdateStatementSuccess"}}
    after = await _parts(editor, f'"{ARMED_GROUPS}')
    assert (after["text"], after["span"], after["parts"]) == (
        '"Those armed groups who refuse to leave eastern Aleppo will be considered to be'
        ' terrorists,"', span, [span],
    )


async def test_reextract_counts_other_parts_as_a_change(
    editor: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    split = await _parts(editor, ARMED_GROUPS)
    assert await _stored_parts(engine) == split["parts"]
    async with engine.begin() as connection:  # as stored before parts were (0004), same text
        await connection.execute(
            update(Statement).where(col(Statement.text).startswith(ARMED_GROUPS)).values(parts=None)
        )
    assert await _stored_parts(engine) is None
    report = await reextract(engine)
    assert str(report) == "added 0, changed 1, removed 0"
    assert await _stored_parts(engine) == split["parts"]


async def _stored_parts(engine: AsyncEngine) -> object:
    """The parts column of the statement ARMED_GROUPS opens, read past the app's caches."""
    async with engine.connect() as connection:
        query = select(col(Statement.parts)).where(col(Statement.text).startswith(ARMED_GROUPS))
        return (await connection.execute(query)).scalar_one()
