"""The tables. Plain SQLModel rows: no Strawberry here, no behaviour beyond data.

Every foreign key is indexed, and so is every column the API filters or
orders on. Offsets in `statement` index into `article.body`.
"""
from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, BigInteger, Column, Index, String, Text, UniqueConstraint, false
from sqlalchemy import text as sql
from sqlmodel import Field, SQLModel

from api.vocabulary import ActorKind, LocationKind, StatementKind


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Article(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str | None = Field(default=None, sa_type=Text)
    standfirst: str | None = Field(default=None, sa_type=Text)
    published_at: dt.date | None = Field(default=None, index=True)
    publisher: str | None = Field(default=None, index=True)
    url: str | None = Field(default=None, sa_type=Text)
    reading_time_minutes: int | None = None
    # [{"text": ..., "credit": ..., "start": ..., "end": ...}, ...]
    captions: list[dict[str, object]] = Field(default_factory=list, sa_column=Column(JSON))
    credit_line: str | None = Field(default=None, sa_type=Text)
    body: str = Field(sa_type=Text)
    content_hash: str = Field(max_length=64, unique=True, index=True)
    source: str | None = Field(default=None, sa_type=Text)  # file name it came from
    created_at: dt.datetime = Field(default_factory=_utcnow)


class Actor(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True)
    name_key: str = Field(index=True)  # casefolded name, for matching
    kind: ActorKind = Field(sa_type=String(16), index=True)
    title: str | None = None
    affiliation_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    # Set when a person chose the affiliation: extraction never changes it afterwards.
    edited_at: dt.datetime | None = None


class ActorAlias(SQLModel, table=True):
    __tablename__ = "actor_alias"
    __table_args__ = (UniqueConstraint("actor_id", "alias_key", name="uq_actor_alias"),)

    id: int | None = Field(default=None, primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", index=True)
    alias: str
    alias_key: str = Field(index=True)  # casefolded alias
    # Brought by a human merge: matches an extracted actor of any kind, so a merge holds.
    merged: bool = Field(default=False, sa_column_kwargs={"server_default": false()})


class Location(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True, index=True)  # gazetteer key, e.g. "geonames:170063"
    name: str = Field(index=True)
    name_key: str = Field(index=True)
    kind: LocationKind = Field(sa_type=String(16), index=True)
    parent_id: int | None = Field(default=None, foreign_key="location.id", index=True)
    latitude: float | None = None
    longitude: float | None = None
    country_code: str | None = Field(default=None, max_length=2, index=True)


class Quote(SQLModel, table=True):
    """The same words of the same speaker, in however many statements and articles.

    The quote's own columns are kept by the clustering (api/load/quotes.py) as statements
    arrive, change or go: `text` is the fullest form seen, `first_statement_id` the
    earliest appearance (no foreign key: statement points here, and a cycle of keys would
    make the archive's table order ambiguous), `appearances` and `article_count` count
    visible statements only.
    """

    id: int | None = Field(default=None, primary_key=True)
    speaker_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    text: str = Field(sa_type=Text)
    first_statement_id: int | None = None
    first_seen: dt.date | None = Field(default=None, index=True)
    appearances: int = Field(default=0, index=True)
    article_count: int = 0
    # Set when a person merged another quote into this one: clustering never splits it.
    edited_at: dt.datetime | None = None


class Statement(SQLModel, table=True):
    __table_args__ = (
        Index("ix_statement_article_start", "article_id", "start"),
        # The few statements a person placed in a quote: clustering asks which candidate
        # quotes hold one (api/load/quotes.py `_pinned`).
        Index("ix_statement_quote_placed", "quote_id",
              postgresql_where=sql("quote_edited_at IS NOT NULL"),
              sqlite_where=sql("quote_edited_at IS NOT NULL")),
    )

    id: int | None = Field(default=None, primary_key=True)
    article_id: int = Field(foreign_key="article.id", index=True)
    text: str = Field(sa_type=Text)
    kind: StatementKind = Field(sa_type=String(16), index=True)
    cue: str | None = None
    speaker_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    medium_id: int | None = Field(default=None, foreign_key="actor.id", index=True)
    start: int
    end: int
    speaker_start: int | None = None
    speaker_end: int | None = None
    speaker_text: str | None = None  # the mention as written ("he", "Lavrov")
    # What was said, when it is not just [start, end): [{"start": s, "end": e}, ...] in
    # order (a quotation split by its attribution has two). NULL: the one part [start, end).
    parts: list[dict[str, int]] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True))
    )
    quote_id: int | None = Field(default=None, foreign_key="quote.id", index=True)
    # Set when a person chose the statement's quote (detachStatement, mergeQuotes):
    # clustering never moves it to another quote afterwards.
    quote_edited_at: dt.datetime | None = None
    # Set by a human correction: re-extraction leaves the statement (and its span) alone.
    edited_at: dt.datetime | None = None
    # A tombstone: hidden from every read, and it keeps extraction from re-creating it.
    deleted_at: dt.datetime | None = Field(default=None, index=True)


class QuoteFingerprint(SQLModel, table=True):
    """The candidate index of quote matching: a statement's winnowed word-shingle hashes.

    Two statements that share a run of enough words share a fingerprint, so a new
    statement's candidates are one indexed lookup by hash (api/load/quotes.py).
    """

    __tablename__ = "quote_fingerprint"

    hash: int = Field(sa_type=BigInteger, primary_key=True)
    statement_id: int = Field(foreign_key="statement.id", primary_key=True, index=True)


class StatementLocation(SQLModel, table=True):
    __tablename__ = "statement_location"

    statement_id: int = Field(foreign_key="statement.id", primary_key=True)
    location_id: int = Field(foreign_key="location.id", primary_key=True, index=True)


class StatementMention(SQLModel, table=True):
    __tablename__ = "statement_mention"

    statement_id: int = Field(foreign_key="statement.id", primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", primary_key=True, index=True)


class ArticleActor(SQLModel, table=True):
    __tablename__ = "article_actor"

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    actor_id: int = Field(foreign_key="actor.id", primary_key=True, index=True)
    mentions: int = 1


class ArticleLocation(SQLModel, table=True):
    __tablename__ = "article_location"

    article_id: int = Field(foreign_key="article.id", primary_key=True)
    location_id: int = Field(foreign_key="location.id", primary_key=True, index=True)
    mentions: int = 1


class Correction(SQLModel, table=True):
    """One human correction: what changed on which row, who (the token's name) and when."""

    __table_args__ = (Index("ix_correction_entity", "entity_type", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    entity_type: str = Field(sa_type=String(16))  # "Statement" or "Actor"
    entity_id: int
    action: str = Field(sa_type=String(32))
    before: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON))
    after: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON))
    token_name: str | None = None
    created_at: dt.datetime = Field(default_factory=_utcnow)
