"""Writing extractions: identity across articles, idempotence, links."""
from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel, select

from api.extract.results import (
    ActorKind,
    ActorRef,
    ArticleMeta,
    Extraction,
    LocationKind,
    PlaceRef,
    Span,
    StatementKind,
    StatementRef,
)
from api.load.ingest import ArticleInput, ArticleWriter
from api.store.db import session_factory
from api.store.models import (
    Actor,
    ActorAlias,
    Article,
    ArticleActor,
    ArticleLocation,
    Location,
    Statement,
    StatementLocation,
    StatementMention,
)

pytestmark = pytest.mark.anyio

BODY_ONE = "Foreign Minister Sergei Lavrov said Moscow wants peace in Aleppo. Sources said so."
BODY_TWO = '"We will stay," Lavrov told AFP.'

SYRIA = PlaceRef(key="country:SY", name="Syria", kind=LocationKind.COUNTRY, country_code="SY")
ALEPPO = PlaceRef(
    key="geonames:170063", name="Aleppo", kind=LocationKind.CITY, parent="country:SY",
    latitude=36.2, longitude=37.16, country_code="SY", mentions=(Span(58, 64),),
)


def _first_article() -> Extraction:
    lavrov = ActorRef(
        key="sergei lavrov", name="Sergei Lavrov", kind=ActorKind.PERSON, title="Foreign Minister",
        aliases=("Sergei Lavrov",), affiliation="russia", mentions=(Span(17, 30),),
    )
    russia = ActorRef(key="russia", name="Russia", kind=ActorKind.GOVERNMENT, aliases=("Moscow",),
                      mentions=(Span(36, 42),))
    sources = ActorRef(key="sources", name="Sources", kind=ActorKind.UNNAMED, mentions=(Span(66, 73),))
    said = StatementRef(
        span=Span(36, 64), kind=StatementKind.INDIRECT, cue="said", speaker="sergei lavrov",
        speaker_span=Span(17, 30), locations=("geonames:170063",), mentions=("russia",),
    )
    sources_said = StatementRef(span=Span(79, 81), kind=StatementKind.INDIRECT, cue="said",
                                speaker="sources", speaker_span=Span(66, 73))
    return Extraction(
        meta=ArticleMeta(title=None, standfirst=None, published=None, reading_time_minutes=None),
        statements=(said, sources_said), actors=(lavrov, russia, sources), places=(SYRIA, ALEPPO),
    )


def _second_article() -> Extraction:
    lavrov = ActorRef(key="lavrov", name="Lavrov", kind=ActorKind.PERSON, aliases=("Lavrov",),
                      mentions=(Span(16, 22),))
    afp = ActorRef(key="afp", name="AFP", kind=ActorKind.MEDIA, mentions=(Span(28, 31),))
    quote = StatementRef(span=Span(0, 15), kind=StatementKind.DIRECT, cue="told", speaker="lavrov",
                         speaker_span=Span(16, 22), medium="afp", parts=(Span(1, 14),))
    sources = ActorRef(key="sources", name="Sources", kind=ActorKind.UNNAMED)
    return Extraction(
        meta=ArticleMeta(title=None, standfirst=None, published=None, reading_time_minutes=None),
        statements=(quote,), actors=(lavrov, afp, sources),
    )


async def _write_both(engine: AsyncEngine) -> list[tuple[bool, int]]:
    writer = ArticleWriter(session_factory(engine))
    results = [
        await writer.write(ArticleInput(body=BODY_ONE, source="one.txt"), _first_article()),
        await writer.write(ArticleInput(body=BODY_TWO, source="two.txt"), _second_article()),
        await writer.write(ArticleInput(body=BODY_ONE, source="again.txt"), _first_article()),
    ]
    return results


async def _count(engine: AsyncEngine, table: type[SQLModel]) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(select(func.count()).select_from(table)) or 0)


async def test_same_body_twice_adds_nothing(engine: AsyncEngine) -> None:
    results = await _write_both(engine)
    assert results == [(True, 2), (True, 1), (False, 0)]
    counts = {t.__name__: await _count(engine, t) for t in (
        Article, Statement, Location, ArticleLocation, StatementLocation, StatementMention)}
    assert counts == {"Article": 2, "Statement": 3, "Location": 2, "ArticleLocation": 1,
                      "StatementLocation": 1, "StatementMention": 1}


async def test_surname_in_second_article_is_the_same_person(engine: AsyncEngine) -> None:
    await _write_both(engine)
    async with session_factory(engine)() as session:
        people = (await session.exec(select(Actor).where(Actor.kind == ActorKind.PERSON))).all()
        aliases = (await session.exec(select(ActorAlias.alias).order_by(ActorAlias.alias))).all()
        russia = (await session.exec(select(Actor).where(Actor.name == "Russia"))).one()
        quotes = (await session.exec(select(Statement).order_by(Statement.id))).all()
    assert [(p.name, p.title, p.affiliation_id) for p in people] == [
        ("Sergei Lavrov", "Foreign Minister", russia.id)
    ]
    assert {q.speaker_id for q in quotes if q.cue in {"said", "told"} and q.speaker_text != "Sources"} == {
        people[0].id
    }
    assert [a for a in aliases if a != "Sources"] == ["AFP", "Lavrov", "Moscow", "Russia", "Sergei Lavrov"]


async def test_unnamed_sources_are_never_merged_across_articles(engine: AsyncEngine) -> None:
    await _write_both(engine)
    async with session_factory(engine)() as session:
        unnamed = (await session.exec(select(Actor.id).where(Actor.kind == ActorKind.UNNAMED))).all()
        links = (await session.exec(select(ArticleActor).where(ArticleActor.actor_id.in_(unnamed)))).all()  # type: ignore[attr-defined]
    assert len(unnamed) == 2
    assert sorted(link.article_id for link in links) == [1, 2]


async def test_statement_rows_carry_offsets_text_and_medium(engine: AsyncEngine) -> None:
    await _write_both(engine)
    async with session_factory(engine)() as session:
        quote = (await session.exec(select(Statement).where(Statement.cue == "told"))).one()
        afp = (await session.exec(select(Actor).where(Actor.name == "AFP"))).one()
        aleppo = (await session.exec(select(Location).where(Location.name == "Aleppo"))).one()
        syria = (await session.exec(select(Location).where(Location.name == "Syria"))).one()
    assert (quote.text, quote.kind, quote.start, quote.end) == ("We will stay,", "DIRECT", 0, 15)
    assert quote.parts == [{"start": 1, "end": 14}]  # inside the marks
    async with session_factory(engine)() as session:
        said = (await session.exec(select(Statement).where(Statement.speaker_text == "Sergei Lavrov")))
        assert said.one().parts is None  # one part, its span: nothing stored
    assert (quote.speaker_text, quote.speaker_start, quote.speaker_end) == ("Lavrov", 16, 22)
    assert quote.medium_id == afp.id and afp.kind == ActorKind.MEDIA
    assert (aleppo.parent_id, aleppo.country_code, aleppo.latitude) == (syria.id, "SY", 36.2)
