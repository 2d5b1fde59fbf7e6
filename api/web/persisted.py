"""Automatic persisted queries, Apollo's protocol (version 1).

A client sends `extensions: {"persistedQuery": {"version": 1, "sha256Hash": H}}`:

- without `query`: the query stored under H runs; if none is, the answer is the error
  Apollo clients expect (`PersistedQueryNotFound`, code PERSISTED_QUERY_NOT_FOUND,
  HTTP 200), and the client sends the query and H again;
- with `query`: H must be the sha256 (hex) of the query's UTF-8 text, else
  BAD_USER_INPUT; the query is stored under H and runs.

Hashes go by GET as well (`?extensions=...&variables=...`), so answers to frontend
queries have short URLs any HTTP cache can keep. Queries are stored in this process (an
LRU of QUOTEGRAPH_RESPONSE_CACHE_SIZE queries) and, when the response cache is in
Redis, there too, so a query registered with one worker runs on every worker.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from dataclasses import replace

from redis.asyncio import Redis
from redis.exceptions import RedisError
from strawberry.http import GraphQLRequestData

from api.schema.errors import BAD_USER_INPUT
from api.web.cache import PREFIX, Outage

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
_HASH = re.compile(r"[0-9a-f]{64}")
# A query stays registered in Redis this long after its last registration; a client whose
# hash expired gets PersistedQueryNotFound and registers it again, at one round trip's cost.
_REDIS_SECONDS = 7 * 24 * 3600


class PersistedQueryError(Exception):
    """The persisted-query part of a request cannot be honoured; `message` and `code`
    go to the client as a GraphQL error, with HTTP `status`."""

    def __init__(self, message: str, code: str, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


class PersistedQueries:
    """Queries by their sha256: in memory, and in Redis when given one."""

    def __init__(self, size: int, redis: Redis | None = None) -> None:
        self._size = size
        self._queries: OrderedDict[str, str] = OrderedDict()
        self._redis = redis
        self._outage = Outage("persisted queries are kept per process")

    async def resolve(
        self, data: GraphQLRequestData | list[GraphQLRequestData]
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        """The request with each persisted query's text filled in (and new ones stored)."""
        if isinstance(data, list):
            return [await self._resolve_one(item) for item in data]
        return await self._resolve_one(data)

    async def _resolve_one(self, data: GraphQLRequestData) -> GraphQLRequestData:
        sha = _requested_hash(data)
        if sha is None:
            return data
        if data.query is None:
            query = await self._get(sha)
            if query is None:
                raise PersistedQueryError("PersistedQueryNotFound", NOT_FOUND, 200)
            return replace(data, query=query)
        actual = hashlib.sha256(data.query.encode("utf-8")).hexdigest()
        if actual != sha:
            raise PersistedQueryError(
                f"extensions.persistedQuery.sha256Hash is {sha}, but the query's sha256 is "
                f"{actual}; send the lowercase hex sha256 of the query text (UTF-8)",
                BAD_USER_INPUT, 400,
            )
        await self._put(sha, data.query)
        return data

    async def _get(self, sha: str) -> str | None:
        query = self._queries.get(sha)
        if query is not None:
            self._queries.move_to_end(sha)
            return query
        if self._redis is None or self._outage.skipping:
            return None
        try:
            raw = await self._redis.get(f"{PREFIX}apq:{sha}")
        except (RedisError, OSError) as error:
            self._outage.failed(error)
            return None
        self._outage.recovered()
        if raw is None:
            return None
        query = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        self._remember(sha, query)
        return query

    async def _put(self, sha: str, query: str) -> None:
        self._remember(sha, query)
        if self._redis is None or self._outage.skipping:
            return
        try:
            await self._redis.set(f"{PREFIX}apq:{sha}", query.encode("utf-8"), ex=_REDIS_SECONDS)
        except (RedisError, OSError) as error:
            self._outage.failed(error)
            return
        self._outage.recovered()

    def _remember(self, sha: str, query: str) -> None:
        self._queries[sha] = query
        self._queries.move_to_end(sha)
        while len(self._queries) > self._size:
            self._queries.popitem(last=False)


def _requested_hash(data: GraphQLRequestData) -> str | None:
    """The sha256Hash a request asks for, None if it asks for none; a malformed
    `persistedQuery` is refused with what to send instead."""
    persisted = (data.extensions or {}).get("persistedQuery")
    if persisted is None:
        return None
    sha = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    version = persisted.get("version") if isinstance(persisted, dict) else None
    if version != 1 or not isinstance(sha, str) or not _HASH.fullmatch(sha):
        raise PersistedQueryError(
            'extensions.persistedQuery must be {"version": 1, "sha256Hash": "<64 lowercase hex '
            'digits>"} (Apollo\'s automatic persisted queries, version 1)',
            BAD_USER_INPUT, 400,
        )
    return sha
