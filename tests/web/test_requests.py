"""Malformed requests: each class gets its exact 4xx status and a GraphQL-shaped error
with `extensions.code`, never a 500 or a plain-text page (api/web/payload.py, the
guard in api/web/guard.py)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import httpx
import pytest

from api.app import create_app
from api.settings import Settings
from api.web.view import GraphQLView
from tests.servers import app_client

pytestmark = pytest.mark.anyio

COUNT = "{ articles { totalCount } }"
COUNT_BODY = b'{"query":"{ articles { totalCount } }"}'
COUNT_DATA = {"data": {"articles": {"totalCount": 0}}, "extensions": {"cost": 0}}
SEARCH = "query ($s: String!) { search(query: $s) { __typename } }"
JSON_TYPE = {"content-type": "application/json"}
NOT_JSON = "The request must be a JSON object such as {\"query\": \"{ __typename }\"}, not "
SURROGATE = (
    "is not valid JSON: a lone surrogate escape (\\ud800 to \\udfff without its pair) at "
    "line 1, column {column}, which is not a character; send text, not halves of UTF-16 pairs."
)
UTF16 = "The request body looks like UTF-16 or UTF-32; send JSON encoded as UTF-8."
CHARSET = ("The request body's charset {0} is not supported; send UTF-8 JSON "
           "('Content-Type: application/json; charset=utf-8').")
MEDIA = "The request has {0}; send the body as JSON with 'Content-Type: application/json'."



@pytest.fixture
async def client(sqlite_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(Settings(database_url=sqlite_url, rate_limit=None)) as http:
        yield http


def _refusal(response: httpx.Response) -> tuple[int, str, str]:
    """(status, code, message) of a response holding exactly one error and no data."""
    body = response.json()
    assert set(body) == {"errors"}, body
    [error] = body["errors"]
    return response.status_code, error["extensions"]["code"], error["message"]


POSTS = [
    # Lone surrogate escapes, wherever they are in the JSON.
    ("surrogate in query", b'{"query":"{ articles { totalCount } }\\ud800"}', JSON_TYPE,
     400, "The request body " + SURROGATE.format(column=38)),
    ("surrogate in variables", b'{"query":"' + SEARCH.encode() + b'","variables":{"s":"\\udc00"}}',
     JSON_TYPE, 400, "The request body " + SURROGATE.format(column=87)),
    ("surrogate in operationName", b'{"query":"{ a }","operationName":"x\\ud800"}', JSON_TYPE,
     400, "The request body " + SURROGATE.format(column=36)),
    ("surrogate in extensions", b'{"query":"{ a }","extensions":{"k":"\\ud800"}}', JSON_TYPE,
     400, "The request body " + SURROGATE.format(column=37)),
    ("surrogate in a key", b'{"query":"{ a }","variables":{"\\ud800":1}}', JSON_TYPE,
     400, "The request body " + SURROGATE.format(column=32)),
    # Encodings.
    ("invalid UTF-8", b'{"query":"{ a }\xff"}', JSON_TYPE, 400,
     "The request body is not UTF-8 (invalid start byte 0xff at byte offset 15); send JSON "
     "encoded as UTF-8."),
    ("UTF-8 of a surrogate", b'{"query":"\xed\xa0\x80"}', JSON_TYPE, 400,
     "The request body is not UTF-8 (invalid continuation byte 0xed at byte offset 10); send "
     "JSON encoded as UTF-8."),
    ("UTF-16 with BOM", '{"query":"{ a }"}'.encode("utf-16"), JSON_TYPE, 415, UTF16),
    ("UTF-16 without BOM", '{"query":"{ a }"}'.encode("utf-16-be"), JSON_TYPE, 415, UTF16),
    ("UTF-32", '{"query":"{ a }"}'.encode("utf-32-le"), JSON_TYPE, 415, UTF16),
    ("charset that lies", COUNT_BODY, {"content-type": "application/json; charset=utf-16"},
     415, CHARSET.format("'utf-16'")),
    ("unknown charset", COUNT_BODY, {"content-type": "application/json; charset=x-klingon"},
     415, CHARSET.format("'x-klingon'")),
    # Content types.
    ("no Content-Type", COUNT_BODY, {}, 415, MEDIA.format("no Content-Type")),
    ("text/plain", COUNT_BODY, {"content-type": "text/plain"}, 415,
     MEDIA.format("Content-Type 'text/plain'")),
    ("application/graphql", COUNT.encode(), {"content-type": "application/graphql"}, 415,
     MEDIA.format("Content-Type 'application/graphql'")),
    ("a JSON look-alike", COUNT_BODY, {"content-type": "application/jsonx"}, 415,
     MEDIA.format("Content-Type 'application/jsonx'")),
    ("parameters only", COUNT_BODY, {"content-type": "; charset=utf-8"}, 415,
     MEDIA.format("a Content-Type without a media type")),
    ("multipart", b"--x\r\n", {"content-type": "multipart/form-data; boundary=x"}, 415,
     MEDIA.format("Content-Type 'multipart/form-data'")),
    # JSON that is not a request.
    ("empty body", b"", JSON_TYPE, 400,
     'The request body is empty; send a JSON object such as {"query": "{ __typename }"}.'),
    ("a number", b"42", JSON_TYPE, 400, NOT_JSON + "a number."),
    ("a string", b'"{ a }"', JSON_TYPE, 400, NOT_JSON + "a string."),
    ("null", b"null", JSON_TYPE, 400, NOT_JSON + "null."),
    ("a boolean", b"true", JSON_TYPE, 400, NOT_JSON + "a boolean."),
    ("an array of junk", b'[1, "a", null]', JSON_TYPE, 400, "Batching is not enabled."),
    ("NaN", b'{"query":"{ a }","variables":{"n":NaN}}', JSON_TYPE, 400,
     "The request body is not valid JSON: unexpected character, expected a JSON value at "
     "line 1, column 35."),
    ("a number past a double", b'{"variables":{"n":1' + b"0" * 400 + b"}}", JSON_TYPE, 400,
     "The request body is not valid JSON: number is infinity when parsed as double at "
     "line 1, column 19."),
    ("nesting past 1,024 levels", b"[" * 100_000 + b"]" * 100_000, JSON_TYPE, 400,
     "The request body is not valid JSON: it nests more than 1,024 levels deep "
     "(line 1, column 1026)."),
    ("nested variables", b'{"query":"{ a }","variables":{"v":' + b"[" * 5000 + b"]" * 5000 + b"}}",
     JSON_TYPE, 400, "The request body is not valid JSON: it nests more than 1,024 levels "
     "deep (line 1, column 1058)."),
    ("a repeated key", b'{"query":"{ a }","query":"{ b }"}', JSON_TYPE, 400,
     'The request body repeats the key "query" in one object; send each key once.'),
    ("a repeated key in variables", b'{"query":"{ a }","variables":{"s":1,"s":2}}', JSON_TYPE,
     400, 'The request body repeats the key "s" in one object; send each key once.'),
    ("variables an array", b'{"query":"{ a }","variables":[1]}', JSON_TYPE, 400,
     "The request's `variables` must be an object or null, not an array."),
    ("variables a string", b'{"query":"{ a }","variables":"{}"}', JSON_TYPE, 400,
     "The request's `variables` must be an object or null, not a string."),
    ("query a number", b'{"query":5}', JSON_TYPE, 400,
     "The request's `query` must be a string or null, not a number."),
    ("operationName an object", b'{"query":"{ a }","operationName":{}}', JSON_TYPE, 400,
     "The request's `operationName` must be a string or null, not an object."),
    ("extensions a list", b'{"query":"{ a }","extensions":[]}', JSON_TYPE, 400,
     "The request's `extensions` must be an object or null, not an array."),
]


@pytest.mark.parametrize(
    ("body", "headers", "status", "message"),
    [case[1:] for case in POSTS], ids=[case[0] for case in POSTS],
)
async def test_a_malformed_post_is_refused_with_its_status_and_message(
    client: httpx.AsyncClient, body: bytes, headers: dict[str, str], status: int, message: str
) -> None:
    response = await client.post("/graphql", content=body, headers=headers)
    assert _refusal(response) == (status, "BAD_USER_INPUT", message)
    assert response.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (b"\xef\xbb\xbf" + COUNT_BODY, JSON_TYPE),  # RFC 8259 lets a parser ignore a BOM
        (COUNT_BODY, {"content-type": "Application/JSON; Charset=\"UTF-8\""}),
        (COUNT_BODY, {"content-type": "application/json; charset=us-ascii"}),
        (COUNT_BODY, {"content-type": "application/json; boundary=x"}),
    ],
    ids=["UTF-8 BOM", "case and quotes", "ASCII", "another parameter"],
)
async def test_json_in_utf8_runs_however_it_is_labelled(
    client: httpx.AsyncClient, body: bytes, headers: dict[str, str]
) -> None:
    response = await client.post("/graphql", content=body, headers=headers)
    assert (response.status_code, response.json()) == (200, COUNT_DATA)


async def test_a_batch_of_junk_names_the_operation(sqlite_url: str) -> None:
    async with app_client(Settings(database_url=sqlite_url, batch_max=3)) as http:
        response = await http.post("/graphql", content=b'[{"query":"{ a }"}, 7]',
                                   headers=JSON_TYPE)
    assert _refusal(response) == (
        400, "BAD_USER_INPUT", NOT_JSON.replace("The request", "Operation 2 of the batch")
        + "a number.",
    )


async def test_a_one_megabyte_string_variable_is_a_clear_argument_error(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post(
        "/graphql", json={"query": SEARCH, "variables": {"s": "a" * 1_000_000}}
    )
    body = response.json()
    assert response.status_code == 200  # a field error: the operation ran (spec: 200)
    assert [(e["message"], e["extensions"]["code"]) for e in body["errors"]] == [
        ("`query` is 1000000 characters long; at most 1000 are allowed", "BAD_USER_INPUT")
    ]


GETS = [
    ("thousands of parameters", "&".join(f"p{n}=1" for n in range(5000)) + "&query=" + COUNT,
     "The URL has more than 100 query parameters; a GraphQL GET needs only query, variables, "
     "operationName and extensions."),
    ("a repeated query", "query=%7Ba%7D&query=%7Bb%7D",
     "The URL gives the parameter `query` more than once; give each GraphQL parameter once."),
    ("a repeated variables", "query=%7Ba%7D&variables=%7B%7D&variables=%7B%7D",
     "The URL gives the parameter `variables` more than once; give each GraphQL parameter once."),
    ("invalid UTF-8 escapes", "query=%FF",
     "The URL's query string is not UTF-8 (after percent-decoding); percent-encode each "
     "parameter's UTF-8 bytes."),
    ("an encoded surrogate", "query=%ED%A0%80",
     "The URL's query string is not UTF-8 (after percent-decoding); percent-encode each "
     "parameter's UTF-8 bytes."),
    ("a surrogate escape in variables", "query=%7Ba%7D&variables=%7B%22s%22%3A%22%5Cud800%22%7D",
     "The `variables` parameter " + SURROGATE.format(column=7)),
    ("variables not an object", "query=%7Ba%7D&variables=%5B1%5D",
     "The request's `variables` must be an object or null, not an array."),
    ("extensions not JSON", "query=%7Ba%7D&extensions=%7Bx",
     "The `extensions` parameter is not valid JSON: unexpected character, expected a string "
     "key at line 1, column 2."),
]


@pytest.mark.parametrize(
    ("query_string", "message"), [case[1:] for case in GETS], ids=[case[0] for case in GETS]
)
async def test_a_malformed_get_is_refused_with_400(
    client: httpx.AsyncClient, query_string: str, message: str
) -> None:
    response = await client.get(f"/graphql?{query_string}")
    assert _refusal(response) == (400, "BAD_USER_INPUT", message)


async def test_a_get_with_a_few_unknown_parameters_runs(client: httpx.AsyncClient) -> None:
    response = await client.get("/graphql", params={"query": COUNT, "_": "1", "variables": ""})
    assert (response.status_code, response.json()) == (200, COUNT_DATA)


HEADERS = [
    ("Authorization not latin-1 text", [(b"authorization", b"Bearer \xff\xfe\x00x")]),
    ("Authorization without a scheme", [(b"authorization", b"\xff")]),
    ("If-None-Match of odd bytes", [(b"if-none-match", b'\xff"\x01, W/')]),
    ("a 200 kB header", [(b"x-padding", b"a" * 200_000)]),
    ("Accept with odd parameters", [(b"accept", b"application/json;;;x=\xff;q=1, text/*")]),
]


@pytest.mark.parametrize(
    "headers", [case[1] for case in HEADERS], ids=[case[0] for case in HEADERS]
)
async def test_odd_header_values_do_not_break_a_get(
    client: httpx.AsyncClient, headers: list[tuple[bytes, bytes]]
) -> None:
    response = await client.get("/graphql", params={"query": COUNT}, headers=headers)
    assert (response.status_code, response.json()) == (200, COUNT_DATA)


@pytest.mark.parametrize(
    "accept", [b"\xff/\xfe;q=\x00", b"application/json;q=abc, */*;q=NaN"],
    ids=["odd bytes", "qualities that are not numbers"],
)
async def test_an_accept_header_nothing_matches_is_a_406(
    client: httpx.AsyncClient, accept: bytes
) -> None:
    response = await client.get("/graphql", params={"query": COUNT}, headers=[(b"accept", accept)])
    assert _refusal(response) == (
        406, "BAD_USER_INPUT", "Accept application/graphql-response+json or application/json."
    )


async def test_a_charset_of_odd_bytes_is_not_echoed(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/graphql", content=COUNT_BODY,
        headers=[(b"content-type", b"application/json; charset=\xff\x01")],
    )
    assert _refusal(response) == (
        415, "BAD_USER_INPUT", "The request body's charset is not supported; send UTF-8 JSON "
        "('Content-Type: application/json; charset=utf-8')."
    )


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "BREW"])
async def test_other_methods_on_graphql_are_a_405(client: httpx.AsyncClient, method: str) -> None:
    response = await client.request(method, "/graphql")
    assert _refusal(response) == (
        405, "BAD_USER_INPUT", "GraphQL only supports GET and POST requests."
    )
    assert response.headers["allow"] == "GET, POST"


@pytest.mark.parametrize(
    "path", ["/nope", "/graphql/x", "//graphql", "/%ff%00", "/graphiql/%00", "/graphiql/../setup.py"]
)
async def test_unknown_paths_are_a_graphql_shaped_404(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert _refusal(response) == (
        404, "NOT_FOUND", "Nothing is served at this path; GraphQL is at /graphql."
    )


async def test_a_method_a_route_does_not_take_is_a_graphql_shaped_405(
    client: httpx.AsyncClient,
) -> None:
    response = await client.post("/healthz")
    assert _refusal(response) == (405, "BAD_USER_INPUT", "This path does not take that method.")


async def test_an_unexpected_exception_is_a_masked_500_with_a_logged_request_id(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(*_args: object) -> object:
        raise RuntimeError("secret=hunter2")

    monkeypatch.setattr(GraphQLView, "parse_http_body", broken)
    with caplog.at_level(logging.ERROR, logger="quotegraph.web"):
        async with app_client(create_app(Settings(database_url=sqlite_url))) as http:
            response = await http.post("/graphql", json={"query": COUNT})
    request_id = response.headers["x-request-id"]
    assert response.status_code == 500
    assert response.json() == {"errors": [{
        "message": f"Unexpected error; logged as request {request_id}.",
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id},
    }]}
    [record] = caplog.records
    assert record.getMessage() == f"request {request_id}: unexpected error in POST /graphql"
    assert "hunter2" in str(record.exc_info[1]) and "hunter2" not in response.text

