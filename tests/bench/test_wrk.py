"""The wrk body check (bench/check.lua): a server answering errors fast must fail the run."""
from __future__ import annotations

import math
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench.wrk import LoadFailed, parse, run, wrk_binary

needs_wrk = pytest.mark.skipif(wrk_binary() is None, reason="wrk is not installed (apt-get install wrk)")
GOOD = b'{"data":{"node":{"text":"We will not accept a truce"}}}'
ERRORS = b'{"data":null,"errors":[{"message":"Cannot query field"}]}'
WRONG = b'{"data":{"node":{"text":"Something else entirely"}}}'


@contextmanager
def answering(body: bytes) -> Iterator[str]:
    """A local HTTP server answering every POST with 200 and `body`."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as wrk expects

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # wrk sends thousands of requests; their lines are noise

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/graphql"
    finally:
        server.shutdown()
        server.server_close()


@needs_wrk
def test_good_bodies_are_counted_as_requests() -> None:
    with answering(GOOD) as url:
        load = run(url, b'{"query": "q5"}', "We will not accept", 2, 1)
    assert load.requests > 0
    assert load.per_second > 0


@needs_wrk
def test_a_body_with_errors_fails_the_run() -> None:
    with answering(ERRORS) as url, pytest.raises(LoadFailed) as caught:
        run(url, b'{"query": "q5"}', "We will not accept", 2, 1)
    assert " bad responses, 0 socket errors out of " in str(caught.value)
    assert str(caught.value).endswith(
        'first bad: 200 {"data":null,"errors":[{"message":"Cannot query field"}]}')


@needs_wrk
def test_a_body_without_the_expected_rows_fails_the_run() -> None:
    with answering(WRONG) as url, pytest.raises(LoadFailed) as caught:
        run(url, b'{"query": "q5"}', "We will not accept", 1, 1)
    assert str(caught.value).endswith('first bad: 200 {"data":{"node":{"text":"Something else entirely"}}}')


def test_parse_reads_the_summary_line() -> None:
    load = parse("Running 5s test\nBENCH requests=500 duration_us=5000000 bad=0 socket_errors=0"
                 " p50_us=15500 p99_us=42000\n")
    assert (load.requests, load.seconds, load.per_second, load.p50_ms, load.p99_ms) == (
        500, 5.0, 100.0, 15.5, 42.0)


def test_parse_fails_on_socket_errors_and_on_no_summary() -> None:
    with pytest.raises(LoadFailed, match="^0 bad responses, 3 socket errors out of 40; first bad: n/a$"):
        parse("BENCH requests=40 duration_us=1000000 bad=0 socket_errors=3 p50_us=1 p99_us=2\n")
    with pytest.raises(LoadFailed, match="^wrk printed no BENCH summary"):
        parse("unable to connect to 127.0.0.1:9:Connection refused\n")
    silent = parse("BENCH requests=0 duration_us=2000000 bad=0 socket_errors=0 p50_us=0 p99_us=0\n")
    assert (silent.requests, silent.per_second, silent.p50_ms) == (0, 0.0, math.inf)
