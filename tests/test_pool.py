"""The process pool: calls run in a child, a cancelled call's child is killed and replaced."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from api.load.ingest import extraction_pool
from api.load.pool import ChildFailed, ProcessPool
from tests.pool_calls import child_pid, cpu_ticks, fail, spin

pytestmark = pytest.mark.anyio
GONE_WITHIN = 1.0  # seconds a killed child may take to disappear


@pytest.fixture
async def pool() -> AsyncIterator[ProcessPool]:
    pool = extraction_pool()  # the ingest pool's preload: the forkserver is one per process
    yield pool
    await pool.close()


async def gone(pid: int) -> bool:
    """Whether the process `pid` is gone (or a zombie) within GONE_WITHIN seconds."""
    for _ in range(int(GONE_WITHIN / 0.02)):
        if cpu_ticks(pid) is None:
            return True
        await asyncio.sleep(0.02)
    return False


async def busy_child(pool: ProcessPool, task: asyncio.Future[object]) -> int:
    """The pid of the child `task` keeps busy, once it burns CPU (within 30 s)."""
    for _ in range(3000):
        if pool.pids and (ticks := cpu_ticks(pool.pids[0])) is not None and ticks > 5:
            return pool.pids[0]
        assert not task.done(), task
        await asyncio.sleep(0.01)
    pytest.fail("the child never got busy")


async def test_calls_run_in_one_child_that_outlives_a_failed_call(pool: ProcessPool) -> None:
    first = await pool.run(child_pid)
    with pytest.raises(ChildFailed) as caught:
        await pool.run(fail, "no such luck")
    assert str(caught.value) == "ValueError: no such luck"
    assert await pool.run(child_pid) == first
    assert pool.pids == (first,)
    assert await pool.run(spin, 0.0) == 0


async def test_a_cancelled_call_kills_its_child_and_the_next_call_gets_a_new_one(
    pool: ProcessPool,
) -> None:
    old = await pool.run(child_pid)
    task = asyncio.ensure_future(pool.run(spin, 60.0))
    assert await busy_child(pool, task) == old
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert pool.pids == ()
    assert await gone(old)
    new = await pool.run(child_pid)
    assert new != old and pool.pids == (new,)


async def test_calls_wait_their_turn_and_a_waiting_one_can_give_up(pool: ProcessPool) -> None:
    pid = await pool.run(child_pid)
    running = asyncio.ensure_future(pool.run(spin, 0.5))
    waiting = asyncio.ensure_future(pool.run(child_pid))
    gives_up = asyncio.ensure_future(pool.run(child_pid))
    await asyncio.sleep(0.1)
    gives_up.cancel()
    assert (await running > 0, await waiting) == (True, pid)
    assert gives_up.cancelled() and pool.pids == (pid,)


async def test_a_child_started_for_a_caller_who_gave_up_waits_idle(pool: ProcessPool) -> None:
    task = asyncio.ensure_future(pool.run(child_pid))
    await asyncio.sleep(0)  # the start is under way, in a thread
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(3000):  # up to 30 s: the first start waits for the forkserver
        if pool.pids:
            break
        await asyncio.sleep(0.01)
    (idle,) = pool.pids
    assert await pool.run(child_pid) == idle


async def test_close_ends_every_child_and_refuses_later_calls() -> None:
    pool = extraction_pool()
    pid = await pool.run(child_pid)
    await pool.close()
    assert pool.pids == () and await gone(pid)
    with pytest.raises(RuntimeError) as caught:
        await pool.run(child_pid)
    assert str(caught.value) == "the process pool is closed"
