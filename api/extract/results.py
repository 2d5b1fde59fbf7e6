"""What extraction returns: frozen, database-free records of one article.

Keys (`ActorRef.key`, `PlaceRef.key`) identify an entity inside one
extraction; statements point at actors and places by key. Offsets always
index into the text that was passed to `extract_article`, unchanged.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from api.vocabulary import ActorKind, LocationKind, StatementKind

__all__ = [
    "ActorKind", "ActorRef", "ArticleMeta", "Caption", "Extraction", "LocationKind", "PlaceRef",
    "Span", "StatementKind", "StatementRef",
]


@dataclass(frozen=True, order=True)
class Span:
    """Half-open character range [start, end) into the article body."""

    start: int
    end: int

    def text(self, body: str) -> str:
        return body[self.start : self.end]

    def overlap(self, other: Span) -> int:
        """How many characters the two spans share (0 when they are apart)."""
        return max(0, min(self.end, other.end) - max(self.start, other.start))


@dataclass(frozen=True)
class Caption:
    """A photo caption and its credit, e.g. 'The army has seized ...' / 'AFP'."""

    text: str
    credit: str | None
    span: Span


@dataclass(frozen=True)
class ArticleMeta:
    """The furniture around the story: headline, standfirst, date, captions."""

    title: str | None
    standfirst: str | None
    published: dt.date | None
    reading_time_minutes: int | None
    captions: tuple[Caption, ...] = ()
    credit_line: str | None = None
    # Spans of the body that hold story text (paragraphs), in order; captions,
    # page furniture, pull quotes and the credit line are outside them.
    paragraphs: tuple[Span, ...] = ()
    # Pull quotes repeated at the end ("... - Yasser al-Youssef"), as spans.
    pull_quotes: tuple[Span, ...] = ()


@dataclass(frozen=True)
class ActorRef:
    """One real-world actor as seen in one article."""

    key: str
    name: str
    kind: ActorKind
    title: str | None = None
    aliases: tuple[str, ...] = ()
    affiliation: str | None = None  # key of another ActorRef in this extraction
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True)
class PlaceRef:
    """One place as seen in one article, with its gazetteer facts."""

    key: str  # global and stable, e.g. "geonames:170063" or "qg:SY/karam-al-katerji"
    name: str
    kind: LocationKind
    parent: str | None = None  # key of the parent PlaceRef (also in this extraction)
    latitude: float | None = None
    longitude: float | None = None
    country_code: str | None = None
    mentions: tuple[Span, ...] = ()


@dataclass(frozen=True)
class StatementRef:
    """One statement: content span, how it was cued and who said it.

    `span` is the outer extent; `parts` are the pieces of it that were said, in
    order (api.extract.parts): a quotation split by "he said" has two. Left
    empty, `parts` is the one part `span`.
    """

    span: Span
    kind: StatementKind
    cue: str | None = None
    cue_span: Span | None = None
    speaker: str | None = None  # ActorRef.key
    speaker_span: Span | None = None  # the mention used (a pronoun stays a pronoun)
    medium: str | None = None  # ActorRef.key of e.g. AFP in "he told AFP"
    locations: tuple[str, ...] = ()  # PlaceRef keys mentioned in the content
    mentions: tuple[str, ...] = ()  # ActorRef keys mentioned in the content
    parts: tuple[Span, ...] = ()

    def __post_init__(self) -> None:
        if not self.parts:
            object.__setattr__(self, "parts", (self.span,))


@dataclass(frozen=True)
class Extraction:
    """Everything extracted from one article body."""

    meta: ArticleMeta
    statements: tuple[StatementRef, ...] = ()
    actors: tuple[ActorRef, ...] = ()
    places: tuple[PlaceRef, ...] = field(default=())
