"""Helpers for schema tests: global ids, the graph's ids, and posting queries."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from api.settings import Settings
from tests.servers import app_client


def gid(type_name: str, pk: int) -> str:
    """The global id the API gives row `pk` of `type_name`."""
    return base64.urlsafe_b64encode(f"{type_name}:{pk}".encode()).decode()


@dataclass
class Graph:
    """Primary keys of the inserted rows by short name, e.g. `graph.ids['lavrov']`."""

    ids: dict[str, int] = field(default_factory=dict)

    def gid(self, type_name: str, name: str) -> str:
        return gid(type_name, self.ids[name])


async def post_query(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The full JSON response of a GraphQL POST (status 200 asserted)."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def run_query(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The `data` of a query that must succeed; fails loudly with the errors otherwise."""
    body = await post_query(client, query, variables)
    if body.get("errors"):
        pytest.fail(f"GraphQL errors: {body['errors']}")
    data: dict[str, Any] = body["data"]
    return data


async def both_paths(database_url: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    """The answer, asserted to be one SQL statement compiled and equal to Strawberry's."""
    answers = []
    for compiled in (True, False):
        settings = Settings(database_url=database_url, debug=True, compiled_sql=compiled,
                            response_cache="off")
        async with app_client(settings) as http:
            answers.append(await post_query(http, query, variables))
    compiled_answer, plain = answers
    assert "errors" not in compiled_answer, compiled_answer
    assert compiled_answer["extensions"]["sqlStatements"] == 1
    assert plain["extensions"]["sqlStatements"] > 1
    assert compiled_answer["data"] == plain["data"]
    return compiled_answer["data"]
