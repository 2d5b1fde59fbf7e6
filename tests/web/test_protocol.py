"""Bytes that are not HTTP get a GraphQL-shaped 400 from the server's protocol
(api/web/protocol.py), which overrides a private hook of uvicorn: this fails loudly
if an upgrade stops calling it."""

from __future__ import annotations

import asyncio
import json

import pytest

from api.app import create_app
from api.settings import Settings
from api.web.protocol import HTTP_PROTOCOL, INVALID_HTTP
from tests.servers import serve_app

pytestmark = pytest.mark.anyio

GET = b"GET /graphql?query=%7B__typename%7D HTTP/1.1\r\nHost: test\r\n"



async def _exchange(host: str, raw: bytes) -> bytes:
    address, port = host.split(":")
    reader, writer = await asyncio.open_connection(address, int(port))
    writer.write(raw)
    await writer.drain()
    async with asyncio.timeout(30):
        answer = await reader.read()  # the server closes the connection after a 400
    writer.close()
    return answer


@pytest.mark.parametrize(
    "raw",
    [
        b"GET /graph\xffql HTTP/1.1\r\nHost: test\r\n\r\n",
        b"GET /graphql?query=%7B__typename%7D&x=\xfe HTTP/1.1\r\nHost: test\r\n\r\n",
        GET + b"X-Padding: a\x00b\r\n\r\n",
        b"NOT HTTP AT ALL\r\n\r\n",
    ],
    ids=["raw byte in the path", "raw byte in the query", "NUL in a header", "no request line"],
)
async def test_bytes_that_are_not_http_get_a_graphql_shaped_400(
    sqlite_url: str, raw: bytes
) -> None:
    app = create_app(Settings(database_url=sqlite_url))
    async with serve_app(app, http=HTTP_PROTOCOL) as host:
        answer = await _exchange(host, raw)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0] == b"HTTP/1.1 400 Bad Request"
    assert b"content-type: application/json; charset=utf-8" in head.split(b"\r\n")
    assert json.loads(body) == {
        "errors": [{"message": INVALID_HTTP, "extensions": {"code": "BAD_USER_INPUT"}}]
    }


async def test_a_valid_request_is_served_as_before(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url))
    async with serve_app(app, http=HTTP_PROTOCOL) as host:
        answer = await _exchange(host, GET + b"Connection: close\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
    assert answer.endswith(b'{"data":{"__typename":"Query"},"extensions":{"cost":0}}')
