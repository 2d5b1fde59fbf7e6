"""Export and import of the whole database: counts, round trips across kinds, refusals."""
from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from sqlalchemy import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.cli import main
from api.errors import ArchiveError
from api.load.seed import seed_paths
from api.schema.node import from_global_id
from api.settings import Settings
from api.store import corrections
from api.store.archive import export_database, import_database, tables
from api.store.db import create_engine, head_revision, session_factory, upgrade
from api.store.models import Actor, Article
from api.vocabulary import StatementKind
from tests.conftest import ROOT, empty_database_url
from tests.schema.conftest import insert_graph
from tests.schema.helpers import run_query
from tests.servers import app_client

pytestmark = pytest.mark.anyio

# The hand-made graph of tests/schema/conftest.py, table by table.
GRAPH_COUNTS = {
    "actor": 5, "article": 3, "location": 4, "actor_alias": 3, "article_actor": 6,
    "article_location": 4, "statement": 6, "statement_location": 3, "statement_mention": 1,
}

EXTRA_ARTICLES = [
    {"title": "Talks resume in Geneva", "publisher": "Reuters", "publishedAt": "2016-12-01",
     "body": "Talks resume in Geneva\n\nForeign Minister Sergei Lavrov said Moscow wanted a "
             "truce in Aleppo. \"We are ready,\" Lavrov told reporters in Geneva."},
    {"title": "Aid reaches Damascus", "publisher": "AFP", "publishedAt": "2016-12-02",
     "body": "Aid reaches Damascus\n\nThe United Nations said aid convoys reached Damascus on "
             "Friday. \"It is not enough,\" a spokeswoman for the World Food Programme said."},
    {"title": "Letters", "publisher": "AFP",
     "body": "Letters\n\nPeace is near, one reader in Paris wrote."},
]

ARTICLES = """
{ articles(first: 50, orderBy: TITLE_ASC) { totalCount nodes {
    id title standfirst publishedAt publisher url readingTimeMinutes creditLine contentHash
    captions { text credit }
    statements(first: 100) { totalCount nodes {
      id text kind cue span { start end } parts { start end } speakerSpan { start end } speakerText
      speaker { id name kind title aliases affiliation { id name affiliation { id } } }
      medium { id name }
      locations { id name parent { id name parent { id } } }
      mentions { id name }
      history { action tokenName at before after }
    } }
    actors(first: 100) { totalCount nodes { id name } }
    locations(first: 100) { totalCount nodes {
      id name kind latitude longitude countryCode parent { id name } children { id }
    } }
} } }
"""

ACTORS = """
{ actors(first: 100) { totalCount nodes {
    id name kind title aliases statementCount affiliation { id name }
    members(first: 100) { totalCount nodes { id } }
    history { action tokenName at before after }
} } }
"""

LOCATIONS = """
{ locations(first: 100) { totalCount nodes {
    id name kind countryCode parent { id name } children { id name }
    statements(first: 100) { totalCount nodes { id } }
} } }
"""

STATEMENTS = "{ statements(first: 100) { totalCount nodes { id article { id title } } } }"

NODES = """
query ($ids: [ID!]!) { nodes(ids: $ids) {
  __typename id
  ... on Article { title } ... on Actor { name } ... on Location { name } ... on Statement { text }
} }
"""


async def _answers(url: str) -> list[dict[str, Any]]:
    """What the API answers on `url` to every query above (ids of every node included)."""
    settings = Settings(database_url=url, debug=True, max_cost=10**9, rate_limit=None)
    async with app_client(settings) as client:
        answers = [await run_query(client, q) for q in (ARTICLES, ACTORS, LOCATIONS, STATEMENTS)]
        ids = [n["id"] for a in answers[1:] for n in next(iter(a.values()))["nodes"]]
        answers.append(await run_query(client, NODES, {"ids": ids}))
    return answers


async def _export(url: str, out: Path) -> dict[str, int]:
    engine = create_engine(url)
    try:
        return await export_database(engine, out)
    finally:
        await engine.dispose()


async def _import(url: str, path: Path) -> dict[str, int]:
    engine = create_engine(url)
    try:
        return await import_database(engine, path)
    finally:
        await engine.dispose()


async def _row_counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            return {t.name: int(await conn.scalar(select(func.count()).select_from(t)) or 0)
                    for t in tables()}
    finally:
        await engine.dispose()


async def _empty(kind: str, folder: Path) -> str:
    """A new, migrated database of `kind` (migrations run in a thread: they run their own loop)."""
    folder.mkdir()
    url = await anyio.to_thread.run_sync(empty_database_url, kind, folder)
    await anyio.to_thread.run_sync(upgrade, url)
    return url


async def _sqlite(folder: Path, name: str) -> str:
    return await _empty("sqlite", folder / name)


def _all_tables(counts: dict[str, int]) -> dict[str, int]:
    """`counts` over every table the metadata knows, in export order (tables added later: 0)."""
    return {t.name: counts.get(t.name, 0) for t in tables()}


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
async def graph_archive(tmp_path: Path) -> Path:
    """An archive of the hand-made graph, exported from SQLite."""
    url = await _sqlite(tmp_path, "graph")
    await insert_graph(url)
    out = tmp_path / "graph.jsonl"
    await _export(url, out)
    return out


async def test_export_writes_a_header_with_counts_then_every_row(database_url: str, tmp_path: Path) -> None:
    graph = await insert_graph(database_url)
    out = tmp_path / "out.jsonl"
    counts = await _export(database_url, out)
    lines = _lines(out)
    assert counts == _all_tables(GRAPH_COUNTS)
    assert lines[0] == {"format": "quotegraph", "version": 1, "alembicRevision": head_revision(),
                        "tables": _all_tables(GRAPH_COUNTS)}
    assert len(lines) == 1 + sum(GRAPH_COUNTS.values())
    assert [line["table"] for line in lines[1:]] == [
        t.name for t in tables() for _ in range(GRAPH_COUNTS.get(t.name, 0))
    ]
    assert {"table": "actor", "row": {
        "id": graph.ids["lavrov"], "name": "Sergei Lavrov", "name_key": "sergei lavrov",
        "kind": "PERSON", "title": "Foreign Minister", "affiliation_id": graph.ids["russia"],
        "edited_at": None,
    }} in lines
    truce = next(line["row"] for line in lines[1:] if line["table"] == "article")
    assert truce["published_at"] == "2016-10-12"
    assert truce["captions"] == [{"text": "Lavrov in Moscow", "credit": "AFP", "start": 0, "end": 5}]
    assert truce["created_at"].endswith("+00:00")
    assert not (tmp_path / "out.jsonl.partial").exists()


async def test_export_pages_through_tables_larger_than_a_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("api.store.archive.BATCH_ROWS", 2)
    url, copy = await _sqlite(tmp_path, "a"), await _sqlite(tmp_path, "b")
    await insert_graph(url)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    await _export(url, first)
    assert await _import(copy, first) == _all_tables(GRAPH_COUNTS)
    await _export(copy, second)
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


async def _correct(url: str) -> None:
    """Human corrections on the first three statements: an edit, a tombstone, an affiliation."""
    engine = create_engine(url)
    try:
        sessions = session_factory(engine)
        await corrections.update_statement(
            sessions, 1, corrections.StatementEdit(kind=StatementKind.MIXED), "alice"
        )
        await corrections.delete_statement(sessions, 2, "alice")
        async with AsyncSession(engine) as session:
            lavrov = await session.scalar(select(Actor.id).where(Actor.name == "Sergei Lavrov"))
        assert lavrov is not None
        await corrections.set_affiliation(sessions, lavrov, None, "bot")
    finally:
        await engine.dispose()


@pytest.mark.parametrize("middle", ["sqlite", "postgresql"])
async def test_round_trip_gives_identical_answers(middle: str, tmp_path: Path) -> None:
    """SQLite -> `middle` -> SQLite of the seeded database: same answers, same archive."""
    middle_url = await _empty(middle, tmp_path / "middle")  # skips without PostgreSQL
    source = await _sqlite(tmp_path, "source")
    extra = tmp_path / "extra.jsonl"
    extra.write_text("".join(json.dumps(a) + "\n" for a in EXTRA_ARTICLES), encoding="utf-8")
    engine = create_engine(source)
    try:
        report = await seed_paths(engine, [ROOT / "seeds", extra])
    finally:
        await engine.dispose()
    assert (report.created, report.errors) == (4, [])
    await _correct(source)
    first, second, third = (tmp_path / f"{n}.jsonl" for n in ("first", "second", "third"))
    await _export(source, first)
    await _import(middle_url, first)
    await _export(middle_url, second)
    target = await _sqlite(tmp_path, "target")
    await _import(target, second)
    await _export(target, third)
    expected = await _answers(source)
    statements = [s for a in expected[0]["articles"]["nodes"] for s in a["statements"]["nodes"]]
    places = [p for a in expected[0]["articles"]["nodes"] for p in a["locations"]["nodes"]]
    assert expected[0]["articles"]["totalCount"] == 4
    assert any(s["speaker"] and s["speaker"]["affiliation"] for s in statements)
    assert any(p["parent"] for p in places)
    assert [len(s["parts"]) for s in statements].count(2) == 2  # the seed's split quotations
    assert [h["action"] for s in statements for h in s["history"]] == ["UPDATE_STATEMENT"]
    assert 2 not in [from_global_id(s["id"])[1] for s in statements]  # the tombstone stays hidden
    assert [h["tokenName"] for a in expected[1]["actors"]["nodes"] for h in a["history"]] == ["bot"]
    assert await _answers(middle_url) == expected
    assert await _answers(target) == expected
    assert second.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")
    assert third.read_text(encoding="utf-8") == first.read_text(encoding="utf-8")


async def test_new_rows_after_import_continue_the_ids(database_url: str, graph_archive: Path) -> None:
    await _import(database_url, graph_archive)
    engine = create_engine(database_url)
    try:
        async with AsyncSession(engine) as session, session.begin():
            article = Article(body="Later.", content_hash="d" * 64)
            session.add(article)
            await session.flush()
            assert article.id == 4
    finally:
        await engine.dispose()


async def test_a_row_may_point_at_a_later_row_of_its_own_table(database_url: str, tmp_path: Path) -> None:
    """Self-references (an actor's affiliation, a place's parent) need no particular row order."""
    archive = tmp_path / "children-first.jsonl"
    header = {"format": "quotegraph", "version": 1, "alembicRevision": "0001", "tables": {"actor": 2}}
    rows = [
        {"id": 1, "name": "Sergei Lavrov", "name_key": "sergei lavrov", "kind": "PERSON",
         "title": None, "affiliation_id": 2},
        {"id": 2, "name": "Russia", "name_key": "russia", "kind": "GOVERNMENT", "title": None,
         "affiliation_id": None},
    ]
    archive.write_text("".join(json.dumps(r) + "\n" for r in
                               [header, *({"table": "actor", "row": r} for r in rows)]))
    assert await _import(database_url, archive) == _all_tables({"actor": 2})
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            pairs = (await conn.execute(select(Actor.id, Actor.affiliation_id).order_by(Actor.id))).all()
    finally:
        await engine.dispose()
    assert [tuple(p) for p in pairs] == [(1, 2), (2, None)]


async def test_import_refuses_a_database_that_holds_rows(database_url: str, graph_archive: Path) -> None:
    await insert_graph(database_url)
    with pytest.raises(ArchiveError) as caught:
        await _import(database_url, graph_archive)
    held = ", ".join(f"{n} {c}" for n, c in GRAPH_COUNTS.items())
    assert str(caught.value) == (
        f"{graph_archive}: the target database already holds rows ({held}); import only into "
        "an empty database: point DATABASE_URL at a new SQLite file or an empty PostgreSQL database"
    )
    assert await _row_counts(database_url) == _all_tables(GRAPH_COUNTS)


async def test_a_row_the_database_refuses_leaves_it_empty(database_url: str, graph_archive: Path) -> None:
    lines = graph_archive.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, start=1) if '"table":"statement"' in line)
    row = json.loads(lines[number - 1])
    row["row"]["article_id"] = 999  # no such article
    lines[number - 1] = json.dumps(row)
    graph_archive.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ArchiveError) as caught:
        await _import(database_url, graph_archive)
    last = number + GRAPH_COUNTS["statement"] - 1
    assert str(caught.value).startswith(
        f"{graph_archive}: lines {number}-{last}: the database refused these statement rows ("
    )
    assert str(caught.value).endswith("); nothing was imported")
    assert await _row_counts(database_url) == _all_tables({})


def _edit_line(path: Path, number: int, text: str | None) -> None:
    """Replace (or, with None, drop) line `number` of the archive."""
    lines = path.read_text(encoding="utf-8").splitlines()
    if text is None:
        del lines[number - 1]
    else:
        lines[number - 1] = text
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize(
    ("number", "text", "problem"),
    [
        (3, '{"table": "actor", "row": {"id": 9', "line 3: broken JSON (Expecting ',' delimiter); "
         "the file may be truncated or edited, export it again"),
        (3, "[1, 2]", "line 3: expected a JSON object, got list"),
        (4, '{"table": "rumour", "row": {}}', "line 4: unknown table 'rumour'; "
         'rows are {"table": NAME, "row": {...}}'),
        (4, '{"table": "actor", "row": [1]}', 'line 4: "row" must be an object of column values'),
        (5, '{"table": "actor", "row": {"id": 7, "shoe_size": 44}}', "line 5: table actor has no "
         "column(s) shoe_size; upgrade Quotegraph to the release that wrote it"),
        (1, '{"format": "csv", "version": 1}', 'line 1: not a Quotegraph archive (the header has '
         'no "format": "quotegraph"); give a file `python -m api export` wrote'),
        (1, '{"format": "quotegraph", "version": 2}', "line 1: archive version 2 is not 1, the "
         "version this code reads; import it with the Quotegraph release that wrote it"),
        (1, '{"format": "quotegraph", "version": 1, "alembicRevision": "9999", "tables": {}}',
         "line 1: the archive was written at migration '9999', which this code does not know (it "
         "is newer, or not Quotegraph's); upgrade Quotegraph to the release that wrote it"),
        (1, '{"format": "quotegraph", "version": 1, "alembicRevision": "0001", "tables": '
         '{"rumour": 1}}', "line 1: unknown table(s) rumour; upgrade Quotegraph to the release "
         "that wrote the archive"),
        (2, None, "lines 2-5: the database refused these actor rows (FOREIGN KEY constraint "
         "failed); nothing was imported"),  # Lavrov's affiliation, Russia, is gone
        (1 + sum(GRAPH_COUNTS.values()), None, "the header counts 1 statement_mention row(s) but "
         "the file holds 0; the file is incomplete, export it again"),
    ],
)
async def test_a_malformed_archive_is_refused_by_line(
    tmp_path: Path, graph_archive: Path, number: int, text: str | None, problem: str
) -> None:
    _edit_line(graph_archive, number, text)
    url = await _sqlite(tmp_path, "target")
    with pytest.raises(ArchiveError) as caught:
        await _import(url, graph_archive)
    assert str(caught.value) == f"{graph_archive}: {problem}"
    assert await _row_counts(url) == _all_tables({})


async def test_a_bad_date_is_refused_by_line(tmp_path: Path, graph_archive: Path) -> None:
    lines = _lines(graph_archive)
    number = next(i for i, line in enumerate(lines[1:], start=2) if line["table"] == "article")
    lines[number - 1]["row"]["published_at"] = "12/10/2016"
    _edit_line(graph_archive, number, json.dumps(lines[number - 1]))
    with pytest.raises(ArchiveError) as caught:
        await _import(await _sqlite(tmp_path, "target"), graph_archive)
    assert str(caught.value) == (
        f"{graph_archive}: line {number}: article.published_at '12/10/2016' is not an ISO date"
    )


async def test_an_empty_file_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(ArchiveError) as caught:
        await _import(await _sqlite(tmp_path, "target"), empty)
    assert str(caught.value) == f"{empty}: the file is empty; give a file `python -m api export` wrote"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["export", "--help"], "usage: python -m api export [-h] --out FILE"),
        (["import", "--help"], "usage: python -m api import [-h] FILE"),
    ],
)
def test_archive_commands_have_help(argv: list[str], expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(argv)
    assert caught.value.code == 0
    assert expected in " ".join(capsys.readouterr().out.split())


def test_cli_exports_and_imports_through_database_url(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    upgrade(source)
    asyncio.run(insert_graph(source))
    target = f"sqlite:///{tmp_path / 'target.db'}"  # not migrated: import migrates first
    archive = tmp_path / "all.jsonl"
    described = f"{sum(GRAPH_COUNTS.values())} row(s) (" + ", ".join(
        f"{n} {c}" for n, c in _all_tables(GRAPH_COUNTS).items()) + ")"

    monkeypatch.setenv("DATABASE_URL", source)
    assert main(["export", "--out", str(archive)]) == 0
    assert capsys.readouterr().err == f"exported {described} to {archive}\n"
    monkeypatch.setenv("DATABASE_URL", target)
    assert main(["import", str(archive)]) == 0
    assert capsys.readouterr().err == f"imported {described} into {target}\n"
    assert asyncio.run(_answers(target)) == asyncio.run(_answers(source))

    assert main(["import", str(archive)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {archive}: the target database already holds rows (")
    assert "Traceback" not in err


def test_cli_export_of_a_database_without_tables_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.jsonl"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'nothing.db'}")
    assert main(["export", "--out", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"error: {out}: the database has no Quotegraph tables; check DATABASE_URL, "
        "or run `python -m api migrate` first\n"
    )
    assert not out.exists()



def test_cli_import_of_a_missing_file_touches_no_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "missing.jsonl"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'target.db'}")
    assert main(["import", str(missing)]) == 1
    assert capsys.readouterr().err == (
        f"error: {missing}: no such file; give an archive `python -m api export` wrote\n"
    )
    assert not (tmp_path / "target.db").exists()
