"""Bulk loading: the same rows as one-by-one writes, and failures that cost one article."""
from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

import api.load.ingest
from api.cli import main
from api.extract.results import Extraction
from api.load.bulk import extraction_pool, load_articles
from api.load.ingest import ArticleInput, ArticleWriter
from api.load.seed import extract
from api.store.corrections import merge_actors
from api.store.db import create_engine, session_factory, upgrade
from api.store.events import LocalBus
from tests.articles import CEASEFIRE
from tests.conftest import SEED_FILE, empty_database_url

pytestmark = pytest.mark.anyio

# Later mentions: surnames only ("Haddad", "Konashenkov"), and a name a merge brought.
SURNAMES = """Red Crescent warns of empty warehouses in Aleppo

07 December, 2016
"The warehouses are empty," Haddad told reporters on Wednesday.
Konashenkov said the corridors would stay open.
"""
MERGED = """Moscow rejects new talks on Aleppo

08 December, 2016
"There is nothing to discuss," Moscow said in a statement on Thursday.
"""
TABLES = (
    "article", "actor", "actor_alias", "location", "statement", "statement_location",
    "statement_mention", "article_actor", "article_location", "correction",
)
Dump = dict[str, list[tuple[object, ...]]]
_TIMES = {"created_at", "edited_at", "deleted_at"}


@pytest.fixture(scope="module")
def pool() -> Iterator[Executor]:
    """Two extraction processes for the whole module: each warms up once, not per test."""
    with extraction_pool(2) as executor:
        yield executor


def _article(body: str, source: str) -> ArticleInput:
    return ArticleInput(body=body, source=source)


def _later_articles() -> list[ArticleInput]:
    """What is loaded after the seed and a merge: a repeat, surname-only and merged names."""
    ceasefire = _article(CEASEFIRE, "ceasefire.txt")
    return [
        ceasefire,
        _article(SURNAMES, "surnames.txt"),
        dataclasses.replace(ceasefire, source="ceasefire again.txt"),
        _article(MERGED, "merged.txt"),
        _article(SEED_FILE.read_text(encoding="utf-8"), "seed again.txt"),
    ]


async def _seed_and_merge(engine: AsyncEngine) -> None:
    """The seed, one by one, then a person folds the actor Moscow into Russia."""
    seed = _article(SEED_FILE.read_text(encoding="utf-8"), SEED_FILE.name)
    await ArticleWriter(session_factory(engine)).write(seed, extract(seed))
    async with engine.connect() as conn:
        rows = await conn.execute(text("SELECT name, id FROM actor"))
        ids = {str(name): int(pk) for name, pk in rows}
    await merge_actors(session_factory(engine), ids["Moscow"], ids["Russia"], token=None)


async def _dump(engine: AsyncEngine) -> Dump:
    """Every row of every table by primary key; times (set by the clock) as '<time>'."""
    dump: Dump = {}
    async with engine.connect() as conn:
        for table in TABLES:
            rows = await conn.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))
            dump[table] = [
                tuple("<time>" if k in _TIMES and v is not None else v for k, v in row.items())
                for row in rows.mappings()
            ]
    return dump


def _loaded(kind: str, folder: Path, pool: Executor | None) -> Dump:
    """The tables after the seed, a merge and the later articles, in an empty database."""
    folder.mkdir()
    url = empty_database_url(kind, folder)
    upgrade(url)  # runs its own event loop, so the loading runs in a second one
    return asyncio.run(_load(url, pool))


async def _load(url: str, pool: Executor | None) -> Dump:
    """One by one without a pool, else in bulk."""
    engine = create_engine(url)
    try:
        await _seed_and_merge(engine)
        if pool:
            report = await load_articles(engine, _later_articles(), batch=2, executor=pool)
            assert (report.created, report.existing, report.errors) == (3, 2, [])
        else:
            writer = ArticleWriter(session_factory(engine))
            for article in _later_articles():
                await writer.write(article, extract(article))
        return await _dump(engine)
    finally:
        await engine.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_bulk_leaves_the_rows_one_by_one_writes_leave(
    kind: str, tmp_path: Path, pool: Executor
) -> None:
    one_by_one = _loaded(kind, tmp_path / "one", None)
    bulk = _loaded(kind, tmp_path / "bulk", pool)
    for table in TABLES:
        assert bulk[table] == one_by_one[table], table
    speakers = _speakers(bulk)
    assert speakers["Haddad"] == "Omar Haddad"
    assert speakers["Konashenkov"] == "Igor Konashenkov"
    assert speakers["Moscow"] == "Russia"
    assert [row[0] for row in bulk["article"]] == [1, 2, 3, 4]


def _speakers(dump: Dump) -> dict[str, str]:
    """Speaker name by the mention as written, from the statement and actor tables."""
    columns = ("id", "article_id", "text", "kind", "cue", "speaker_id", "medium_id", "start", "end",
               "speaker_start", "speaker_end", "speaker_text")
    names = {row[0]: str(row[1]) for row in dump["actor"]}
    found: dict[str, str] = {}
    for row in dump["statement"]:
        values = dict(zip(columns, row, strict=False))
        if values["speaker_text"] and values["speaker_id"]:
            found.setdefault(str(values["speaker_text"]), names[values["speaker_id"]])
    return found


def exploding_extractor(article: ArticleInput) -> Extraction:
    """Extraction that fails on one article (module level: worker processes import it)."""
    if article.source == "bad.txt":
        raise RuntimeError("the tagger choked")
    return extract(article)


async def test_an_article_that_cannot_be_extracted_is_reported_and_the_rest_load(
    engine: AsyncEngine, pool: Executor
) -> None:
    articles = [
        _article(CEASEFIRE, "ceasefire.txt"),
        _article("Bad\n\nnot an article", "bad.txt"),
        _article(SURNAMES, "surnames.txt"),
    ]
    report = await load_articles(
        engine, articles, batch=2, extractor=exploding_extractor, executor=pool
    )
    assert [(e.path, e.problem) for e in report.errors] == [
        ("bad.txt", "could not be extracted: RuntimeError: the tagger choked")
    ]
    assert (report.created, report.existing) == (2, 0)
    assert await _sources(engine) == ["ceasefire.txt", "surnames.txt"]


async def test_a_batch_the_database_refuses_leaves_nothing_and_only_the_bad_article_is_lost(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch, pool: Executor
) -> None:
    link_article = api.load.ingest._link_article

    async def refuse_poison(connection: object, rows: api.load.ingest._Rows) -> None:
        if any(row["source"] == "poison.txt" for row in rows.articles):
            raise RuntimeError("disk full")
        await link_article(connection, rows)  # type: ignore[arg-type]

    monkeypatch.setattr(api.load.ingest, "_link_article", refuse_poison)
    alone = await load_articles(engine, [_article(MERGED, "poison.txt")], executor=pool)
    assert [(e.path, e.problem) for e in alone.errors] == [
        ("poison.txt", "could not be stored: disk full")
    ]
    assert [len(rows) for rows in (await _dump(engine)).values()] == [0] * len(TABLES)
    articles = [
        _article(CEASEFIRE, "ceasefire.txt"),
        _article(MERGED, "poison.txt"),
        _article(SURNAMES, "surnames.txt"),
    ]
    report = await load_articles(engine, articles, batch=3, executor=pool)
    assert [(e.path, e.problem) for e in report.errors] == [
        ("poison.txt", "could not be stored: disk full")
    ]
    assert (report.created, report.existing) == (2, 0)
    assert await _sources(engine) == ["ceasefire.txt", "surnames.txt"]


async def test_each_committed_batch_publishes_its_statement_ids(
    engine: AsyncEngine, pool: Executor
) -> None:
    events = LocalBus(buffer=10)
    subscription = await events.subscribe()
    articles = [_article(CEASEFIRE, "ceasefire.txt"), _article(SURNAMES, "surnames.txt"),
                _article(MERGED, "merged.txt")]
    await load_articles(engine, articles, batch=2, events=events, executor=pool)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT article_id, id FROM statement ORDER BY id"))).all()
    first, second = (tuple(pk for article, pk in rows if article in ids) for ids in ({1, 2}, {3}))
    assert subscription.pending == 2
    assert (len(first), len(second)) == (8, 2)
    assert [await anext(subscription) for _ in range(2)] == [first, second]


async def _sources(engine: AsyncEngine) -> list[str]:
    async with engine.connect() as conn:
        return list((await conn.execute(text("SELECT source FROM article ORDER BY id"))).scalars())


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0", "argument --jobs: needs at least 1 extraction process; got 0"),
        ("two", "argument --jobs: expected a whole number of extraction processes, "
                "e.g. --jobs 2; got 'two'"),
    ],
)
def test_jobs_must_be_a_positive_whole_number(
    value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["seed", "--jobs", value, str(SEED_FILE)])
    assert exit_.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1].endswith(message)


def test_seed_with_one_job_loads_and_reports_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    bad = tmp_path / "empty.txt"
    bad.write_text("", encoding="utf-8")
    assert main(["seed", "--jobs", "1", str(SEED_FILE), str(bad)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-2] == f"error: {bad}: the file is empty; an article needs at least a headline " \
                      "and a body"
    assert err[-1].startswith("seeded 1 new article(s) with ")
    assert err[-1].endswith(" statement(s); 0 already present; 1 file(s) refused")
