"""Clients nobody here wrote, against a real served app over the seed article.

The Python `gql` client (HTTPX transport, schema fetched by introspection and
queries validated against it) and a Node script with `@apollo/client` whose
normalised cache must read nested, interface and union results back.
"""
from __future__ import annotations

import json
import shutil
import subprocess

from gql import Client, GraphQLRequest, gql
from gql.transport.httpx import HTTPXTransport

from tests import services
from tests.conftest import ROOT

LAVROV = gql(
    """
    query Lavrov($name: String!) {
      actors(filter: {search: $name}, first: 1) {
        nodes {
          __typename
          name
          title
          affiliation { name kind }
          statements(filter: {search: "armed groups"}) {
            nodes { kind text article { title publishedAt } locations { name parent { name } } }
          }
        }
      }
    }
    """
)
APOLLO_SCRIPT = ROOT / "tests" / "js" / "apollo_cache.mjs"
# One quotation split around "Lavrov said, according to Reuters.": its text is the two
# quoted parts (api/extract/parts.py).
ARMED_GROUPS = (
    "Those armed groups who refuse to leave eastern Aleppo will be considered to be terrorists,"
    " \u2026 We will treat them as such, as terrorists, as extremists and will support a Syrian"
    " army operation against those criminal squad."
)


def test_gql_client_runs_a_nested_query_validated_against_the_served_schema(
    seeded_server: str,
) -> None:
    transport = HTTPXTransport(url=f"{seeded_server}/graphql", timeout=10)
    with Client(transport=transport, fetch_schema_from_transport=True) as session:
        result = session.execute(GraphQLRequest(LAVROV, variable_values={"name": "lavrov"}))
        assert session.client.schema is not None
        assert session.client.schema.get_type("SearchResult") is not None
    assert result == {"actors": {"nodes": [{
        "__typename": "Actor",
        "name": "Sergei Lavrov",
        "title": "Foreign Minister",
        "affiliation": {"name": "Russia", "kind": "GOVERNMENT"},
        "statements": {"nodes": [{
            "kind": "DIRECT",
            "text": ARMED_GROUPS,
            "article": {
                "title": "Syrian rebels reject withdrawal plan amid Russia's chilling warnings",
                "publishedAt": "2016-12-05",
            },
            "locations": [{"name": "East Aleppo", "parent": {"name": "Aleppo"}}],
        }]},
    }]}}


def _node_problem() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed; the Apollo client check needs Node.js"
    if not (ROOT / "node_modules" / "@apollo" / "client").is_dir():
        return "node_modules/@apollo/client is missing; run `make install` (npm install)"
    return None


def test_apollo_cache_reads_nested_interface_and_union_results_back(seeded_server: str) -> None:
    services.need("node", _node_problem())
    run = subprocess.run(
        ["node", str(APOLLO_SCRIPT), f"{seeded_server}/graphql"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )
    assert run.returncode == 0, run.stderr
    summary = json.loads(run.stdout)
    assert summary == {
        "statement": {
            "id": summary["statement"]["id"],
            "text": ARMED_GROUPS,
            "speaker": "Sergei Lavrov",
            "affiliation": "Russia",
        },
        "searchTypes": ["Article", "Statement"],
        "typenames": {
            "article": "Article", "actor": "Actor", "location": "Location", "statement": "Statement",
        },
        "speakerAfterRename": "Renamed",
        "cacheKeysAreIds": True,
    }
