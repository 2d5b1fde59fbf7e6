"""Content negotiation and GraphQL-shaped error bodies for refusals at the HTTP level."""

from __future__ import annotations

import re
from collections.abc import Mapping

import orjson
from starlette.responses import Response

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_SURROGATE = re.compile("[\ud800-\udfff]")


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header; None if it accepts neither JSON type.

    No header or only `*/*` means application/json (the spec's legacy default); an
    explicit application/graphql-response+json wins a tie with application/json.
    """
    if not accept or not accept.strip():
        return JSON
    best: tuple[float, int, int, str] | None = None
    for preference, candidate in ((1, GRAPHQL_RESPONSE_JSON), (0, JSON)):
        quality, specificity = _match(accept, candidate)
        if quality > 0:
            rank = (quality, specificity, preference if specificity == 2 else 1 - preference)
            if best is None or rank > best[:3]:
                best = (*rank, candidate)
    return best[3] if best else None


def _match(accept: str, media_type: str) -> tuple[float, int]:
    """The quality the header gives `media_type` and how specific the matching range is."""
    kind = media_type.split("/")[0]
    found = (0.0, -1)
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media_range = fields[0].lower()
        specificity = {media_type: 2, f"{kind}/*": 1, "*/*": 0}.get(media_range)
        if specificity is None or specificity < found[1]:
            continue
        quality = 1.0
        for param in fields[1:]:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        found = (quality, specificity)
    return found


def encode(data: object) -> bytes:
    """`data` as JSON (orjson). A lone surrogate cannot be UTF-8, so orjson refuses
    it; where one reaches a response (an error message quoting what the client sent),
    it goes out as the six characters of its escape, `\\ud800`."""
    try:
        return orjson.dumps(data)
    except TypeError:  # orjson.JSONEncodeError is one
        return orjson.dumps(_escaped(data))


def _escaped(data: object) -> object:
    if isinstance(data, str):
        return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", data)
    if isinstance(data, Mapping):
        return {_escaped(key): _escaped(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_escaped(item) for item in data]
    return data


def error_body(message: str, code: str, **extensions: object) -> dict[str, object]:
    """`{"errors": [{"message", "extensions": {"code", ...}}]}`."""
    return {"errors": [{"message": message, "extensions": {"code": code, **extensions}}]}


def error_response(
    status: int,
    message: str,
    code: str,
    *,
    accept: str | None = None,
    headers: Mapping[str, str] | None = None,
    extensions: Mapping[str, object] | None = None,
) -> Response:
    """A refusal as a GraphQL response a client's error handling understands;
    `extensions` join the code."""
    return Response(
        encode(error_body(message, code, **(extensions or {}))),
        status_code=status,
        media_type=f"{negotiate(accept) or JSON}; charset=utf-8",
        headers=dict(headers or {}),
    )
