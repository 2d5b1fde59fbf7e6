"""The response cache across processes: `serve --workers 2` on one PostgreSQL, each
worker caching answers (in memory, or shared in Redis), and a change made through
one worker, or by a separate `python -m api seed` process, seen by every worker.

Which worker answered is read from the debug extensions (`worker`: its pid; only in
debug mode). Every request opens a new connection, so the two workers share them.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis

from tests import services
from tests.articles import CEASEFIRE, CEASEFIRE_TITLE
from tests.conftest import ROOT, empty_database_url
from tests.servers import serve_process
from tests.web.conftest import REDIS_URL, SEED_TITLE

WAIT_SECONDS = 60  # every wait below fails loudly after this long
TOKEN = "wire-service-token-42"
TITLES = "{ articles(first: 50) { nodes { title } } }"
INGEST = """
mutation ($body: String!) {
  ingestArticle(input: {body: $body}) { ... on IngestArticleSuccess { created } }
}
"""


def _env(cache: str) -> dict[str, str]:
    return {
        "QUOTEGRAPH_DEBUG": "1", "QUOTEGRAPH_API_TOKENS": f"wire:{TOKEN}",
        "QUOTEGRAPH_RATE_LIMIT": "off", "QUOTEGRAPH_RESPONSE_CACHE": cache,
        "REDIS_URL": REDIS_URL,
    }


def _ask(base: str) -> tuple[int, list[str], bool]:
    """(worker pid, article titles, whether the cache answered), on a new connection."""
    with httpx.Client(timeout=10) as client:
        response = client.post(f"{base}/graphql", json={"query": TITLES})
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    extensions = body["extensions"]
    titles = [node["title"] for node in body["data"]["articles"]["nodes"]]
    return extensions["worker"], titles, extensions.get("responseCache") == "hit"


def _until_every_worker(base: str, workers: int, answered: Any) -> set[int]:
    """Ask until `workers` distinct pids gave an answer for which `answered(titles, hit)`
    holds; their pids."""
    done: set[int] = set()
    deadline = time.monotonic() + WAIT_SECONDS
    while len(done) < workers:
        if time.monotonic() > deadline:
            pytest.fail(f"after {WAIT_SECONDS} s only workers {sorted(done)} answered as expected")
        pid, titles, hit = _ask(base)
        if answered(titles, hit):
            done.add(pid)
    return done


def _flush_redis() -> None:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.flushdb()
    except redis.ConnectionError as error:
        services.need("redis", f"Redis at {REDIS_URL} is not reachable ({error})")
    else:
        services.need("redis", None)
    finally:
        client.close()


@pytest.mark.parametrize("cache", ["memory", "redis"])
def test_a_mutation_on_one_worker_is_seen_by_both_workers(
    cache: str, postgres_url: str, tmp_path: Path
) -> None:
    if cache == "redis":
        _flush_redis()
    with serve_process(postgres_url, tmp_path, workers=2, env=_env(cache)) as (base, _server):
        cached = _until_every_worker(base, 2, lambda titles, hit: hit and titles == [SEED_TITLE])
        with httpx.Client(timeout=30) as client:
            stored = client.post(
                f"{base}/graphql", headers={"Authorization": f"Bearer {TOKEN}"},
                json={"query": INGEST, "variables": {"body": CEASEFIRE}},
            ).json()
        assert stored["data"] == {"ingestArticle": {"created": True}}
        fresh = _until_every_worker(base, 2, lambda titles, _hit: CEASEFIRE_TITLE in titles)
    assert fresh == cached  # the two workers that had cached the old answer


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_an_article_seeded_by_another_process_is_served_at_once(
    kind: str, tmp_path: Path
) -> None:
    url = empty_database_url(kind, tmp_path)
    path = tmp_path / "new.txt"
    path.write_text(CEASEFIRE, encoding="utf-8")
    with serve_process(url, tmp_path, env=_env("memory")) as (base, _server):
        _until_every_worker(base, 1, lambda titles, hit: hit and titles == [SEED_TITLE])
        done = subprocess.run(
            [sys.executable, "-m", "api", "seed", str(path)], cwd=ROOT,
            env={**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)},
            capture_output=True, text=True, timeout=WAIT_SECONDS, check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        assert "seeded 1 new article(s) with 6 statement(s)" in done.stdout + done.stderr
        if kind == "sqlite":  # PRAGMA data_version moved: the very next answer has it
            assert CEASEFIRE_TITLE in _ask(base)[1]
        else:  # the NOTIFY arrives by the server's listening connection
            _until_every_worker(base, 1, lambda titles, _hit: CEASEFIRE_TITLE in titles)
