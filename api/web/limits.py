"""Limits that act before a query is read: request body size and per-client rate.

Both answer with a GraphQL-shaped JSON body (`extensions.code`), so a client's
error handling sees them like any other GraphQL error.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.schema.errors import BAD_USER_INPUT, RATE_LIMITED
from api.settings import RateLimit
from api.web.responses import error_response

MAX_CLIENTS = 100_000  # buckets kept before full (idle) ones are dropped


class _TooLarge(Exception):
    """The body grew past the limit while it was being read."""


class BodyLimit:
    """Refuses request bodies over `max_bytes` with 413, by Content-Length or as they stream."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self._app = app
        self._max = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self._max:
            await self._refuse(headers)(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self._max:
                raise _TooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self._app(scope, limited_receive, watched_send)
        except _TooLarge:
            if started:
                raise
            await self._refuse(headers)(scope, receive, send)

    def _refuse(self, headers: Headers) -> ASGIApp:
        return error_response(
            413,
            f"The request body is larger than {self._max:,} bytes; send a shorter query "
            "or fewer variables.",
            BAD_USER_INPUT,
            accept=headers.get("accept"),
        )


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    """One token bucket per client key, in this process: `rate.requests` at once,
    refilled evenly over `rate.per_seconds`."""

    def __init__(self, rate: RateLimit, clock: Callable[[], float] = time.monotonic) -> None:
        self._capacity = float(rate.requests)
        self._refill = rate.requests / rate.per_seconds  # tokens per second
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> float:
        """Take a token for `key`: 0 if granted, else the seconds until one is free."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= MAX_CLIENTS:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(self._capacity, now)
        bucket.tokens = min(self._capacity, bucket.tokens + (now - bucket.updated) * self._refill)
        bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self._refill

    def knows(self, key: str) -> bool:
        """Whether `key` has a bucket (it asked recently)."""
        return key in self._buckets

    def _forget_full(self, now: float) -> None:
        """Drop buckets that have refilled: a new bucket starts full, so nothing changes."""
        full = self._capacity / self._refill
        for key in [k for k, b in self._buckets.items() if now - b.updated >= full]:
            del self._buckets[key]


class RateLimiter:
    """429 with Retry-After for a client over its rate on `paths`; a client is its
    `Authorization: Bearer` token when it sends one, else its address. A token the
    limiter has not seen also costs its address a request, so that inventing a new
    token for every request does not escape the limit."""

    def __init__(self, app: ASGIApp, rate: RateLimit, paths: tuple[str, ...]) -> None:
        self._app = app
        self._rate = rate
        self._paths = paths
        self._buckets = TokenBuckets(rate)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in self._paths:
            await self._app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key, address = client_key(scope, headers), address_key(scope)
        wait = 0.0
        if key != address and not self._buckets.knows(key):
            wait = self._buckets.take(address)
        wait = wait or self._buckets.take(key)
        if wait == 0:
            await self._app(scope, receive, send)
            return
        seconds = max(1, math.ceil(wait))
        response = error_response(
            429,
            f"Too many requests: at most {self._rate} per client; retry in {seconds} s.",
            RATE_LIMITED,
            accept=headers.get("accept"),
            headers={"Retry-After": str(seconds)},
        )
        await response(scope, receive, send)


def client_key(scope: Scope, headers: Headers) -> str:
    """Who is asking: a digest of the bearer token, else the client address."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()
    return address_key(scope)


def address_key(scope: Scope) -> str:
    """The client's address (uvicorn takes it from X-Forwarded-For behind a trusted proxy)."""
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"
