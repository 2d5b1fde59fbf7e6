"""The raw-SQL limit: each benchmark query as one plain SQL statement through asyncpg,
serialised with orjson, behind a bare ASGI app (no framework, no GraphQL).

`BENCH_DATABASE_URL=postgresql://... uvicorn bench.limit:app --workers 2`, then POST
`{"query": "q1", "arguments": [...]}` (see `bench.queries.sql_arguments`). It is
what the benchmark measures as the floor: the database work plus HTTP, nothing else.
"""
from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import asyncpg
import orjson

from bench.dataset import asyncpg_dsn
from bench.queries import SQL, sql_parameters

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


async def _keep(conn: asyncpg.Connection) -> None:
    """Release without asyncpg's reset query: requests leave no session state behind,
    and the limit should run nothing but the query itself."""


async def _json_codec(conn: asyncpg.Connection) -> None:
    await conn.set_type_codec("json", encoder=lambda v: orjson.dumps(v).decode(),
                              decoder=orjson.loads, schema="pg_catalog")


class Limit:
    """The ASGI app: a pool opened at startup, one statement per request."""

    def __init__(self) -> None:
        self.pool: asyncpg.Pool | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                # The benchmark's own process: BENCH_DATABASE_URL is its only setting.
                url = asyncpg_dsn(os.environ["BENCH_DATABASE_URL"])
                self.pool = await asyncpg.create_pool(url, min_size=4, max_size=10, init=_json_codec,
                                                      reset=_keep)
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if self.pool is not None:
                    await self.pool.close()
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, receive: Receive, send: Send) -> None:
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        request = orjson.loads(b"".join(chunks))
        name = request["query"]
        assert self.pool is not None
        data = await self.pool.fetchval(SQL[name], *sql_parameters(name, request["arguments"]))
        payload = orjson.dumps({"data": data})
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"application/json"),
                                (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})


app = Limit()
