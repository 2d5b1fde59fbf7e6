"""The committed schema.graphql is the schema the code serves."""

from __future__ import annotations

from api.schema import print_schema_sdl
from tests.conftest import ROOT


def test_schema_graphql_matches_the_code() -> None:
    committed = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    assert committed.rstrip("\n") == print_schema_sdl(), (
        "schema.graphql is out of date; regenerate it with "
        "`python -m api export-schema > schema.graphql` and review the diff"
    )
