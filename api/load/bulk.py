"""Bulk loading: extraction on every core, writing many articles per transaction.

Extraction (pure, CPU-bound) runs in a process pool with a bounded number of
articles in flight, so memory stays flat however many articles stream in; the
main process writes the results in order, a batch per transaction, through
`store_articles`, which leaves exactly the rows writing them one by one would.
A batch the database refuses is rolled back whole and its articles retried one
per transaction, so only the article at fault is lost.
"""
from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import AsyncGenerator, Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import aclosing, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from api.errors import SeedFileError
from api.extract.results import Extraction
from api.load.ingest import ArticleInput, store_articles
from api.load.seed import SeedReport, extract, iter_articles
from api.store.db import lock_writers, session_factory
from api.store.events import EventBus
from api.vocabulary import ExtractionMode

log = logging.getLogger(__name__)
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
CHUNK = 8  # articles per task sent to an extraction worker

Extractor = Callable[[ArticleInput], Extraction]
Extracted = tuple[ArticleInput, Extraction]


class Progress(Protocol):
    """What the loader reports to (a tqdm bar fits): `update(n)` after n more articles."""

    def update(self, n: int) -> object: ...


@dataclass(frozen=True)
class _Failed:
    """An extraction that raised, as a message (exceptions may not survive pickling)."""

    problem: str


async def load_articles(
    engine: AsyncEngine,
    articles: Iterable[ArticleInput],
    *,
    jobs: int = 2,
    batch: int = 200,
    progress: Progress | None = None,
    events: EventBus | None = None,
    extractor: Extractor = extract,
    executor: Executor | None = None,
) -> SeedReport:
    """Extract `articles` in `jobs` processes and store them `batch` per transaction, in
    order; an article that cannot be extracted or stored is reported by its source and the
    others still load. Each committed batch's statement ids are published on `events`.

    `extractor` must be a module-level function (it is sent to the worker processes).
    An `executor` given (e.g. a pool already warm) is used instead of a new pool of `jobs`
    processes, and left running.
    """
    if jobs < 1 or batch < 1:
        raise ValueError(f"jobs and batch must be at least 1, got jobs={jobs}, batch={batch}")
    writer = _BatchWriter(session_factory(engine), events, progress)
    pool = executor or extraction_pool(jobs)
    with sparse_collections():
        try:
            pending: list[Extracted] = []
            extracted = _extracted(pool, articles, extractor, 2 * batch + jobs)
            async with aclosing(extracted):  # on an error, abandon what is still in flight
                async for article, outcome in extracted:
                    if isinstance(outcome, _Failed):
                        writer.refuse(article, outcome.problem)
                        continue
                    pending.append((article, outcome))
                    if len(pending) >= batch:
                        await writer.write(pending)
                        pending = []
            await writer.write(pending)
        finally:
            if executor is None:
                pool.shutdown(cancel_futures=True)  # on an error, queued articles are not extracted
    return writer.report


# While loading, the cyclic garbage collector's youngest generation is collected after
# this many container allocations instead of CPython's 700. A batch of articles allocates
# a million short-lived containers (rows, forms, extraction results) that reference
# counting frees; at 700 the collector ran a full pass over the whole heap every ~80
# articles, a third of the loader's CPU (docs/performance.md). Loads share the setting:
# the first to start raises it, the last to end puts back what was there.
SPARSE_THRESHOLD = 50_000
_loads_running: list[tuple[int, int, int]] = []


@contextmanager
def sparse_collections() -> Iterator[None]:
    _loads_running.append(gc.get_threshold())
    gc.set_threshold(max(SPARSE_THRESHOLD, _loads_running[0][0]), *_loads_running[0][1:])
    try:
        yield
    finally:
        saved = _loads_running.pop()
        if not _loads_running:
            gc.set_threshold(*saved)


def extraction_pool(jobs: int) -> ProcessPoolExecutor:
    """`jobs` fresh worker processes (spawned: they must not inherit the event loop, its
    threads and its sockets); each builds the extraction indexes on its first article."""
    return ProcessPoolExecutor(
        jobs, mp_context=multiprocessing.get_context("spawn"),
        initializer=_follow_parent, initargs=(os.getpid(),),
    )


def _follow_parent(parent: int) -> None:
    """Worker initializer: end with the loader. A killed loader never closes the task queue
    (workers hold both of its ends), so its workers would otherwise wait forever, keeping
    its stdout and stderr open. Linux only (prctl); elsewhere they end at their next task."""
    if sys.platform == "linux":
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # the loader died before the prctl
        os._exit(1)


async def load_paths(
    engine: AsyncEngine,
    paths: Sequence[Path],
    *,
    jobs: int = 2,
    batch: int = 200,
    progress: Progress | None = None,
    events: EventBus | None = None,
    max_chars: int = 0,
    mode: ExtractionMode = ExtractionMode.FAST,
) -> SeedReport:
    """`load_articles` over every article file under `paths` (read as `seed_paths` reads
    them, one file at a time, refusing a body past `max_chars`, 0: no limit), extracted in
    `mode`; files that cannot be read are reported first."""
    unreadable: list[SeedFileError] = []
    articles = iter_articles(paths, unreadable, max_chars=max_chars)
    report = await load_articles(
        engine, articles, jobs=jobs, batch=batch, progress=progress, events=events,
        extractor=partial(extract, mode=mode),
    )
    report.errors[:0] = unreadable
    return report


async def _extracted(
    pool: Executor, articles: Iterable[ArticleInput], extractor: Extractor, in_flight: int
) -> AsyncGenerator[tuple[ArticleInput, Extraction | _Failed], None]:
    """Extractions in input order, at most about `in_flight` articles submitted ahead.

    Articles go to the workers `CHUNK` at a time: one task per article spent a few
    percent of the run on the pool's bookkeeping and pipe round trips."""
    loop = asyncio.get_running_loop()
    queue: deque[tuple[list[ArticleInput], asyncio.Future[list[Extraction | _Failed]]]] = deque()
    try:
        for chunk in _chunks(articles, CHUNK):
            queue.append((chunk, loop.run_in_executor(pool, _extract_all, extractor, chunk)))
            if len(queue) * CHUNK >= in_flight:
                chunk, future = queue.popleft()
                for item in zip(chunk, await future, strict=True):
                    yield item
        while queue:
            chunk, future = queue.popleft()
            for item in zip(chunk, await future, strict=True):
                yield item
    finally:
        for _, future in queue:  # abandoned (an error upstream): nobody will read them
            future.cancel()


def _chunks(articles: Iterable[ArticleInput], size: int) -> Iterator[list[ArticleInput]]:
    chunk: list[ArticleInput] = []
    for article in articles:
        chunk.append(article)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extract_all(extractor: Extractor, articles: list[ArticleInput]) -> list[Extraction | _Failed]:
    """Runs in a worker process."""
    return [_extract(extractor, article) for article in articles]


def _extract(extractor: Extractor, article: ArticleInput) -> Extraction | _Failed:
    """One article's extraction, or why it failed."""
    try:
        return extractor(article)
    except Exception as exc:  # one article's failure must not stop the others
        log.exception("could not extract %s", article.source)
        return _Failed(f"could not be extracted: {type(exc).__name__}: {exc}")


class _BatchWriter:
    """Writes batches in order, keeping the report and the progress up to date."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        events: EventBus | None,
        progress: Progress | None,
    ) -> None:
        self._sessions = sessions
        self._events = events
        self._progress = progress
        self.report = SeedReport()

    def refuse(self, article: ArticleInput, problem: str) -> None:
        self.report.errors.append(SeedFileError(article.source, problem))
        self._advance(1)

    async def write(self, batch: list[Extracted]) -> None:
        """Store the batch in one transaction; if the database refuses it, nothing of it
        stays and its articles are retried one per transaction."""
        if not batch:
            return
        try:
            await self._commit(batch)
        except Exception:  # the batch is rolled back; find the article at fault
            log.warning("a batch of %d articles failed; retrying them one by one", len(batch),
                        exc_info=True)
            for item in batch:
                await self._write_one(item)
            return
        self._advance(len(batch))

    async def _write_one(self, item: Extracted) -> None:
        try:
            await self._commit([item])
        except Exception as exc:  # one article's failure must not stop the others
            log.exception("could not store %s", item[0].source)
            self.report.errors.append(SeedFileError(item[0].source, f"could not be stored: {exc}"))
        self._advance(1)

    async def _commit(self, batch: list[Extracted]) -> None:
        async with self._sessions() as session, session.begin():
            await lock_writers(session)
            stored = await store_articles(session, batch)
        for (_, extraction), statement_ids in zip(batch, stored, strict=True):
            self.report.created += statement_ids is not None
            self.report.existing += statement_ids is None
            self.report.statements += len(extraction.statements) if statement_ids else 0
        if self._events is not None:
            ids = list(_flatten(s for s in stored if s))
            if ids:
                await self._events.publish(ids)

    def _advance(self, n: int) -> None:
        if self._progress is not None:
            self._progress.update(n)


def _flatten(lists: Iterable[list[int]]) -> Iterator[int]:
    for ids in lists:
        yield from ids
