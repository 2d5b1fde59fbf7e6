"""Conditional GET: a strong ETag on every 200 answer to a GET, and 304 when the client
(or a shared HTTP cache in front of the servers) already holds those bytes.

`Cache-Control: no-cache` lets any cache store the answer but makes it revalidate
each time, so nobody is served data older than the server's own answer; `public`
unless queries are private. POST answers carry no ETag (HTTP caches never reuse them).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from api.web.cache import strong_etag


def cache_control(private_queries: bool) -> str:
    """The Cache-Control of answers to GET: shared caches may keep them unless private."""
    return "private, no-cache" if private_queries else "public, no-cache"


def conditional(
    request: Request, response: Response, control: str, etag: str | None = None
) -> Response:
    """`response` with ETag and Cache-Control if it answers a GET with 200; an empty 304
    instead when If-None-Match names its ETag (`etag`: already computed, e.g. cached)."""
    if request.method != "GET" or response.status_code != 200:
        return response
    etag = etag or strong_etag(bytes(response.body))
    headers = {"ETag": etag, "Cache-Control": control, "Vary": "Accept"}
    if _matches(request.headers.get("if-none-match"), etag):
        request_id = response.headers.get("x-request-id")
        return Response(status_code=304, headers=headers | (
            {"X-Request-ID": request_id} if request_id else {}))
    response.headers.update(headers)
    return response


def _matches(if_none_match: str | None, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 13.1.2): `W/` is ignored."""
    if not if_none_match:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
    return "*" in tags or etag in tags
