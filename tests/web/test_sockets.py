"""Malformed websocket frames (api/web/sockets.py): each closes the socket with its
44xx code and reason, and the server goes on serving."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import anyio
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed
from websockets.typing import Subprotocol

from api.app import create_app
from api.settings import Settings
from api.web.sockets import close_reason
from tests.servers import serve_app

pytestmark = pytest.mark.anyio

WAIT_SECONDS = 30
INIT = '{"type":"connection_init"}'
ACK = {"type": "connection_ack"}
SUBSCRIBE = "subscription { statementAdded { id } }"
SHAPE = 'A message must be a JSON object with a string "type".'



@pytest.fixture
async def host(sqlite_url: str) -> AsyncIterator[str]:
    """A served app (body limit 64 kB) on an empty SQLite database: `127.0.0.1:PORT`."""
    settings = Settings(database_url=sqlite_url, rate_limit=None, max_body_bytes=65_536)
    async with serve_app(create_app(settings)) as served:
        yield served


async def _open(host: str) -> ClientConnection:
    return await connect(f"ws://{host}/graphql", max_size=None,
                         subprotocols=[Subprotocol("graphql-transport-ws")])


async def _answers(websocket: ClientConnection) -> list[object]:
    """Messages until the server closes, then (code, reason)."""
    seen: list[object] = []
    with anyio.fail_after(WAIT_SECONDS):
        try:
            while True:
                seen.append(json.loads(await websocket.recv()))
        except ConnectionClosed as closed:
            assert closed.rcvd is not None
            seen.append((closed.rcvd.code, closed.rcvd.reason))
    return seen


def _subscribe(payload: object, id_: object = "1") -> str:
    return json.dumps({"type": "subscribe", "id": id_, "payload": payload})


CASES = [
    ("not JSON", [INIT, "{nope"], [ACK, (4400, "The message is not valid JSON: unexpected "
     "character, expected a string key at line 1, column 2.")]),
    ("binary", [INIT, b"\x00\xff"],
     [ACK, (4400, "WebSocket messages must be text frames holding JSON.")]),
    ("a number", ["42"], [(4400, SHAPE)]),
    ("an array", ["[1, 2]"], [(4400, SHAPE)]),
    ("null", ["null"], [(4400, SHAPE)]),
    ("a type that is a number", ['{"type": 5}'], [(4400, SHAPE)]),
    ("an unknown type", ['{"type": "' + "x" * 300 + '"}'],
     [(4400, "Unknown message type: " + "x" * 98 + "...")]),
    ("a lone surrogate", ['{"type":"connection_init","payload":{"a":"\\ud800"}}'],
     [(4400, close_reason("The message is not valid JSON: a lone surrogate escape (\\ud800 to "
                          "\\udfff without its pair) at line 1, column 43, which is not a "
                          "character; send text, not halves of UTF-16 pairs."))]),
    ("a repeated key", ['{"type":"connection_init","type":"ping"}'],
     [(4400, 'The message repeats the key "type" in one object; send each key once.')]),
    ("a payload that is a string", [INIT, _subscribe("x")], [ACK, (4400, close_reason(
        'The subscribe payload must be a JSON object such as {"query": "{ __typename }"}, '
        "not a string."))]),
    ("an id that is a list", [INIT, _subscribe({"query": SUBSCRIBE}, [1])],
     [ACK, (4400, 'A "subscribe" message needs a string "id".')]),
    ("variables that are a list", [INIT, _subscribe({"query": SUBSCRIBE, "variables": [1]})],
     [ACK, (4400, "The subscribe payload's `variables` must be an object or null, not an "
            "array.")]),
    ("no query", [INIT, _subscribe({})], [ACK, (4400, 'The subscribe payload needs a "query" '
                                                'string.')]),
    ("a huge frame", [INIT, '{"type":"ping","payload":{"a":"' + "a" * 100_000 + '"}}'],
     [ACK, (4413, "The message is larger than 65,536 bytes.")]),
    ("a subscribe before init", [_subscribe({"query": SUBSCRIBE})], [(4401, "Unauthorized")]),
]


@pytest.mark.parametrize(
    ("frames", "expected"), [case[1:] for case in CASES], ids=[case[0] for case in CASES]
)
async def test_a_malformed_frame_closes_with_44xx(
    host: str, frames: list[str | bytes], expected: list[object]
) -> None:
    async with await _open(host) as websocket:
        for frame in frames:
            await websocket.send(frame)
        assert await _answers(websocket) == expected
    async with await _open(host) as websocket:  # the server serves on
        await websocket.send(INIT)
        assert json.loads(await websocket.recv()) == ACK


async def test_a_null_init_payload_is_allowed(host: str) -> None:
    async with await _open(host) as websocket:
        await websocket.send('{"type":"connection_init","payload":null}')
        assert json.loads(await websocket.recv()) == ACK


def test_close_reasons_fit_a_close_frame() -> None:
    assert close_reason("short") == "short"
    assert close_reason("é" * 100) == "é" * 60 + "..."
    assert len(close_reason("é" * 100).encode()) == 123
    assert close_reason("a\ud800b") == "a?b"
