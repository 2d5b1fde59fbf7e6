"""The seed loader under faults: killed with SIGKILL mid-load, then re-run by two loaders at once.

Each article is one transaction, so a kill leaves whole articles or none; the
re-run skips what is stored (by content hash) and loads the rest exactly once.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import anyio
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from api.load.seed import extract, read_articles

pytestmark = pytest.mark.anyio

ARTICLES = 1000
FILES = 10
KILL_AFTER = 150  # articles stored before the kill; well short of the 1,000
# Rows whose parent row is missing: each must be empty after any fault.
ORPHANS = {
    "statement without article": "SELECT count(*) FROM statement s "
    "LEFT JOIN article a ON a.id = s.article_id WHERE a.id IS NULL",
    "statement_location without statement": "SELECT count(*) FROM statement_location l "
    "LEFT JOIN statement s ON s.id = l.statement_id WHERE s.id IS NULL",
    "statement_mention without statement": "SELECT count(*) FROM statement_mention m "
    "LEFT JOIN statement s ON s.id = m.statement_id WHERE s.id IS NULL",
    "article_actor without article": "SELECT count(*) FROM article_actor x "
    "LEFT JOIN article a ON a.id = x.article_id WHERE a.id IS NULL",
    "article_location without article": "SELECT count(*) FROM article_location x "
    "LEFT JOIN article a ON a.id = x.article_id WHERE a.id IS NULL",
    "statement speaker missing": "SELECT count(*) FROM statement s "
    "LEFT JOIN actor a ON a.id = s.speaker_id WHERE s.speaker_id IS NOT NULL AND a.id IS NULL",
}


def _record(number: int) -> dict[str, str]:
    return {
        "title": f"Talks, day {number}",
        "body": f'Convoy {number} waited.\n\n"We will hold talks in Aleppo on day {number}," '
        f"Foreign Minister Sergei Lavrov told Reuters. Officials said convoy {number} "
        "would leave on Monday.\n",
    }


def _write_articles(folder: Path) -> Path:
    folder.mkdir()
    per_file = ARTICLES // FILES
    for index in range(FILES):
        lines = (json.dumps(_record(n)) for n in range(index * per_file, (index + 1) * per_file))
        (folder / f"batch_{index:02}.jsonl").write_text("\n".join(lines), encoding="utf-8")
    return folder


def _loader(folder: Path, database_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "api", "seed", str(folder)],
        # What is tested is the load's resumption, not the reading: the fast extractor
        # halves the test's time (the accurate one is the default).
        env={**os.environ, "DATABASE_URL": database_url, "QUOTEGRAPH_EXTRACTOR": "fast"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )


async def _scalar(engine: AsyncEngine, sql: str) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text(sql)) or 0)


async def _kill_mid_load(engine: AsyncEngine, folder: Path, database_url: str) -> int:
    """Start a loader, SIGKILL it once KILL_AFTER articles are in; the count at the kill."""
    process = _loader(folder, database_url)
    deadline = time.monotonic() + 60
    stored = 0
    while stored < KILL_AFTER and process.poll() is None and time.monotonic() < deadline:
        await anyio.sleep(0.02)
        stored = await _scalar(engine, "SELECT count(*) FROM article")
    process.send_signal(signal.SIGKILL)
    output = process.communicate(timeout=20)[0]
    assert process.returncode == -signal.SIGKILL, f"the loader ended before the kill:\n{output}"
    return stored


async def test_killed_load_resumes_with_every_article_once_and_whole(
    engine: AsyncEngine, database_url: str, tmp_path: Path
) -> None:
    folder = _write_articles(tmp_path / "articles")
    at_kill = await _kill_mid_load(engine, folder, database_url)
    assert KILL_AFTER <= at_kill < ARTICLES
    # The re-run is two loaders at once on the same files: neither may duplicate the other.
    loaders = [_loader(folder, database_url) for _ in range(2)]
    try:
        outputs = [p.communicate(timeout=120)[0] for p in loaders]
    finally:
        for process in loaders:
            if process.poll() is None:
                process.kill()
    assert [p.returncode for p in loaders] == [0, 0], outputs

    assert await _scalar(engine, "SELECT count(*) FROM article") == ARTICLES
    assert await _scalar(engine, "SELECT count(DISTINCT content_hash) FROM article") == ARTICLES
    assert {name: await _scalar(engine, sql) for name, sql in ORPHANS.items()} == dict.fromkeys(
        ORPHANS, 0
    )
    assert await _stored_statements(engine) == _expected_statements(folder)


async def _stored_statements(engine: AsyncEngine) -> Counter[str]:
    """Statements per article, keyed by the article's content hash."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT a.content_hash, count(s.id) FROM article a "
                "LEFT JOIN statement s ON s.article_id = a.id GROUP BY a.content_hash"
            )
        )
        return Counter({row[0]: int(row[1]) for row in rows})


def _expected_statements(folder: Path) -> Counter[str]:
    """What a fresh extraction finds in each generated article (each has at least one quote)."""
    expected: Counter[str] = Counter()
    for path in sorted(folder.iterdir()):
        for article in read_articles(path):
            found = len(extract(article).statements)
            assert found >= 1, f"the generator's quote was not extracted from {article.source}"
            expected[article.content_hash] = found
    return expected
