"""Reading article files and writing what extraction finds into the tables.

Files are read and validated whole before anything is written, so a bad file
never leaves rows behind; each article is then written in one transaction. A body
past the size limit, or text a database cannot hold (NUL, a lone surrogate from a
JSON escape such as "\ud800"), refuses its file, naming the record and the offset.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from api.errors import SeedFileError
from api.extract import extract_article
from api.extract.article import parse_date
from api.extract.results import Extraction
from api.load.ingest import ArticleInput, ArticleWriter
from api.load.limits import first_refused, name_too_long, too_long
from api.store.db import session_factory
from api.store.events import EventBus
from api.store.models import Article
from api.vocabulary import ExtractionMode

log = logging.getLogger(__name__)
ARTICLE_SUFFIXES = (".txt", ".json", ".jsonl", ".ndjson")


@dataclass
class SeedReport:
    """What a seed run did: articles created, already present, and files refused."""

    created: int = 0
    existing: int = 0
    statements: int = 0
    errors: list[SeedFileError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def article_files(paths: Sequence[Path]) -> list[Path]:
    """Files named directly, plus article files found (recursively, sorted) in folders."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in ARTICLE_SUFFIXES)
            )
        else:
            found.append(path)
    return found


def iter_articles(
    paths: Sequence[Path], errors: list[SeedFileError], *, max_chars: int = 0
) -> Iterator[ArticleInput]:
    """Every article under `paths`, one file read at a time; a file that cannot be read is
    added to `errors` and skipped."""
    for path in article_files(paths):
        try:
            articles = read_articles(path, max_chars=max_chars)
        except SeedFileError as error:
            errors.append(error)
            continue
        yield from articles


def count_articles(paths: Sequence[Path]) -> int | None:
    """How many articles `iter_articles` will give, when that is cheap to know: one per
    text file, one per non-blank line of JSON Lines; None when a JSON file is among them."""
    total = 0
    for path in article_files(paths):
        if path.suffix == ".json":
            return None
        if path.suffix in {".jsonl", ".ndjson"} and path.is_file():
            total += sum(1 for line in path.read_bytes().splitlines() if line.strip())
        else:
            total += 1
    return total


def read_articles(path: Path, *, max_chars: int = 0) -> list[ArticleInput]:
    """Every article in one file, each body at most `max_chars` characters (0: any);
    SeedFileError names the file and the problem."""
    if not path.exists():
        raise SeedFileError(path, "no such file")
    text = _read_text(path)
    if path.suffix == ".json":
        return _records(path, _parse_json(path, text), max_chars)
    if path.suffix in {".jsonl", ".ndjson"}:
        return _records(path, _parse_json_lines(path, text), max_chars)
    oversized = too_long("the text", text, max_chars)
    if oversized is not None:
        raise SeedFileError(path, oversized)
    return [ArticleInput(body=text, source=_name(path))]


def _name(path: Path) -> str:
    """The file's name as a label the database can store: bytes of a name that are not
    UTF-8 (kept by Python as lone surrogates) become U+FFFD."""
    return path.name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    if not data.strip():
        raise SeedFileError(path, "the file is empty; an article needs at least a headline and a body")
    if b"\x00" in data:
        raise SeedFileError(path, "the file is binary (it holds NUL bytes); give UTF-8 text or JSON")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SeedFileError(
            path, f"byte {exc.start} is not UTF-8; save the file as UTF-8 text"
        ) from None


def _parse_json(path: Path, text: str) -> list[tuple[str, object]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SeedFileError(path, f"line {exc.lineno}: broken JSON ({exc.msg})") from None
    items = data if isinstance(data, list) else [data]
    return [(f"record {i}", item) for i, item in enumerate(items, start=1)]


def _parse_json_lines(path: Path, text: str) -> list[tuple[str, object]]:
    items: list[tuple[str, object]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append((f"line {number}", json.loads(line)))
        except json.JSONDecodeError as exc:
            raise SeedFileError(path, f"line {number}: broken JSON ({exc.msg})") from None
    if not items:
        raise SeedFileError(path, "no JSON records in the file")
    return items


def _records(path: Path, items: list[tuple[str, object]], max_chars: int) -> list[ArticleInput]:
    return [_record(path, where, item, max_chars) for where, item in items]


def _record(path: Path, where: str, item: object, max_chars: int) -> ArticleInput:
    if not isinstance(item, dict):
        raise SeedFileError(path, f"{where}: expected an object with a body, got {type(item).__name__}")
    body = item.get("body")
    if not isinstance(body, str) or not body.strip():
        raise SeedFileError(path, f"{where}: 'body' is missing or empty; every record needs the article text")
    _check_text(path, where, item, max_chars)
    strings = {key: _optional_str(path, where, item, key) for key in ("title", "publisher", "url")}
    return ArticleInput(
        body=body,
        source=f"{_name(path)} {where}",
        published=_published(path, where, item.get("publishedAt")),
        **strings,
    )


def _check_text(path: Path, where: str, item: dict[str, Any], max_chars: int) -> None:
    """The body's size, and every stored string as given (before stripping, so offsets
    are offsets into the file's values)."""
    oversized = too_long("body", item["body"], max_chars)
    if oversized is not None:
        raise SeedFileError(path, f"{where}: {oversized}")
    fields = ((key, item.get(key)) for key in ("body", "title", "publisher", "url"))
    refused = first_refused((key, value) for key, value in fields if isinstance(value, str))
    if refused is not None:
        raise SeedFileError(path, f"{where}: {refused.message}")
    publisher = item.get("publisher")
    long_name = name_too_long("publisher", publisher.strip()) if isinstance(publisher, str) else None
    if long_name is not None:
        raise SeedFileError(path, f"{where}: {long_name}")


def _optional_str(path: Path, where: str, item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    if value is None or isinstance(value, str):
        return value.strip() or None if isinstance(value, str) else None
    raise SeedFileError(path, f"{where}: '{key}' must be a string, got {type(value).__name__}")


def _published(path: Path, where: str, raw: object) -> dt.date | None:
    if raw is None or raw == "":
        return None
    date = parse_date(raw) if isinstance(raw, str) else None
    if date is None:
        raise SeedFileError(path, f"{where}: publishedAt {raw!r} is not a date; use YYYY-MM-DD")
    return date


def extract(article: ArticleInput, mode: ExtractionMode = ExtractionMode.FAST) -> Extraction:
    """Run the pure extractor over one input (records give their own title)."""
    return extract_article(article.body, title=article.title, mode=mode)


async def seed_paths(
    engine: AsyncEngine,
    paths: Sequence[Path],
    *,
    progress: Callable[[Iterable[ArticleInput], int], Iterable[ArticleInput]] | None = None,
    events: EventBus | None = None,
    max_chars: int = 0,
    mode: ExtractionMode = ExtractionMode.FAST,
) -> SeedReport:
    """Load every article file under `paths`; bad files (and those with a body past
    `max_chars`, 0: no limit) are reported, the rest load, and each stored article's
    statements are published on `events` (if given)."""
    report = SeedReport()
    inputs: list[ArticleInput] = []
    for path in article_files(paths):
        try:
            inputs.extend(read_articles(path, max_chars=max_chars))
        except SeedFileError as error:
            report.errors.append(error)
    items: Iterable[ArticleInput] = progress(inputs, len(inputs)) if progress else inputs
    writer = ArticleWriter(session_factory(engine), events)
    for article in items:
        try:
            created, statements = await writer.write(article, extract(article, mode))
        except Exception as exc:  # one article's failure must not stop the others
            log.exception("could not load %s", article.source)
            report.errors.append(SeedFileError(article.source, f"could not be stored: {exc}"))
            continue
        report.created += created
        report.existing += not created
        report.statements += statements
    return report


async def database_is_empty(engine: AsyncEngine) -> bool:
    """True when no article is stored yet (the first `serve` seeds then)."""
    async with engine.connect() as connection:
        first = await connection.scalar(select(col(Article.id)).limit(1))
    return first is None
