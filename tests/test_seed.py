"""Reading article files: every bad file is named with its problem; good ones still load."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from api.errors import SeedFileError
from api.load import ingest
from api.load.seed import article_files, read_articles, seed_paths
from api.store.models import Actor, Article, Location, Statement
from tests.conftest import SEED_FILE

pytestmark = pytest.mark.anyio

GOOD_RECORD = {
    "title": "Minister warns of delays",
    "body": 'The minister said the bridge would open late. "We are doing our best," she told Reuters.',
    "publishedAt": "2024-03-05",
    "publisher": "Example Times",
    "url": "https://example.org/a",
}


def _write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return path


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", "  \n\n", "the file is empty; an article needs at least a headline and a body"),
        ("binary.txt", b"GIF89a\x00\x01\x02", "the file is binary (it holds NUL bytes); give UTF-8 text or JSON"),
        ("latin1.txt", "Caf\xe9 owner said".encode("latin-1"), "byte 3 is not UTF-8; save the file as UTF-8 text"),
        ("broken.json", '{"body": "x",\n "title": }', "line 2: broken JSON (Expecting value)"),
        ("broken.jsonl", '{"body": "one"}\n{"body": ', "line 2: broken JSON (Expecting value)"),
        ("baddate.json", json.dumps({"body": "Text.", "publishedAt": "31/31/2016"}),
         "record 1: publishedAt '31/31/2016' is not a date; use YYYY-MM-DD"),
        ("nobody.jsonl", '{"title": "No body"}\n', "line 1: 'body' is missing or empty; every record needs the article text"),
        ("list.json", json.dumps([GOOD_RECORD, "oops"]), "record 2: expected an object with a body, got str"),
        ("title.json", json.dumps({"body": "Text.", "title": 7}), "record 1: 'title' must be a string, got int"),
    ],
)
def test_malformed_file_names_the_file_and_the_problem(
    tmp_path: Path, name: str, content: str | bytes, problem: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(SeedFileError) as caught:
        read_articles(path)
    assert (caught.value.path, caught.value.problem) == (str(path), problem)
    assert str(caught.value) == f"{path}: {problem}"


def test_json_lines_records_keep_their_fields(tmp_path: Path) -> None:
    second = {**GOOD_RECORD, "body": "Another body.", "publishedAt": "December 5, 2016", "url": None}
    path = _write(tmp_path, "cms.jsonl", json.dumps(GOOD_RECORD) + "\n\n" + json.dumps(second) + "\n")
    first, other = read_articles(path)
    assert (first.title, first.published, first.publisher, first.url, first.source) == (
        "Minister warns of delays", dt.date(2024, 3, 5), "Example Times", "https://example.org/a",
        "cms.jsonl line 1",
    )
    assert (other.body, other.published, other.url, other.source) == (
        "Another body.", dt.date(2016, 12, 5), None, "cms.jsonl line 3",
    )


def test_plain_text_body_is_kept_byte_for_byte(tmp_path: Path) -> None:
    text = "Headline\r\n\r\nBody with  double  spaces.\n"
    (article,) = read_articles(_write(tmp_path, "a.txt", text))
    assert (article.body, article.source, article.title) == (text, "a.txt", None)


def test_folders_are_searched_for_article_files_in_order(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("b.txt", "a.json", "sub/c.jsonl", "notes.md"):
        _write(tmp_path, name, "x")
    found = [p.relative_to(tmp_path).as_posix() for p in article_files([tmp_path])]
    assert found == ["a.json", "b.txt", "sub/c.jsonl"]


async def _counts(engine: AsyncEngine) -> list[int]:
    """Rows in article, statement, actor, location."""
    async with engine.connect() as conn:
        return [
            int(await conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in (Article, Statement, Actor, Location)
        ]


async def test_bad_files_are_reported_and_the_others_load(engine: AsyncEngine, tmp_path: Path) -> None:
    _write(tmp_path, "1_good.json", json.dumps(GOOD_RECORD))
    _write(tmp_path, "2_empty.txt", "")
    _write(tmp_path, "3_broken.json", "{")
    (tmp_path / "4_seed.txt").write_bytes(SEED_FILE.read_bytes())
    report = await seed_paths(engine, [tmp_path])
    assert [(Path(e.path).name, e.problem) for e in report.errors] == [
        ("2_empty.txt", "the file is empty; an article needs at least a headline and a body"),
        ("3_broken.json", "line 1: broken JSON (Expecting property name enclosed in double quotes)"),
    ]
    assert (report.created, report.existing) == (2, 0)
    again = await seed_paths(engine, [tmp_path])
    assert (again.created, again.existing, again.statements) == (0, 2, 0)
    async with engine.connect() as conn:
        titles = (await conn.execute(select(Article.title).order_by(Article.id))).scalars().all()
    assert titles == ["Minister warns of delays", "Syrian rebels reject withdrawal plan amid Russia's chilling warnings"]


async def test_a_failure_while_writing_leaves_no_half_article(
    engine: AsyncEngine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(tmp_path, "good.json", json.dumps(GOOD_RECORD))

    async def explode(*_args: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ingest, "_write_statements", explode)
    report = await seed_paths(engine, [tmp_path])
    assert [(e.path, e.problem) for e in report.errors] == [
        ("good.json record 1", "could not be stored: disk on fire")
    ]
    assert await _counts(engine) == [0, 0, 0, 0]
    monkeypatch.undo()
    report = await seed_paths(engine, [tmp_path])
    assert (report.created, report.errors) == (1, [])
    articles, statements, *_ = await _counts(engine)
    assert (articles, statements) == (1, report.statements)


def _article_record(number: int) -> dict[str, str]:
    return {
        "title": f"Report {number}",
        "body": f'Story {number}.\n\n"We will hold talks in Aleppo," Foreign Minister Sergei Lavrov '
                f"told Reuters on day {number}.\n",
    }


async def test_concurrent_loaders_store_each_article_and_actor_once(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    """Two loaders start together on an empty database: each has its own articles (all
    naming the same new actor and place) and both load one shared file."""
    from api.store.db import create_engine

    shared = tmp_path / "shared.jsonl"
    shared.write_text("\n".join(json.dumps(_article_record(n)) for n in range(6)), encoding="utf-8")
    own = [tmp_path / "own_a.jsonl", tmp_path / "own_b.jsonl"]
    for start, path in zip((100, 200), own, strict=True):
        lines = (json.dumps(_article_record(n)) for n in range(start, start + 6))
        path.write_text("\n".join(lines), encoding="utf-8")
    engines = [create_engine(database_url), create_engine(database_url)]
    try:
        reports = await asyncio.gather(
            *(seed_paths(e, [path, shared]) for e, path in zip(engines, own, strict=True))
        )
    finally:
        for other in engines:
            await other.dispose()
    assert [r.errors for r in reports] == [[], []]
    assert (sum(r.created for r in reports), sum(r.existing for r in reports)) == (18, 6)
    async with engine.connect() as conn:
        names = (await conn.execute(select(Actor.name).order_by(Actor.name))).scalars().all()
        places = (await conn.execute(select(Location.name).order_by(Location.name))).scalars().all()
    assert await _counts(engine) == [18, 18, 2, 2]
    assert (names, places) == (["Reuters", "Sergei Lavrov"], ["Aleppo", "Syria"])


# --- the article size limit and text a database cannot hold --------------------------------

LIMIT = 120
REFUSED_FILES = [
    ("big.txt", "Headline\n\n" + "He said so. " * 10,
     "the text has 130 characters; the limit is 120 (QUOTEGRAPH_MAX_ARTICLE_CHARS); "
     "send a shorter article or split it"),
    ("big.json", json.dumps([GOOD_RECORD, {"body": "x" * 121}]),
     "record 2: body has 121 characters; the limit is 120 (QUOTEGRAPH_MAX_ARTICLE_CHARS); "
     "send a shorter article or split it"),
    ("nul.jsonl", json.dumps(GOOD_RECORD) + "\n\n" + json.dumps({"body": "Scraped\x00 text."}),
     "line 3: body has a NUL character at offset 7; remove it"),
    ("nul_publisher.json", json.dumps({"body": "Text.", "publisher": "  AFP\x00"}),
     "record 1: publisher has a NUL character at offset 5; remove it"),
    ("surrogate.json", '{"body": "Text.", "title": "Caf\\ud800e"}',
     "record 1: title has a lone surrogate (U+D800) at offset 3, half of a UTF-16 pair that "
     "no UTF-8 text can hold; fix the text's encoding"),
    ("publisher.json", json.dumps({"body": "Text.", "publisher": "Agence " * 50}),
     "record 1: publisher has 349 characters; a name may have at most 300; send the name alone"),
    ("surrogate_url.jsonl", '{"body": "Text.", "url": "https://x/\\udfff"}',
     "line 1: url has a lone surrogate (U+DFFF) at offset 10, half of a UTF-16 pair that "
     "no UTF-8 text can hold; fix the text's encoding"),
]


@pytest.mark.parametrize(("name", "content", "problem"), REFUSED_FILES)
def test_an_oversized_body_or_refused_character_names_the_file_record_and_offset(
    tmp_path: Path, name: str, content: str, problem: str
) -> None:
    path = _write(tmp_path, name, content)
    with pytest.raises(SeedFileError) as caught:
        read_articles(path, max_chars=LIMIT)
    assert (caught.value.path, caught.value.problem) == (str(path), problem)


def test_without_a_limit_any_size_loads(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", "Headline\n\n" + "He said so. " * 10_000)
    (article,) = read_articles(path, max_chars=0)
    assert len(article.body) == 120_010


def test_a_file_name_that_is_not_utf8_becomes_a_storable_source(tmp_path: Path) -> None:
    path = tmp_path / os.fsdecode(b"caf\xe9.txt")
    path.write_text("Headline\n\nHe said so.\n", encoding="utf-8")
    (article,) = read_articles(path)
    assert article.source == "caf\ufffd.txt"


async def test_refused_files_are_reported_and_nothing_of_them_is_stored(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    for name, content, _ in REFUSED_FILES:
        _write(tmp_path, name, content)
    (tmp_path / os.fsdecode(b"good\xff.txt")).write_text("Headline\n\nHe said so.\n", "utf-8")
    report = await seed_paths(engine, [tmp_path], max_chars=LIMIT)
    assert sorted((Path(e.path).name, e.problem) for e in report.errors) == sorted(
        (name, problem) for name, _, problem in REFUSED_FILES
    )
    assert (report.created, report.existing) == (1, 0)
    async with engine.connect() as conn:
        sources = (await conn.execute(select(Article.source))).scalars().all()
    assert sources == ["good\ufffd.txt"]
