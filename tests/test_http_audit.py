"""The GraphQL-over-HTTP audit of the npm package `graphql-http`, run against the served app.

`tests/js/audit.mjs` runs `serverAudits()` against a real `python -m api serve`
process; every MUST and SHOULD audit must pass (MAY audits are the server's choice).
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import services
from tests.servers import ROOT, serve

AUDIT = ROOT / "tests" / "js" / "audit.mjs"


def _node_problem() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed; the GraphQL-over-HTTP audit needs it"
    if not (ROOT / "node_modules" / "graphql-http").is_dir():
        return "node_modules/graphql-http is missing; run `npm ci` for the audit"
    return None


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real server over the seed article; yields its /graphql URL."""
    services.need("node", _node_problem())
    workdir: Path = tmp_path_factory.mktemp("audit")
    with serve(f"sqlite:///{workdir / 'audit.db'}", workdir) as base:
        yield f"{base}/graphql"


def test_graphql_over_http_audit_passes_every_must_and_should(served: str) -> None:
    run = subprocess.run(
        ["node", str(AUDIT), served], cwd=ROOT, capture_output=True, text=True, timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    results = json.loads(run.stdout)["results"]
    failed = [f"{r['name']}: {r['reason']}" for r in results
              if r["status"] != "ok" and not r["name"].startswith("MAY")]
    assert failed == [], "\n".join(failed)
    must = [r for r in results if r["name"].startswith("MUST")]
    should = [r for r in results if r["name"].startswith("SHOULD")]
    assert (len(must), len(should)) == (13, 23)
