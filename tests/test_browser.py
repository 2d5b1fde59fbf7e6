"""GraphiQL in a real browser: headless chromium loads /graphql, runs the query, shows a statement.

The screenshot is kept as a test artifact in `artifacts/graphiql.png`.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

from tests import services
from tests.conftest import ROOT
from tests.servers import serve_process

SCRIPT = ROOT / "tests" / "js" / "graphiql.mjs"
SCREENSHOT = ROOT / "artifacts" / "graphiql.png"
SUBSCRIPTION_SCRIPT = ROOT / "tests" / "js" / "graphiql_subscription.mjs"
SUBSCRIPTION_SCREENSHOT = ROOT / "artifacts" / "graphiql-subscription.png"
TOKEN = "browser-test-token-7"
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
    services.need("browser", _browser_problem())
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


def test_graphiql_runs_a_subscription_and_shows_a_new_statement(tmp_path: Path) -> None:
    """GraphiQL subscribes over the page's websocket; an article stored by ingestArticle
    shows up in its result pane."""
    services.need("browser", _browser_problem())
    SUBSCRIPTION_SCREENSHOT.parent.mkdir(exist_ok=True)
    SUBSCRIPTION_SCREENSHOT.unlink(missing_ok=True)
    env = {"QUOTEGRAPH_API_TOKENS": f"browser:{TOKEN}"}
    with serve_process(f"sqlite:///{tmp_path / 'live.db'}", tmp_path, env=env) as (base, _):
        run = subprocess.run(
            ["node", str(SUBSCRIPTION_SCRIPT), f"{base}/graphql", TOKEN,
             str(SUBSCRIPTION_SCREENSHOT), str(CHROMIUM)],
            cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        )
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    shown = re.fullmatch(r"budget number (\d+) would be balanced", summary["shown"])
    assert shown is not None and 1 <= int(shown.group(1)) <= summary["ingested"]
    assert SUBSCRIPTION_SCREENSHOT.read_bytes().startswith(PNG_SIGNATURE)
