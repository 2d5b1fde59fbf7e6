"""What the write path keeps out of the tables: names too long for their indexes."""
from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import select

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
from api.load.ingest import ArticleInput, ArticleWriter, storable
from api.store.db import session_factory
from api.store.models import Actor, ActorAlias, Location, Statement

pytestmark = pytest.mark.anyio

LONG_NAME = " ".join(["Abcdefgh"] * 600)  # 5,399 characters, as a run of capitals reads
BODY = f'"We will win," said {LONG_NAME}. "So will we," Lavrov told AFP in Aleppo.'
META = ArticleMeta(title=None, standfirst=None, published=None, reading_time_minutes=None)
LONG = ActorRef(key="long", name=LONG_NAME, kind=ActorKind.PERSON, affiliation="afp")
LAVROV = ActorRef(key="lavrov", name="Lavrov", kind=ActorKind.PERSON, affiliation="long")
AFP = ActorRef(key="afp", name="AFP", kind=ActorKind.MEDIA, aliases=(LONG_NAME,))
ALEPPO = PlaceRef(key="geonames:170063", name="Aleppo", kind=LocationKind.CITY,
                  parent="qg:" + "x" * 400)
ODD_PLACE = PlaceRef(key="qg:" + "x" * 400, name="X", kind=LocationKind.REGION)


def _extraction() -> Extraction:
    first = StatementRef(span=Span(0, 14), kind=StatementKind.DIRECT, cue="said", speaker="long",
                         speaker_span=Span(20, 20 + len(LONG_NAME)), mentions=("long", "lavrov"))
    start = BODY.index('"So')
    second = StatementRef(span=Span(start, start + 13), kind=StatementKind.DIRECT, cue="told",
                          speaker="lavrov", medium="afp", locations=(ALEPPO.key, ODD_PLACE.key))
    return Extraction(meta=META, statements=(first, second), actors=(LONG, LAVROV, AFP),
                      places=(ODD_PLACE, ALEPPO))


def test_actors_and_places_with_overlong_names_are_left_out_with_every_reference() -> None:
    kept = storable(_extraction())
    assert [a.key for a in kept.actors] == ["lavrov"]
    assert kept.actors[0].affiliation is None
    assert [(p.key, p.parent) for p in kept.places] == [(ALEPPO.key, None)]
    assert [(s.speaker, s.medium, s.mentions, s.locations) for s in kept.statements] == [
        (None, None, ("lavrov",), ()), ("lavrov", None, (), (ALEPPO.key,)),
    ]
    assert [s.speaker_span for s in kept.statements] == [Span(20, 5419), None]


async def test_an_article_with_an_overlong_name_is_stored_without_it(engine: AsyncEngine) -> None:
    writer = ArticleWriter(session_factory(engine))
    assert await writer.write(ArticleInput(body=BODY, source="t"), _extraction()) == (True, 2)
    async with session_factory(engine)() as session:
        actors = (await session.exec(select(Actor.name))).all()
        aliases = (await session.exec(select(ActorAlias.alias))).all()
        places = (await session.exec(select(Location.name))).all()
        rows = (await session.exec(select(Statement).order_by(Statement.id))).all()
    assert (actors, aliases, places) == (["Lavrov"], ["Lavrov"], ["Aleppo"])
    assert [(s.text, s.speaker_id is None, s.speaker_text) for s in rows] == [
        ('"We will win,"', True, LONG_NAME), ('"So will we,"', False, None),
    ]
