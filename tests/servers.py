"""Servers for tests: the app in process (`app_client`), or real server processes for tests
that need a socket (`python -m api serve` on a free port)."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
STARTUP_SECONDS = 60


@asynccontextmanager
async def app_client(
    app: Starlette | Settings, headers: dict[str, str] | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client on `app` (or the app for these settings) in this process, with its
    lifespan running (engines, cache listeners) for as long as the client is open."""
    served = create_app(app) if isinstance(app, Settings) else app
    async with served.router.lifespan_context(served):
        transport = httpx.ASGITransport(app=served)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", headers=headers
        ) as http:
            yield http


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve(database_url: str, workdir: Path, *, workers: int = 1) -> Iterator[str]:
    """Serve the seeded app on `database_url`; yields the base URL (no trailing slash).

    `serve` migrates and loads `seeds/` into an empty database before it listens.
    """
    with serve_process(database_url, workdir, workers=workers) as (base, _process):
        yield base


@contextmanager
def serve_process(
    database_url: str, workdir: Path, *, workers: int = 1, env: dict[str, str] | None = None
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """`serve` (with `env` added to its environment), yielding the server process too
    (its children are the workers)."""
    port = free_port()
    env = {
        **os.environ, "DATABASE_URL": database_url, "QUOTEGRAPH_SEEDS_DIR": str(ROOT / "seeds"),
        "PYTHONPATH": str(ROOT),  # serve this checkout, whatever the venv has installed
        **(env or {}),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "api", "serve", "--port", str(port), "--workers", str(workers)],
        cwd=workdir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base, process)
        yield base, process
    finally:
        process.terminate()
        process.communicate(timeout=20)


def wait_until_up(base: str, process: subprocess.Popen[str]) -> None:
    """Poll /healthz until it answers 200; fail with the server's output if it dies."""
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"serve exited with {process.returncode}:\n{process.communicate()[0]}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"serve did not answer /healthz within {STARTUP_SECONDS} s")


@asynccontextmanager
async def serve_app(app: ASGIApp, **options: Any) -> AsyncIterator[str]:
    """Serve `app` with uvicorn in this event loop (its lifespan included), with further
    uvicorn.Config `options`; yields `127.0.0.1:PORT`. For websocket tests that need the
    app's objects at hand."""
    config = uvicorn.Config(
        app, host="127.0.0.1", port=free_port(), log_level="warning", **options
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    with anyio.fail_after(STARTUP_SECONDS):
        while not server.started:
            if task.done():
                task.result()
                pytest.fail("uvicorn stopped before it started")
            await asyncio.sleep(0.01)
    try:
        yield f"127.0.0.1:{config.port}"
    finally:
        server.should_exit = True
        await task
