"""uvicorn's HTTP/1.1 protocol (httptools) with one change: bytes that are not an HTTP
request (a raw non-ASCII byte in the path or query, NUL in a header, a broken request
line) get the GraphQL-shaped 400 every other refusal has, not uvicorn's plain text.

`send_400_response` is uvicorn's own hook, not a public API: tests/web/test_protocol.py
fails loudly if an upgrade of uvicorn stops calling it.
"""

from __future__ import annotations

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.schema.errors import BAD_USER_INPUT
from api.web.responses import encode, error_body

INVALID_HTTP = (
    "The request is not valid HTTP/1.1 (a byte outside ASCII in the request line, a "
    "control character in a header, or a malformed line); percent-encode URLs and "
    "send headers as text."
)


class GraphQLHttpProtocol(HttpToolsProtocol):
    """`uvicorn.run(http=GraphQLHttpProtocol)`: unparseable requests answered as JSON."""

    def send_400_response(self, msg: str) -> None:
        body = encode(error_body(INVALID_HTTP, BAD_USER_INPUT))
        head = [b"HTTP/1.1 400 Bad Request\r\n"]
        head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
        head += [
            b"content-type: application/json; charset=utf-8\r\n",
            b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
            b"connection: close\r\n\r\n",
        ]
        self.transport.write(b"".join(head) + body)
        self.transport.close()
