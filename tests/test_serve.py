"""`python -m api serve` on an empty SQLite file: migrates, seeds, serves GraphiQL and queries."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT

TITLES = "{ articles { totalCount nodes { title publishedAt } } }"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    """A real server process on a fresh database; yields its /graphql URL."""
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
           "QUOTEGRAPH_SEEDS_DIR": str(ROOT / "seeds")}
    process = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process)
        yield f"{base}/graphql"
    finally:
        process.terminate()
        process.communicate(timeout=20)


def _wait_until_up(base: str, process: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{process.communicate()[0]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    pytest.fail("serve did not answer /healthz within 60 s")


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
