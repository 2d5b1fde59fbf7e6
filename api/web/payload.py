"""A request's bytes become GraphQL request data here, and only here, strictly.

A POST body must be `application/json` in UTF-8 (a UTF-8 byte order mark is ignored,
as RFC 8259 allows); its JSON is parsed by orjson, which refuses lone surrogate
escapes, NaN, numbers past a double and nesting past 1,024 levels, and an object may
not repeat a key. A GET's parameters are percent-decoded as UTF-8, at most
MAX_PARAMETERS of them, none of the four GraphQL ones twice. Whatever is refused
raises `Refused` with the HTTP status the GraphQL-over-HTTP spec expects (400, or 415
for a body that is not UTF-8 JSON at all) and a message saying what to send instead;
messages never echo the client's text, so they always serialise.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl

import orjson
from strawberry.http import GraphQLRequestData

# A GraphQL GET needs four parameters; a few more (cache busters) are harmless.
MAX_PARAMETERS = 100
_FIELDS = ("query", "variables", "operationName", "extensions")
_UTF8 = {"utf-8", "utf8", "us-ascii", "ascii"}
_BOM = b"\xef\xbb\xbf"
_EXAMPLE = 'a JSON object such as {"query": "{ __typename }"}'


class Refused(Exception):
    """The request cannot be read; `message` goes to the client with HTTP `status`."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def read_body(content_type: str | None, body: bytes) -> object:
    """The JSON value of a POST body (refused unless UTF-8 `application/json`)."""
    _check_media_type(content_type)
    if not body.strip():
        raise Refused(400, f"The request body is empty; send {_EXAMPLE}.")
    return parse_json(_utf8(body.removeprefix(_BOM)), "The request body")


def read_query_string(raw: bytes) -> dict[str, object]:
    """The GraphQL parameters of a GET's query string, `variables` and `extensions`
    parsed as JSON; other parameters are ignored."""
    try:
        text = raw.decode("utf-8")
        pairs = parse_qsl(text, keep_blank_values=True, errors="strict",
                          max_num_fields=MAX_PARAMETERS)
    except UnicodeDecodeError:
        raise Refused(400, "The URL's query string is not UTF-8 (after percent-decoding); "
                      "percent-encode each parameter's UTF-8 bytes.") from None
    except ValueError:
        raise Refused(400, f"The URL has more than {MAX_PARAMETERS} query parameters; a "
                      "GraphQL GET needs only query, variables, operationName and "
                      "extensions.") from None
    params: dict[str, object] = {}
    for name, value in pairs:
        if name in _FIELDS and name in params:
            raise Refused(400, f"The URL gives the parameter `{name}` more than once; "
                          "give each GraphQL parameter once.")
        if name in _FIELDS:
            params[name] = value
    for name in ("variables", "extensions"):
        if name in params:  # empty: absent, as GraphQL clients send it
            given = str(params[name])
            params[name] = parse_json(given, f"The `{name}` parameter") if given else None
    return params


def request_data(value: object, *, batch_max: int) -> GraphQLRequestData | list[GraphQLRequestData]:
    """One operation from a JSON object, or a batch from an array of them (refused
    unless batching is on, `batch_max` > 0, and the array is no longer)."""
    if isinstance(value, list):
        if batch_max == 0:
            raise Refused(400, "Batching is not enabled.")
        if len(value) > batch_max:
            raise Refused(400, "Too many operations.")
        return [operation(item, f"Operation {n} of the batch") for n, item in
                enumerate(value, start=1)]
    return operation(value, "The request")


def operation(value: object, where: str) -> GraphQLRequestData:
    """The operation a JSON object (or a GET's parameters) asks for; each field
    must have its type: query and operationName strings, variables and extensions
    objects (any may be null or absent)."""
    if not isinstance(value, Mapping):
        raise Refused(400, f"{where} must be {_EXAMPLE}, not {_kind(value)}.")
    query = _field(value, "query", str, "a string", where)
    variables = _field(value, "variables", dict, "an object", where)
    name = _field(value, "operationName", str, "a string", where)
    extensions = _field(value, "extensions", dict, "an object", where)
    return GraphQLRequestData(query=query, variables=variables, operation_name=name,
                              extensions=extensions)


def parse_json(text: str, what: str) -> Any:
    """`text` as JSON, strictly (module docstring); `what` names it in the refusal."""
    try:
        value = orjson.loads(text)
    except orjson.JSONDecodeError as error:
        raise Refused(400, f"{what} is not valid JSON: {_explain(error)}.") from None
    if text.count(":") > 1:  # an object with one key cannot repeat it
        try:
            json.loads(text, object_pairs_hook=_unique_keys)
        except _RepeatedKey as repeated:
            raise Refused(400, f"{what} repeats the key {repeated.key} in one object; "
                          "send each key once.") from None
        except (RecursionError, ValueError):
            raise Refused(400, f"{what} nests too deep to read; send at most a few "
                          "levels of objects and arrays.") from None
    return value


def _check_media_type(content_type: str | None) -> None:
    media_type, _, parameters = (content_type or "").partition(";")
    media_type = media_type.strip().lower()
    if media_type != "application/json":
        given = (f"Content-Type {media_type[:60]!r}" if media_type
                 else "a Content-Type without a media type" if content_type
                 else "no Content-Type")
        raise Refused(415, f"The request has {given}; send the body as JSON with "
                      "'Content-Type: application/json'.")
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        charset = value.strip().strip('"').lower()
        if name.strip().lower() == "charset" and charset not in _UTF8:
            shown = f" {charset!r}" if charset.isprintable() and len(charset) <= 40 else ""
            raise Refused(415, f"The request body's charset{shown} is not supported; send "
                          "UTF-8 JSON ('Content-Type: application/json; charset=utf-8').")


def _utf8(body: bytes) -> str:
    """`body` decoded as UTF-8, or a refusal saying where it is not (and if it looks
    like UTF-16 or UTF-32, which JSON over HTTP does not use)."""
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in body[:4]:
        raise Refused(415, "The request body looks like UTF-16 or UTF-32; send JSON "
                      "encoded as UTF-8.")
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as error:
        raise Refused(400, f"The request body is not UTF-8 ({error.reason} "
                      f"0x{body[error.start]:02x} at byte offset {error.start:,}); send "
                      "JSON encoded as UTF-8.") from None


def _explain(error: orjson.JSONDecodeError) -> str:
    where = f"line {error.lineno}, column {error.colno}"
    if "surrogate" in error.msg:
        return (f"a lone surrogate escape (\\ud800 to \\udfff without its pair) at {where}, "
                "which is not a character; send text, not halves of UTF-16 pairs")
    if "depth" in error.msg:
        return f"it nests more than 1,024 levels deep ({where})"
    return f"{error.msg} at {where}"


class _RepeatedKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = json.dumps(key if len(key) <= 40 else key[:40] + "...")


def _unique_keys(pairs: list[tuple[str, object]]) -> dict[str, object]:
    seen: dict[str, object] = {}
    for key, value in pairs:
        if key in seen:
            raise _RepeatedKey(key)
        seen[key] = value
    return seen


def _field(value: Mapping[str, object], name: str, kind: type, article: str,
           where: str) -> Any:
    found = value.get(name)
    if found is not None and not isinstance(found, kind):
        raise Refused(400, f"{where}'s `{name}` must be {article} or null, not "
                      f"{_kind(found)}.")
    return found


def _kind(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "an array" if isinstance(value, list) else "an object"
