"""Content negotiation for GraphQL responses (api/web/responses.py)."""
from __future__ import annotations

import pytest

from api.web.responses import encode, negotiate

GRAPHQL_JSON = "application/graphql-response+json"


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        (None, "application/json"),
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_JSON, GRAPHQL_JSON),
        (f"{GRAPHQL_JSON}, application/json", GRAPHQL_JSON),
        (f"application/json, {GRAPHQL_JSON}", GRAPHQL_JSON),
        (f"application/json, {GRAPHQL_JSON};q=0.9", "application/json"),
        (f"{GRAPHQL_JSON};q=0.5, */*;q=0.1", GRAPHQL_JSON),
        ("text/html, */*;q=0.8", "application/json"),
        ("text/html", None),
        (f"{GRAPHQL_JSON};q=0", None),
        ("application/json;q=nonsense", None),
    ],
)
def test_negotiate_picks_the_best_json_type(accept: str | None, media_type: str | None) -> None:
    assert negotiate(accept) == media_type


@pytest.mark.parametrize(
    ("data", "encoded"),
    [
        ({"message": "café"}, '{"message":"café"}'.encode()),
        # A lone surrogate cannot be UTF-8: it goes out as the six characters of its escape.
        ({"message": "got 'a\ud800b'"}, b'{"message":"got \'a\\\\ud800b\'"}'),
        ({"\udfff": ["\udc00", 1]}, b'{"\\\\udfff":["\\\\udc00",1]}'),
    ],
)
def test_encode_writes_utf8_json_and_escapes_lone_surrogates(data: object, encoded: bytes) -> None:
    assert encode(data) == encoded
