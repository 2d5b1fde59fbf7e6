"""Child processes that run CPU-bound calls for the event loop, each killed when its caller
gives up.

`ProcessPool.run(fn, *args)` runs `fn(*args)` in a child process and waits for the answer
in a thread, so the event loop never waits on a GIL that the work holds. When the waiting
task is cancelled (a request's timeout fired), the child is killed at once: no CPU is
spent on an answer nobody will read, and a fresh child takes its place at the next call.

Children come from the forkserver: a clean process, started once per server process,
with no event loop, threads or connections to inherit. It imports the `preload` modules
before forking any child, so whatever they build (extraction's indexes) is there, warm,
in every child, the replacement of a killed one included.
"""
from __future__ import annotations

import asyncio
import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Generic, ParamSpec, TypeVar

log = logging.getLogger(__name__)
P = ParamSpec("P")
T = TypeVar("T")
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_JOIN_SECONDS = 5.0


class ChildFailed(RuntimeError):
    """The call raised in the child process, or the child died; the message says which."""


@dataclass(frozen=True)
class _Answer(Generic[T]):
    """What a child sends back: the call's value, or the error it raised as text
    (an exception may not survive pickling)."""

    value: T | None = None
    error: str | None = None


class ProcessPool:
    """At most `processes` child processes, started when first needed; one call at a time
    in each, more calls wait their turn. Close it (`close`) when done."""

    def __init__(self, processes: int = 1, preload: Sequence[str] = ()) -> None:
        if processes < 1:
            raise ValueError(f"a pool needs at least 1 process, got {processes}")
        self._preload = list(preload)
        self._turns = asyncio.Semaphore(processes)
        self._idle: list[_Child] = []
        self._busy: set[_Child] = set()
        self._starting: set[asyncio.Future[_Child]] = set()
        self._closed = False

    @property
    def pids(self) -> tuple[int, ...]:
        """The process ids of the live children, busy ones first (for tests and logs)."""
        return tuple(child.pid for child in (*self._busy, *self._idle))

    async def run(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` in a child (`fn` and its arguments must pickle: a
        module-level function); ChildFailed if it raised or the child died."""
        async with self._turns:
            if self._closed:
                raise RuntimeError("the process pool is closed")
            child = self._idle.pop() if self._idle else await self._start()
            self._busy.add(child)
            answered = False
            try:
                answer: _Answer[T] = await child.call(fn, args, kwargs)
                answered = True
            finally:
                self._busy.discard(child)
                if answered:
                    self._idle.append(child)
                else:  # cancelled (the caller's timeout) or the child died: end it now
                    child.kill()
        if answer.error is not None:
            raise ChildFailed(answer.error)
        return answer.value  # type: ignore[return-value]  # None only when T allows it

    async def _start(self) -> _Child:
        """A new child. Starting one cannot be interrupted (it runs in a thread); if the
        caller gives up meanwhile, the child joins the idle ones when it is up."""
        starting = asyncio.ensure_future(asyncio.to_thread(_Child.start, self._preload))
        self._starting.add(starting)
        starting.add_done_callback(self._starting.discard)
        try:
            return await asyncio.shield(starting)
        except asyncio.CancelledError:
            starting.add_done_callback(self._adopt)
            raise

    def _adopt(self, starting: asyncio.Future[_Child]) -> None:
        if not starting.cancelled() and starting.exception() is None:
            self._idle.append(starting.result())

    async def close(self) -> None:
        """End every child (and any being started); further calls are refused. A busy
        child's caller gets ChildFailed."""
        self._closed = True
        if self._starting:
            await asyncio.gather(*self._starting, return_exceptions=True)
        for child in self._busy:
            child.kill()  # the thread waiting for its answer closes our end
        idle, self._idle = self._idle, []
        for child in idle:
            child.kill()
        await asyncio.gather(*(asyncio.to_thread(child.reap) for child in idle))


class _Child:
    """One child process and our end of the pipe to it."""

    def __init__(self, process: BaseProcess, connection: Connection) -> None:
        self._process = process
        self._connection = connection
        self._killed = False

    @classmethod
    def start(cls, preload: list[str]) -> _Child:
        """Fork a child from the forkserver (blocking: the first start waits for the
        forkserver to import `preload`, so it runs in a thread)."""
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(preload)  # read once, when the forkserver starts
        ours, theirs = context.Pipe()
        process = context.Process(target=_serve, args=(theirs,), daemon=True,
                                  name="quotegraph-pool")
        process.start()
        theirs.close()  # the child holds it now: its death is our end-of-file
        return cls(process, ours)

    @property
    def pid(self) -> int:
        return self._process.pid or 0

    async def call(
        self, fn: Callable[..., T], args: tuple[object, ...], kwargs: dict[str, object]
    ) -> _Answer[T]:
        answer: _Answer[T] = await asyncio.to_thread(self._exchange, (fn, args, kwargs))
        return answer

    def _exchange(self, message: tuple[object, ...]) -> _Answer[T]:
        """Send a call and wait for its answer (in a thread). When the child dies
        (killed because the caller gave up), end-of-file ends the wait."""
        try:
            self._connection.send(message)
            answer: _Answer[T] = self._connection.recv()
        except (EOFError, OSError):
            self.reap()
            raise ChildFailed(f"the child process ended (exit code {self._process.exitcode})"
                              ) from None
        return answer

    def kill(self) -> None:
        """End the child at once (SIGKILL: whatever it is computing stops now). The thread
        waiting for its answer, if any, sees end-of-file and closes our end."""
        if not self._killed:
            self._killed = True
            self._process.kill()

    def reap(self) -> None:
        """Wait for the killed child to be gone, and close our end (blocking; never while
        another thread waits on it)."""
        self._process.join(_JOIN_SECONDS)
        self._connection.close()


def _serve(connection: Connection) -> None:
    """The child's loop: run each call received, send back its answer; end at end-of-file."""
    _follow_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the server, which ends us
    while True:
        try:
            fn, args, kwargs = connection.recv()
        except (EOFError, OSError):
            return
        connection.send(_call(fn, args, kwargs))


def _call(fn: Callable[..., object], args: tuple[object, ...], kwargs: dict[str, object]) -> _Answer[object]:
    try:
        return _Answer(value=fn(*args, **kwargs))
    except Exception as exc:  # the caller gets it as ChildFailed; we go on serving
        log.exception("a call failed in the pool's child process")
        lines = traceback.format_exception_only(type(exc), exc)
        return _Answer(error="".join(lines).strip())


def _follow_parent() -> None:
    """End with the forkserver, which ends with the server process: a killed server must
    not leave its children behind. Linux only (prctl)."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the forkserver ended before the prctl
        os._exit(1)
