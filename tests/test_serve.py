"""`python -m api serve` on an empty SQLite file: migrates, seeds, serves GraphiQL and queries."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.servers import serve

TITLES = "{ articles { totalCount nodes { title publishedAt } } }"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """A real server process on a fresh SQLite file; yields its /graphql URL."""
    with serve(f"sqlite:///{tmp_path / 'serve.db'}", tmp_path) as base:
        yield f"{base}/graphql"


def test_serve_seeds_an_empty_database_and_answers_queries(served: str) -> None:
    response = httpx.post(served, json={"query": TITLES}, timeout=10)
    assert response.status_code == 200
    assert response.json() == {"data": {"articles": {"totalCount": 1, "nodes": [{
        "title": "Syrian rebels reject withdrawal plan amid Russia's chilling warnings",
        "publishedAt": "2016-12-05",
    }]}}, "extensions": {"cost": 20}}


def test_serve_shows_graphiql_to_a_browser(served: str) -> None:
    response = httpx.get(served, headers={"accept": "text/html"}, timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()
