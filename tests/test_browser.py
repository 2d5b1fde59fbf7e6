"""GraphiQL in a real browser: headless chromium loads /graphql, runs the query, shows a statement.

The screenshot is kept as a test artifact in `artifacts/graphiql.png`.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCRIPT = ROOT / "tests" / "js" / "graphiql.mjs"
SCREENSHOT = ROOT / "artifacts" / "graphiql.png"
CHROMIUM = Path("/usr/bin/chromium")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _browser_problem() -> str | None:
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing; install Debian's chromium (apt-get install chromium)"
    if shutil.which("node") is None:
        return "node is not installed; the browser test drives chromium from Node.js"
    if not (ROOT / "node_modules" / "playwright-core").is_dir():
        return "node_modules/playwright-core is missing; run `make install` (npm install)"
    return None


def test_graphiql_runs_its_query_and_shows_a_seed_statement(seeded_server: str) -> None:
    problem = _browser_problem()
    if problem:
        pytest.skip(problem)
    SCREENSHOT.parent.mkdir(exist_ok=True)
    SCREENSHOT.unlink(missing_ok=True)
    run = subprocess.run(
        ["node", str(SCRIPT), f"{seeded_server}/graphql", str(SCREENSHOT), str(CHROMIUM)],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary["typed"] is False, "GraphiQL opened with no example query in its editor"
    # GraphiQL is served offline, so a page that works asked nothing of the outside world.
    assert summary["failedRequests"] == []
    assert SCREENSHOT.read_bytes().startswith(PNG_SIGNATURE)
