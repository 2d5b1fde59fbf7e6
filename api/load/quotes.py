"""Quote identity on the write side: which statements report the same words of the same
speaker, kept as statements arrive (ingest, bulk seed) and change or go (re-extraction).

What is compared is a statement's *form*: the words it quotes, normalised (casefolded,
apostrophes and other punctuation dropped, ellipses, dashes and slashes read as word
breaks), split into segments where words were left out (an ellipsis, or between two
quoted fragments). A DIRECT statement quotes its whole text; an INDIRECT or MIXED one
quotes only the fragments inside its quotation marks (`said the plan was "a disgrace"`),
and one without any has no form and no quote.

Two statements match (`matches`, symmetric) when they have the same voice (the same
known speaker; or, when either speaker is unknown, the same article: a pull quote) and

- both full (or both partial): the shorter has at least `MIN_WORDS` words and
  `MIN_CHARS` characters, and at least `CONTAINMENT` of its word shingles are in the
  other's (a cut at either end, an ellipsis inside, re-punctuated, recased: all match);
- one partial, one full: each of the partial's fragments (those of at least
  `FRAGMENT_MIN_WORDS` words and `FRAGMENT_MIN_CHARS` characters) is a run of the full
  one's words.

A quote is a connected component of that relation, kept incrementally: a statement that
matches members of several quotes joins them into one. Candidates come from the
database, never from a scan: the winnowed fingerprints of each statement's word shingles
(`quote_fingerprint`, one indexed lookup per batch), a partial quote filed under its
speaker's key (which that speaker's quotations look up), and, for a partial quote, its
speaker's direct statements holding its longest word. A hash already held
by `STOP_POSTINGS` quotes is a stock phrase: it is neither looked up nor stored again.

People's choices hold: a statement a person placed (`quote_edited_at`) is never a
candidate and never moves; a quote a person merged (`edited_at`), or one holding such a
statement, is never split and never merged into another.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import Executable, and_, delete, func, insert, or_, true, update
from sqlalchemy import select as sa_select
from sqlalchemy import text as sql
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from api.store.db import among
from api.store.models import Quote, QuoteFingerprint, Statement
from api.store.quotes import Member, create, recount
from api.vocabulary import StatementKind

__all__ = [
    "CONTAINMENT", "FRAGMENT_MIN_CHARS", "FRAGMENT_MIN_WORDS", "MIN_CHARS", "MIN_WORDS",
    "STOP_POSTINGS", "Assignment", "Form", "Fresh", "Said", "assign", "cluster", "forget",
    "form_of", "matches", "recluster", "said", "settle", "words",
]

SHINGLE = 3  # words per shingle
WINDOW = 4  # winnowing window: any shared run of WINDOW + SHINGLE - 1 = 6 words shares a hash
MIN_WORDS = 6
MIN_CHARS = 30
FRAGMENT_MIN_WORDS = 2
FRAGMENT_MIN_CHARS = 10
CONTAINMENT = 0.8
STOP_POSTINGS = 16
_CHUNK = 5000
_OR_TERMS = 200  # (speaker, word) terms per query: SQLite parses an OR chain 1,000 deep at most
_UNNEST_FINGERPRINTS = sql(
    "INSERT INTO quote_fingerprint (hash, statement_id) "
    "SELECT * FROM unnest(CAST(:hashes AS BIGINT[]), CAST(:ids AS INTEGER[]))"
)  # bound parameters per IN (below every driver's limit)
_MASK = (1 << 63) - 1

_ELLIPSIS = re.compile(r"\u2026|\.{3,}")
_BREAKS = re.compile(r"[\u2010-\u2015\u2212/-]")
_DROPPED = re.compile(r"[^\w\s]")
_FRAGMENT = re.compile(r"\"([^\"]+)\"|\u201c([^\u201c\u201d]+)\u201d|\u00ab([^\u00ab\u00bb]+)\u00bb")
_ASCII_WORD = re.compile(r"[a-z]+")
_SAID = (col(Statement.id), col(Statement.article_id), col(Statement.speaker_id),
         col(Statement.kind), col(Statement.text))
Values = dict[str, Any]


# --- forms: pure ------------------------------------------------------------------------


def words(text: str) -> tuple[str, ...]:
    """The normalised words of `text` (no ellipsis handling: see `form_of`)."""
    return tuple(_DROPPED.sub("", _BREAKS.sub(" ", text.casefold())).split())


@dataclass(frozen=True)
class Form:
    """The words a statement quotes, in segments (runs with nothing left out), with what
    matching reads of them computed once, when the form is made (every statement of a
    load gets a form, and most are read once)."""

    segments: tuple[tuple[str, ...], ...]
    partial: bool
    word_count: int = field(init=False)
    chars: int = field(init=False)
    shingles: frozenset[int] = field(init=False)
    fingerprints: frozenset[int] = field(init=False)
    """The winnowed shingle hashes (Schleimer et al.): the least of each window."""

    def __post_init__(self) -> None:
        shingles: set[int] = set()
        found: set[int] = set()
        for segment in self.segments:
            hashes = _shingle_hashes(segment)
            if hashes:
                shingles.update(hashes)
                width = min(WINDOW, len(hashes))
                found.update(min(hashes[i : i + width]) for i in range(len(hashes) - width + 1))
        words = sum(len(segment) for segment in self.segments)
        letters = sum(len(word) for segment in self.segments for word in segment)
        spaces = max(words - 1, 0)  # as the segments' words, all joined by one space
        for name, value in (("word_count", words), ("chars", letters + spaces),
                            ("shingles", frozenset(shingles)), ("fingerprints", frozenset(found))):
            object.__setattr__(self, name, value)


def _hash(tag: str, value: str) -> int:
    """A stable 63-bit hash (fits a signed BIGINT; Python's own hash() is salted)."""
    digest = hashlib.blake2b(f"{tag}\x1f{value}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") & _MASK


_word_hash = lru_cache(maxsize=1 << 16)(partial(_hash, "w"))
# Odd 64-bit multipliers (splitmix64's): a shingle's hash mixes its words' in order.
_MIX = (0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB)


def _shingle_hashes(segment: Sequence[str]) -> list[int]:
    hashes = [_word_hash(word) for word in segment]
    a, b, c = _MIX
    return [(a * x + b * y + c * z) >> 1 & _MASK
            for x, y, z in zip(hashes, hashes[1:], hashes[2:], strict=False)]


def form_of(text: str, kind: str) -> Form | None:
    """What a statement quotes; None when it quotes nothing (reported speech, no marks)."""
    if kind == StatementKind.DIRECT:
        segments = _segments([text])
        return Form(segments, partial=False) if segments else None
    fragments = [next(g for g in m.groups() if g is not None) for m in _FRAGMENT.finditer(text)]
    if not fragments:
        return None
    usable = tuple(s for s in _segments(fragments) if _is_fragment(s))
    return Form(usable, partial=True)


def _segments(texts: Iterable[str]) -> tuple[tuple[str, ...], ...]:
    runs = (words(piece) for text in texts for piece in _ELLIPSIS.split(text))
    return tuple(run for run in runs if run)


# Stored statements come back as candidates batch after batch (the same speaker's
# statements share phrases): their forms are kept, not made again each time.
_stored_form = lru_cache(maxsize=1 << 14)(form_of)


def _is_fragment(segment: tuple[str, ...]) -> bool:
    return len(segment) >= FRAGMENT_MIN_WORDS and len(" ".join(segment)) >= FRAGMENT_MIN_CHARS


@dataclass(frozen=True)
class Said:
    """A statement as matching sees it."""

    id: int
    article_id: int
    speaker_id: int | None
    form: Form

    speaker_key: int | None = field(init=False)
    """Where a partial quote is filed for its speaker's quotations to find it."""
    probes: frozenset[int] = field(init=False)
    """The hashes to look up: its fingerprints and, for a quotation, its speaker's partial
    quotes."""
    keys: frozenset[int] = field(init=False)
    """The hashes other statements find it by, beyond its fingerprints."""

    def __post_init__(self) -> None:
        key = None if self.speaker_id is None else _speaker_key(self.speaker_id)
        filed = frozenset() if key is None else frozenset((key,))
        object.__setattr__(self, "speaker_key", key)
        object.__setattr__(self, "probes", self.form.fingerprints | (
            frozenset() if self.form.partial else filed))
        object.__setattr__(self, "keys", filed if self.form.partial else frozenset())


@lru_cache(maxsize=1 << 14)
def _speaker_key(speaker_id: int) -> int:
    return _hash("speaker", str(speaker_id))


def matches(a: Said, b: Said) -> bool:
    """Whether two statements report the same words of the same speaker (symmetric)."""
    if a.id == b.id or not _same_voice(a, b):
        return False
    if a.form.partial != b.form.partial:
        part, full = (a, b) if a.form.partial else (b, a)
        return _quoted_from(part.form, full.form)
    return _contained(a.form, b.form)


def _same_voice(a: Said, b: Said) -> bool:
    if a.speaker_id is not None and b.speaker_id is not None:
        return a.speaker_id == b.speaker_id
    return a.article_id == b.article_id  # unattributed: only a pull quote of its own article


def _contained(a: Form, b: Form) -> bool:
    if min(a.word_count, b.word_count) < MIN_WORDS or min(a.chars, b.chars) < MIN_CHARS:
        return False
    smaller = min(len(a.shingles), len(b.shingles))
    return smaller > 0 and len(a.shingles & b.shingles) >= CONTAINMENT * smaller


def _quoted_from(part: Form, full: Form) -> bool:
    if not part.segments:
        return False
    runs = [f" {' '.join(segment)} " for segment in full.segments]
    return all(any(f" {' '.join(s)} " in run for run in runs) for s in part.segments)


# --- clustering new statements -----------------------------------------------------------


@dataclass
class Assignment:
    """What `assign` decided: each new statement's quote (None: it quotes nothing), the
    fingerprints to store once the statements are, and every quote it touched."""

    quote_of: dict[int, int | None] = field(default_factory=dict)
    fingerprints: list[Values] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)


_READ = ("id", "article_id", "start", "text", "kind", "speaker_id", "deleted_at")
Fresh = tuple[Said | None, Member]  # a new statement: as matching and as a quote see it


def said(row: Values | Statement, published_at: dt.date | None) -> Fresh:
    """A statement row (values or table row) of an article published then, as matching
    sees it (None: it quotes nothing) and as a quote's member."""
    values: Values = row if isinstance(row, dict) else {name: getattr(row, name) for name in _READ}
    pk, article_id = values["id"], values["article_id"]
    assert isinstance(pk, int) and isinstance(article_id, int)
    member = Member(pk, article_id, values["start"], values["text"], values["speaker_id"],
                    values["deleted_at"], published_at)
    form = form_of(str(values["text"]), str(values["kind"]))
    if form is None:
        return None, member
    return Said(pk, article_id, values["speaker_id"], form), member


async def cluster(
    session: AsyncSession, rows: Sequence[Values], dates: dict[int, dt.date | None]
) -> Assignment:
    """Give statement rows about to be inserted their `quote_id` (the rows are changed),
    `dates` being their articles' dates; quotes are created or merged in this transaction.
    `settle` once the rows are stored."""
    assignment = await assign(session, [said(row, dates[row["article_id"]]) for row in rows])
    for row in rows:
        row["quote_id"] = assignment.quote_of.get(row["id"])
    return assignment


async def assign(session: AsyncSession, fresh: Sequence[Fresh]) -> Assignment:
    """Decide the quotes of new statements, in order, as one at a time would."""
    forms = [item for item, _ in fresh if item is not None]
    clusterer = _Clusterer(await _Index.read(session, forms))
    clusterer.members = {member.id: member for _, member in fresh}
    for item in forms:
        clusterer.add(item)
    assignment = Assignment(quote_of={member.id: None for _, member in fresh})
    await clusterer.write(session, assignment)
    return assignment


async def settle(session: AsyncSession, assignment: Assignment) -> None:
    """Once the statements are stored: store their fingerprints, recount their quotes."""
    await _insert_fingerprints(session, assignment.fingerprints)
    await recount(session, assignment.touched)


@dataclass
class _Index:
    """What the database holds about a batch's candidates, read in a few queries."""

    postings: dict[int, list[int]]  # hash -> statement ids holding it (none for a stop hash)
    counts: dict[int, int]  # hash -> how many hold it
    stored: dict[int, tuple[Said, int]]  # candidate statement id -> (its form, its quote)
    pinned: set[int]  # quotes a person shaped
    by_speaker: dict[int, list[int]]  # new partial statement id -> candidate ids

    @classmethod
    async def read(cls, session: AsyncSession, forms: Sequence[Said]) -> _Index:
        fingerprints = {h for s in forms for h in s.form.fingerprints}
        speakers = {h for s in forms for h in s.probes} - fingerprints
        postings, counts = await _postings(session, fingerprints)
        for h, ids in (await _postings(session, speakers, stop=None))[0].items():
            postings[h].extend(ids)
        by_speaker = await _speaker_candidates(session, [
            s for s in forms if s.form.partial and s.speaker_id is not None and s.form.segments
        ])
        wanted = {pk for ids in postings.values() for pk in ids}
        wanted.update(pk for ids in by_speaker.values() for pk in ids)
        stored = await _stored(session, wanted, forms)
        pinned = await _pinned(session, {quote for _, quote in stored.values()})
        return cls(postings, counts, stored, pinned, by_speaker)


async def _postings(
    session: AsyncSession, hashes: set[int], stop: int | None = STOP_POSTINGS
) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Who holds each hash, and how many; a hash held `stop` times or more (a stock
    phrase) comes back as its count alone, so its holders are never fetched."""
    postings: dict[int, list[int]] = defaultdict(list)
    counts: dict[int, int] = {}
    fingerprint = QuoteFingerprint.__table__.c  # type: ignore[attr-defined]
    for chunk in _chunks(sorted(hashes)):
        held = sa_select(
            fingerprint.hash, fingerprint.statement_id,
            func.count().over(partition_by=fingerprint.hash).label("n"),
            func.row_number().over(partition_by=fingerprint.hash,
                                   order_by=fingerprint.statement_id).label("r"),
        ).where(among(fingerprint.hash, chunk, _dialect(session))).subquery()
        query = sa_select(held.c.hash, held.c.statement_id, held.c.n)
        if stop is not None:
            query = query.where((held.c.n < stop) | (held.c.r == 1))
        for h, pk, n in await (await session.connection()).execute(query):
            counts[h] = n
            if stop is None or n < stop:
                postings[h].append(pk)
    return postings, counts


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


def _chunks(items: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    return (items[i : i + size] for i in range(0, len(items), size))


def _clusterable() -> Any:
    """The statements clustering may join: visible, quoted and not placed by a person."""
    return (
        col(Statement.deleted_at).is_(None),
        col(Statement.quote_edited_at).is_(None),
        col(Statement.quote_id).is_not(None),
    )


async def _speaker_candidates(session: AsyncSession, items: Sequence[Said]) -> dict[int, list[int]]:
    """For each partial quote among `items`, its speaker's direct statements holding the
    fragments' longest plain word (a fragment below shingle length has no fingerprint a
    full statement shares): one query per chunk of (speaker, word) pairs, not one per
    statement."""
    wanted = {item.id: (item.speaker_id, _longest_plain(item)) for item in items}
    hits: dict[tuple[int | None, str | None], list[int]] = {pair: [] for pair in wanted.values()}
    pairs = sorted(hits, key=lambda pair: (pair[0] or 0, pair[1] or ""))
    for chunk in _chunks(pairs, _OR_TERMS):
        clauses = [
            and_(col(Statement.speaker_id) == speaker,
                 func.lower(Statement.text).like(f"%{word}%") if word else true())
            for speaker, word in chunk
        ]
        query = sa_select(col(Statement.id), col(Statement.speaker_id), col(Statement.text)).where(
            col(Statement.kind) == StatementKind.DIRECT, *_clusterable(), or_(*clauses)
        )
        rows = (await (await session.connection()).execute(query)).all()
        for speaker, word in chunk:
            hits[speaker, word].extend(
                pk for pk, said_by, text in rows
                if pk is not None and said_by == speaker and (word is None or word in text.lower())
            )
    return {pk: hits[pair] for pk, pair in wanted.items()}


def _longest_plain(item: Said) -> str | None:
    """The longest plain (ASCII letters) word of a partial quote's fragments, if any."""
    plain = [w for s in item.form.segments for w in s if _ASCII_WORD.fullmatch(w)]
    return max(plain, key=len) if plain else None


async def _stored(
    session: AsyncSession, ids: set[int], new: Sequence[Said]
) -> dict[int, tuple[Said, int]]:
    """The candidates among `ids` that could match one of the `new` statements: of one of
    their known speakers, or of one of their articles (`_same_voice`). Shared shingles
    alone pull in other speakers' statements built from the same phrases; their forms
    are never made."""
    found: dict[int, tuple[Said, int]] = {}
    dialect = _dialect(session)
    speakers = sorted({s.speaker_id for s in new if s.speaker_id is not None})
    articles = sorted({s.article_id for s in new})
    voiced = or_(among(col(Statement.speaker_id), speakers, dialect),
                 among(col(Statement.article_id), articles, dialect))
    for chunk in _chunks(sorted(ids)):
        query = sa_select(*_SAID, col(Statement.quote_id)).where(
            among(col(Statement.id), chunk, dialect), *_clusterable(), voiced
        )
        connection = await session.connection()
        for pk, article_id, speaker_id, kind, text, quote_id in await connection.execute(query):
            form = _stored_form(text, kind)
            if pk is not None and form is not None and quote_id is not None:
                found[pk] = (Said(pk, article_id, speaker_id, form), quote_id)
    return found


async def _pinned(session: AsyncSession, quote_ids: set[int]) -> set[int]:
    """The quotes a person shaped: merged into (edited_at), or holding a statement a person
    placed."""
    pinned: set[int] = set()
    for chunk in _chunks(sorted(quote_ids)):
        edited = select(Quote.id).where(among(col(Quote.id), chunk, _dialect(session)), col(Quote.edited_at).is_not(None))
        placed = select(Statement.quote_id).where(
            among(col(Statement.quote_id), chunk, _dialect(session)), col(Statement.quote_edited_at).is_not(None)
        )
        pinned.update(pk for pk in (await session.exec(edited)).all() if pk is not None)
        pinned.update(pk for pk in (await session.exec(placed)).all() if pk is not None)
    return pinned


class _Quotes:
    """Union-find over quotes: stored ones (their ids) and new ones (negative keys). A
    component's root is a pinned quote, else the lowest stored id, else the first new one;
    two pinned quotes are never joined."""

    def __init__(self, pinned: set[int]) -> None:
        self._parent: dict[int, int] = {}
        self._pinned = pinned
        self._new = 0

    def new(self) -> int:
        self._new -= 1
        return self._new

    def find(self, key: int) -> int:
        root = key
        while (parent := self._parent.get(root, root)) != root:
            root = parent
        while key != root:  # path compression
            self._parent[key], key = root, self._parent.get(key, key)
        return root

    def join(self, keys: Iterable[int]) -> int:
        roots = sorted({self.find(k) for k in keys}, key=self._rank)
        target = roots[0]
        for root in roots[1:]:
            if not (root in self._pinned and target in self._pinned):
                self._parent[root] = target
        return target

    def _rank(self, key: int) -> tuple[bool, bool, int]:
        return key not in self._pinned, key < 0, abs(key)


class _Clusterer:
    """Adds new statements one at a time against the index and each other."""

    def __init__(self, index: _Index) -> None:
        self._index = index
        self._quotes = _Quotes(index.pinned)
        self._key: dict[int, int] = {pk: quote for pk, (_, quote) in index.stored.items()}
        self._forms: dict[int, Said] = {pk: item for pk, (item, _) in index.stored.items()}
        self._added: dict[int, list[int]] = defaultdict(list)  # hash -> new holders
        self._fresh: list[Said] = []
        self.members: dict[int, Member] = {}  # the new statements, as quotes see them
        self._spoken: dict[int, list[int]] = defaultdict(list)  # speaker -> new full ones
        self._rows: list[Values] = []

    def add(self, item: Said) -> None:
        candidates = set(self._index.by_speaker.get(item.id, ()))
        if item.form.partial and item.speaker_id is not None:  # this batch's, not stored yet
            candidates.update(self._spoken.get(item.speaker_id, ()))
        for h in item.probes:
            if self._count(h) < STOP_POSTINGS or h == item.speaker_key:
                candidates.update(self._held(h))
        found = [pk for pk in sorted(candidates) if pk in self._forms
                 and matches(item, self._forms[pk])]
        keys = [self._key[pk] for pk in found]
        quote = self._quotes.join(keys) if keys else self._quotes.new()
        self._key[item.id] = quote
        self._forms[item.id] = item
        self._fresh.append(item)
        if not item.form.partial and item.speaker_id is not None:
            self._spoken[item.speaker_id].append(item.id)
        self._hold(item, quote)

    def _held(self, h: int) -> list[int]:
        return self._index.postings.get(h, []) + self._added.get(h, [])

    def _count(self, h: int) -> int:
        return self._index.counts.get(h, 0) + len(self._added.get(h, ()))

    def _hold(self, item: Said, quote: int) -> None:
        """Store the new statement's hashes, each once per quote: a quote reported a
        thousand times holds each hash once, so it never becomes a stock phrase."""
        for h in sorted(item.form.fingerprints):
            held = self._held(h)
            if self._count(h) >= STOP_POSTINGS or (held and quote in self._roots(held)):
                continue
            self._added[h].append(item.id)
            self._rows.append({"hash": h, "statement_id": item.id})
        for h in item.keys:  # a speaker's partial quotes are all filed: no stock phrase here
            self._added[h].append(item.id)
            self._rows.append({"hash": h, "statement_id": item.id})

    def _roots(self, held: Iterable[int]) -> set[int]:
        return {self._quotes.find(self._key[pk]) for pk in held if pk in self._key}

    async def write(self, session: AsyncSession, assignment: Assignment) -> None:
        """Create the new quotes, merge joined stored ones, fill `assignment`."""
        roots = {pk: self._quotes.find(self._key[pk]) for pk in self._key}
        created = await self._create(session, roots)
        merged: dict[int, list[int]] = defaultdict(list)
        for quote in sorted({quote for _, quote in self._index.stored.values()}):
            root = self._quotes.find(quote)
            if root != quote:
                merged[created.get(root, root)].append(quote)
        for target, sources in merged.items():
            await _execute(session, update(Statement).where(
                col(Statement.quote_id).in_(sources), col(Statement.quote_edited_at).is_(None)
            ).values(quote_id=target))
            assignment.touched.update(sources)
            assignment.touched.add(target)
        for item in self._fresh:
            root = roots[item.id]
            assignment.quote_of[item.id] = created.get(root, root)
            if root > 0:  # a stored quote gained a statement (a new one was made whole)
                assignment.touched.add(root)
        assignment.fingerprints = self._rows

    async def _create(self, session: AsyncSession, roots: dict[int, int]) -> dict[int, int]:
        """One quote row per new root, its columns derived from its members: new key -> id."""
        groups: dict[int, list[Member]] = defaultdict(list)
        for item in self._fresh:
            if roots[item.id] < 0:
                groups[roots[item.id]].append(self.members[item.id])
        keys = list(groups)
        ids = await create(session, [groups[k] for k in keys])
        return dict(zip(keys, ids, strict=True))


def _ids(values: Iterable[int | None]) -> list[int]:
    found = list(values)
    assert None not in found
    return [pk for pk in found if pk is not None]


async def _execute(session: AsyncSession, statement: Executable) -> None:
    """A core UPDATE or DELETE in the session's transaction (rows it loaded are not
    refreshed: `recount` reads them afresh)."""
    await (await session.connection()).execute(statement)


async def _insert_fingerprints(session: AsyncSession, rows: list[Values]) -> None:
    """Insert (hash, statement_id) rows: on PostgreSQL as two arrays, one parameter set
    however many rows (an executemany costs a parameter set per row in the driver)."""
    if not rows:
        return
    connection = await session.connection()
    if _dialect(session) == "postgresql":
        await connection.execute(_UNNEST_FINGERPRINTS, {
            "hashes": [row["hash"] for row in rows], "ids": [row["statement_id"] for row in rows]
        })
        return
    for chunk in _chunks(rows):
        await connection.execute(insert(QuoteFingerprint.__table__), list(chunk))  # type: ignore[attr-defined]


# --- statements that change or go ---------------------------------------------------------


async def forget(session: AsyncSession, statement_ids: Sequence[int]) -> set[int]:
    """Before statements change or are deleted: drop their fingerprints and take them out of
    their quotes (unless a person placed them); the quotes they left, to `recluster`."""
    if not statement_ids:
        return set()
    query = select(Statement.quote_id).where(
        col(Statement.id).in_(statement_ids), col(Statement.quote_id).is_not(None),
        col(Statement.quote_edited_at).is_(None),
    )
    left = {pk for pk in (await session.exec(query)).all() if pk is not None}
    await _execute(session, delete(QuoteFingerprint).where(
        col(QuoteFingerprint.statement_id).in_(statement_ids)
    ))
    await _execute(session, update(Statement).where(
        col(Statement.id).in_(statement_ids), col(Statement.quote_edited_at).is_(None)
    ).values(quote_id=None))
    return left


async def recluster(session: AsyncSession, quote_ids: set[int]) -> set[int]:
    """Split quotes that lost members into the components their visible members still form
    (a quote a person shaped is never split); the component holding the lowest statement id
    keeps the quote. Returns every quote touched (recount them)."""
    open_ids = sorted(set(quote_ids) - await _pinned(session, set(quote_ids)))
    touched = set(quote_ids)
    for quote_id in open_ids:
        touched.update(await _split(session, quote_id))
    return touched


async def _split(session: AsyncSession, quote_id: int) -> set[int]:
    query = sa_select(*_SAID).where(
        col(Statement.quote_id) == quote_id, col(Statement.deleted_at).is_(None)
    )
    members: list[Said] = []
    connection = await session.connection()
    for pk, article_id, speaker_id, kind, text in await connection.execute(query):
        form = form_of(text, kind)
        if pk is not None and form is not None:
            members.append(Said(pk, article_id, speaker_id, form))
    components = _components(members)
    new_ids: set[int] = set()
    for component in components[1:]:
        speaker = component[0].speaker_id
        [new_id] = _ids((await connection.execute(insert(Quote).returning(col(Quote.id)), [
            {"speaker_id": speaker, "text": "", "appearances": 0, "article_count": 0}
        ])).scalars())
        new_ids.add(new_id)
        await _execute(session, update(Statement).where(
            col(Statement.id).in_([s.id for s in component])
        ).values(quote_id=new_id))
    await _rehold(session, components)
    return new_ids


def _components(members: Sequence[Said]) -> list[list[Said]]:
    """Connected components of `matches` among members (by shared fingerprint, fragment
    key or, for fragments, speaker), ordered by their lowest statement id."""
    parent = {s.id: s.id for s in members}

    def find(pk: int) -> int:
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    by_hash: dict[int, list[Said]] = defaultdict(list)
    for s in members:
        for h in s.probes | s.keys:
            by_hash[h].append(s)
    pairs = {(a, b) for group in by_hash.values() for a in group for b in group if a.id < b.id}
    parts = [s for s in members if s.form.partial]
    pairs.update((p, f) for p in parts for f in members if not f.form.partial)
    for a, b in pairs:
        if matches(a, b):
            parent[find(a.id)] = find(b.id)
    grouped: dict[int, list[Said]] = defaultdict(list)
    for s in sorted(members, key=lambda s: s.id):
        grouped[find(s.id)].append(s)
    return sorted(grouped.values(), key=lambda c: c[0].id)


async def _rehold(session: AsyncSession, components: Sequence[Sequence[Said]]) -> None:
    """Each component keeps a holder for each of its hashes: the removed statement may have
    been the one holding them."""
    ids = [s.id for c in components for s in c]
    if not ids:
        return
    query = select(QuoteFingerprint.hash, QuoteFingerprint.statement_id).where(
        col(QuoteFingerprint.statement_id).in_(ids)
    )
    held: dict[int, set[int]] = defaultdict(set)
    for h, pk in (await session.exec(query)).all():
        held[pk].add(h)
    rows: list[Values] = []
    for component in components:
        have = {h for s in component for h in held[s.id]}
        for s in component:
            for h in sorted((s.form.fingerprints | s.keys) - have):
                rows.append({"hash": h, "statement_id": s.id})
                have.add(h)
    await _insert_fingerprints(session, rows)
