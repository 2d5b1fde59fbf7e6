"""Quote identity on the write side (api/load/quotes.py): the forms and the match, the
quotes wire copy and its rewrites make through the real write path, order independence,
re-extraction, and `recount`."""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col, select

from api.extract import extract_article
from api.extract.results import Extraction
from api.load.bulk import load_articles
from api.load.ingest import ArticleInput, ArticleWriter
from api.load.quotes import Said, form_of, matches, words
from api.load.reextract import reextract
from api.load.seed import extract
from api.store.db import session_factory
from api.store.models import Article, Quote, QuoteFingerprint, Statement
from api.store.quotes import Member, derived, recount

pytestmark = pytest.mark.anyio

AFP = """Aleppo: UN envoy warns of catastrophe

GENEVA - The UN envoy for Syria warned on Thursday that eastern Aleppo could be destroyed within weeks.

"The situation in eastern Aleppo is catastrophic, and by Christmas there may be nothing left of it," Staffan de Mistura told reporters in Geneva.

He said the plan to evacuate the wounded had been "a disgrace to all of us".

"We will see," he added when asked whether talks would resume.
"""
GUARDIAN = """UN envoy says eastern Aleppo may be gone by Christmas

The United Nations special envoy for Syria, Staffan de Mistura, spoke in Geneva on Thursday as the bombardment went on.

“The situation in Eastern Aleppo is catastrophic … By Christmas there may be nothing left,” he said.

“The situation in eastern Aleppo is catastrophic”

“What is happening to the wounded is a disgrace to all of us, and to this council,” de Mistura said.

De Mistura said the failure to evacuate the wounded was “a disgrace”.

Russia's foreign minister, Sergei Lavrov, was unmoved. “We will see,” Lavrov said.

“Not this week,” Lavrov added.
"""
ARTICLES = (
    ArticleInput(body=AFP, source="afp.txt", published=dt.date(2016, 10, 6), publisher="AFP"),
    ArticleInput(body=GUARDIAN, source="guardian.txt", published=dt.date(2016, 10, 7),
                 publisher="The Guardian"),
)
CHRISTMAS = frozenset({
    ("afp.txt", "The situation in eastern Aleppo is catastrophic, and by Christmas there may "
     "be nothing left of it,"),
    ("guardian.txt", "The situation in Eastern Aleppo is catastrophic … By Christmas there may "
     "be nothing left,"),
    ("guardian.txt", "The situation in eastern Aleppo is catastrophic"),
})
DISGRACE = frozenset({
    ("afp.txt", 'the plan to evacuate the wounded had been "a disgrace to all of us"'),
    ("guardian.txt", "What is happening to the wounded is a disgrace to all of us, and to this "
     "council,"),
    ("guardian.txt", "the failure to evacuate the wounded was “a disgrace”"),
})
EXPECTED = {
    CHRISTMAS,
    DISGRACE,
    frozenset({("afp.txt", "We will see,")}),  # de Mistura's, by pronoun
    frozenset({("guardian.txt", "We will see,")}),  # Lavrov's: the same words, not his quote
    frozenset({("guardian.txt", "Not this week,")}),
}


def _said(pk: int, text: str, kind: str = "DIRECT", speaker: int | None = 1,
          article: int = 1) -> Said:
    form = form_of(text, kind)
    assert form is not None
    return Said(pk, article, speaker, form)


# --- the forms and the match, without a database -----------------------------------------


def test_words_drop_case_marks_and_punctuation_and_break_at_dashes() -> None:
    assert words("“It’s OVER—for now,” he said... U.S.-backed") == (
        "its", "over", "for", "now", "he", "said", "us", "backed"
    )


def test_a_direct_form_is_cut_at_ellipses_and_a_partial_one_is_its_quoted_fragments() -> None:
    direct = form_of("We will rebuild Aleppo … every street of it", "DIRECT")
    mixed = form_of('the plan was "a disgrace" and "a farce", he said "no"', "MIXED")
    assert (direct, mixed, form_of("the plan would fail", "INDIRECT")) == (
        dataclasses.replace(direct, segments=(("we", "will", "rebuild", "aleppo"),
                                              ("every", "street", "of", "it"))) if direct else None,
        dataclasses.replace(mixed, segments=(("a", "disgrace"),)) if mixed else None,
        None,
    )
    assert direct is not None and mixed is not None
    assert (direct.partial, mixed.partial) == (False, True)


def test_a_form_counts_its_words_and_characters_as_joined_by_single_spaces() -> None:
    form = form_of("We will rebuild Aleppo … every street of it", "DIRECT")
    mixed = form_of('the plan was "a total disgrace" and "an utter farce", he said', "MIXED")
    assert form is not None and mixed is not None
    assert [(f.word_count, f.chars) for f in (form, mixed)] == [
        (8, len("we will rebuild aleppo every street of it")),
        (6, len("a total disgrace an utter farce")),
    ]
    assert (len(form.shingles), form.fingerprints <= form.shingles) == (4, True)


def test_a_quote_said_once_is_derived_by_the_same_rules_as_one_said_often() -> None:
    day = dt.date(2016, 12, 13)
    shown = Member(5, 2, 10, "We will win, ", 3, None, day)
    gone = Member(6, 2, 40, "We will win", None, dt.datetime(2026, 1, 1), day)
    assert [derived([shown]), derived([gone]), derived([shown, gone])] == [
        {"first_statement_id": 5, "first_seen": day, "appearances": 1, "article_count": 1,
         "text": "We will win", "speaker_id": 3},
        {"first_statement_id": 6, "first_seen": None, "appearances": 0, "article_count": 0,
         "text": "We will win", "speaker_id": None},
        {"first_statement_id": 5, "first_seen": day, "appearances": 1, "article_count": 1,
         "text": "We will win", "speaker_id": 3},
    ]


def test_cut_recased_and_repunctuated_copies_match_both_ways() -> None:
    full = _said(1, "The situation in eastern Aleppo is catastrophic, and by Christmas there "
                 "may be nothing left of it.")
    cut = _said(2, "the situation in Eastern Aleppo is catastrophic … by Christmas, there may "
                "be nothing left", article=2)
    assert (matches(full, cut), matches(cut, full)) == (True, True)


def test_stock_phrases_fragments_and_other_speakers_do_not_match() -> None:
    see = _said(1, "We will see,")
    see_too = _said(2, "We will see,", article=2)
    lavrov = _said(3, "The situation in eastern Aleppo is catastrophic", speaker=2, article=2)
    mistura = _said(4, "The situation in eastern Aleppo is catastrophic", speaker=1, article=3)
    assert (matches(see, see_too), matches(lavrov, mistura)) == (False, False)


def test_an_unknown_speaker_matches_only_within_its_own_article() -> None:
    body = _said(1, "The situation in eastern Aleppo is catastrophic", speaker=7, article=1)
    pull = _said(2, "The situation in eastern Aleppo is catastrophic", speaker=None, article=1)
    elsewhere = _said(3, "The situation in eastern Aleppo is catastrophic", speaker=None, article=2)
    assert (matches(body, pull), matches(body, elsewhere), matches(pull, elsewhere)) == (
        True, False, False
    )


def test_a_partial_quote_matches_a_direct_quote_holding_its_words() -> None:
    full = _said(1, "What is happening to the wounded is a disgrace to all of us")
    partial = _said(2, 'the plan was "a disgrace"', kind="MIXED", article=2)
    other = _said(3, "The wounded must be evacuated now, whatever the cost", article=3)
    short = _said(4, 'the plan was "bad"', kind="MIXED", article=4)  # below the fragment minimum
    assert (matches(partial, full), matches(full, partial), matches(partial, other),
            matches(short, full)) == (True, True, False, False)


# --- through the write path -------------------------------------------------------------


async def _write(engine: AsyncEngine, articles: Iterable[ArticleInput]) -> None:
    writer = ArticleWriter(session_factory(engine))
    for item in articles:
        await writer.write(item, extract_article(item.body, title=item.title))


async def _partition(engine: AsyncEngine) -> set[frozenset[tuple[str, str]]]:
    """The quotes, each as its visible statements' (article source, text)."""
    async with session_factory(engine)() as session:
        rows = await session.exec(
            select(Statement.quote_id, Article.source, Statement.text)
            .join(Article, col(Article.id) == Statement.article_id)
            .where(col(Statement.quote_id).is_not(None), col(Statement.deleted_at).is_(None))
        )
        groups: dict[int, set[tuple[str, str]]] = {}
        for quote_id, source, text in rows.all():
            assert quote_id is not None and source is not None
            groups.setdefault(quote_id, set()).add((source, text))
    return {frozenset(group) for group in groups.values()}


async def _keys(engine: AsyncEngine) -> set[frozenset[tuple[str, int]]]:
    """The quotes, each as its statements' (article content hash, start): comparable
    across loads whatever ids the rows got."""
    async with session_factory(engine)() as session:
        rows = await session.exec(
            select(Statement.quote_id, Article.content_hash, Statement.start)
            .join(Article, col(Article.id) == Statement.article_id)
            .where(col(Statement.quote_id).is_not(None))
        )
        groups: dict[int, set[tuple[str, int]]] = {}
        for quote_id, content_hash, start in rows.all():
            assert quote_id is not None
            groups.setdefault(quote_id, set()).add((content_hash, start))
    return {frozenset(group) for group in groups.values()}


async def test_wire_copy_and_its_rewrite_make_the_expected_quotes(engine: AsyncEngine) -> None:
    await _write(engine, ARTICLES)
    assert await _partition(engine) == EXPECTED


async def test_quotes_carry_the_first_appearance_and_the_fullest_text(
    engine: AsyncEngine,
) -> None:
    await _write(engine, reversed(ARTICLES))  # the Guardian stored first, published later
    async with session_factory(engine)() as session:
        quotes = (await session.exec(select(Quote).order_by(col(Quote.appearances).desc(),
                                                            col(Quote.text)))).all()
        first = await session.get(Statement, quotes[0].first_statement_id)
        assert first is not None
        firsts = (await session.get(Article, first.article_id), first.text)
    assert [(q.text, q.appearances, q.article_count, q.first_seen) for q in quotes[:2]] == [
        ("The situation in eastern Aleppo is catastrophic, and by Christmas there may be "
         "nothing left of it", 3, 2, dt.date(2016, 10, 6)),
        ("What is happening to the wounded is a disgrace to all of us, and to this council",
         3, 2, dt.date(2016, 10, 6)),
    ]
    assert firsts[0] is not None
    assert (firsts[0].source, firsts[1]) == ("afp.txt", next(t for s, t in CHRISTMAS
                                                             if s == "afp.txt"))


SHAMEFUL = (
    ArticleInput(body="Envoy condemns evacuation plan\n\nGENEVA - The UN envoy for Syria, Staffan "
                 "de Mistura, said on Thursday that the evacuation plan was \"utterly "
                 "shameful\".\n", source="first.txt"),
    ArticleInput(body="Envoy speaks in Geneva\n\n\"What we saw today was utterly "
                 "shameful for this council,\" Staffan de Mistura told reporters.\n",
                 source="later.txt"),
)


@pytest.mark.parametrize("order", [1, -1], ids=["partial-first", "full-first"])
async def test_a_short_partial_quote_and_its_full_quote_join_from_separate_writes(
    engine: AsyncEngine, order: int
) -> None:
    """Two words have no shingle: the stored one is found by its speaker alone."""
    await _write(engine, SHAMEFUL[::order])
    assert await _partition(engine) == {frozenset({
        ("first.txt", 'the evacuation plan was "utterly shameful"'),
        ("later.txt", "What we saw today was utterly shameful for this council,"),
    })}


async def test_a_pull_quote_repeating_the_body_joins_its_quote(engine: AsyncEngine) -> None:
    await _write(engine, ARTICLES[1:])
    partition = await _partition(engine)
    assert {frozenset(s for s in CHRISTMAS if s[0] == "guardian.txt")} <= partition


async def test_the_partition_does_not_depend_on_load_order_or_batches(
    engine: AsyncEngine,
) -> None:
    articles = [*ARTICLES, *_copies()]
    await load_articles(engine, reversed(articles), jobs=1, batch=2, extractor=extract)
    backwards = await _keys(engine)
    async with engine.begin() as connection:
        for table in ("quote_fingerprint", "statement_location", "statement_mention",
                      "article_actor", "article_location", "statement", "quote"):
            await connection.exec_driver_sql(f"DELETE FROM {table}")
        await connection.exec_driver_sql("DELETE FROM article")
    await load_articles(engine, articles, jobs=2, batch=50, extractor=extract)
    assert await _keys(engine) == backwards
    assert len([group for group in backwards if len(group) > 1]) == 2


def _copies() -> list[ArticleInput]:
    """A third outlet running the wire copy with a new headline and a closing line."""
    body = AFP.replace("Aleppo: UN envoy warns of catastrophe", "Envoy fears for Aleppo")
    return [ArticleInput(body=body + "\nReporting by staff.\n", source="copy.txt")]


# --- re-extraction ------------------------------------------------------------------------


def _without(text: str) -> object:
    """A 'newer extractor' that no longer finds the statements whose text holds `text`."""
    def run(body: str, *, title: str | None = None) -> Extraction:
        found = extract_article(body, title=title)
        kept = tuple(s for s in found.statements
                     if text not in body[s.span.start : s.span.end])
        return dataclasses.replace(found, statements=kept)
    return run


async def test_reextract_splits_a_quote_only_the_removed_statement_held_together(
    engine: AsyncEngine,
) -> None:
    """The Guardian's partial quote ("a disgrace") and the AFP's ("a disgrace to all of us")
    are one quote only through the Guardian's full sentence; re-extraction without it
    leaves them apart."""
    await _write(engine, ARTICLES)
    report = await reextract(engine, extract=_without("and to this council"))  # type: ignore[arg-type]
    assert str(report) == "added 0, changed 0, removed 1"
    partition = await _partition(engine)
    assert {frozenset({s}) for s in DISGRACE if "council" not in s[1]} <= partition
    assert CHRISTMAS in partition
    async with session_factory(engine)() as session:
        held = (await session.exec(select(QuoteFingerprint.statement_id))).all()
        ids = (await session.exec(select(Statement.id))).all()
    assert set(held) <= set(ids)


async def test_reextract_keeps_a_statement_a_person_detached(engine: AsyncEngine) -> None:
    await _write(engine, ARTICLES)
    cut = "The situation in eastern Aleppo is catastrophic"
    async with session_factory(engine)() as session, session.begin():  # as detachStatement does
        quote = Quote(text=cut, appearances=1, article_count=1)
        session.add(quote)
        await session.flush()
        await session.exec(
            update(Statement).where(col(Statement.text) == cut)  # type: ignore[call-overload]
            .values(quote_id=quote.id, quote_edited_at=dt.datetime.now(dt.UTC))
        )
        await recount(session, [quote.id or 0])
    detached = (CHRISTMAS - {("guardian.txt", cut)}, frozenset({("guardian.txt", cut)}))
    report = await reextract(engine)
    assert str(report) == "added 0, changed 0, removed 0"
    assert set(detached) <= await _partition(engine)
    await _write(engine, _copies())  # a later ingest matching it does not take it back
    partition = await _partition(engine)
    assert frozenset({("guardian.txt", cut)}) in partition


# --- recount ------------------------------------------------------------------------------


async def test_recount_skips_tombstones_and_deletes_an_empty_quote(engine: AsyncEngine) -> None:
    await _write(engine, ARTICLES)
    async with session_factory(engine)() as session, session.begin():
        afp = (await session.exec(select(Statement).where(
            col(Statement.text).startswith("The situation in eastern Aleppo is catastrophic, and")
        ))).one()
        quote_id = afp.quote_id
        assert quote_id is not None
        afp.deleted_at = dt.datetime.now(dt.UTC)
        session.add(afp)
        empty = Quote(text="nothing", appearances=5, article_count=5)
        session.add(empty)
        await session.flush()
        await recount(session, [quote_id, empty.id or 0])
    async with session_factory(engine)() as session:
        quote = await session.get(Quote, quote_id)
        assert quote is not None
        assert (quote.text, quote.appearances, quote.article_count, quote.first_seen) == (
            "The situation in Eastern Aleppo is catastrophic … By Christmas there may be "
            "nothing left", 2, 1, dt.date(2016, 10, 7)
        )
        assert await session.get(Quote, empty.id) is None



async def test_new_quotes_are_made_whole_as_recount_would(engine: AsyncEngine) -> None:
    """`create` (a batch's new quotes) and `recount` derive the same columns."""
    await _write(engine, ARTICLES)
    columns = (Quote.id, Quote.text, Quote.speaker_id, Quote.first_statement_id,
               Quote.first_seen, Quote.appearances, Quote.article_count)
    async with session_factory(engine)() as session:
        created = (await session.exec(select(*columns).order_by(col(Quote.id)))).all()
    async with session_factory(engine)() as session, session.begin():
        await recount(session, [row[0] for row in created])
    async with session_factory(engine)() as session:
        assert (await session.exec(select(*columns).order_by(col(Quote.id)))).all() == created
    assert [row[5] for row in created] == [3, 3, 1, 1, 1]


async def test_a_statement_matching_two_quotes_joins_them(engine: AsyncEngine) -> None:
    """Two cuts of one sentence that do not match each other are two quotes, until the
    full sentence arrives: then one quote, under the lower id."""
    def article(name: str, words: str) -> ArticleInput:
        return ArticleInput(body=f'Staffan de Mistura spoke in Geneva.\n\n"{words}," de Mistura '
                            "told reporters on Thursday.\n", source=name)
    first = "The situation in eastern Aleppo is catastrophic and the world has looked away"
    second = "the world has looked away while the civilians of Aleppo were left to starve"
    full = f"{first} while the civilians of Aleppo were left to starve"
    await _write(engine, [article("a.txt", first), article("b.txt", second)])
    assert len(await _partition(engine)) == 2
    await _write(engine, [article("c.txt", full)])
    assert await _partition(engine) == {frozenset({
        ("a.txt", f"{first},"), ("b.txt", f"{second},"), ("c.txt", f"{full},")
    })}
    async with session_factory(engine)() as session:
        assert (await session.exec(select(Quote.id, Quote.appearances))).all() == [(1, 3)]
