"""Actor phrases: names, titles, affiliations, kinds, and merging within an article."""
from __future__ import annotations

import pytest

from api.extract.actors import (
    ActorTable,
    Mention,
    classify_name,
    name_spans,
    parse_mention,
    pronoun_kinds,
)
from api.extract.results import ActorKind, ActorRef, Span


def _parse(phrase: str) -> Mention:
    mention = parse_mention(phrase, Span(0, len(phrase)))
    assert mention is not None
    return mention


def test_title_before_a_person() -> None:
    mention = _parse("Foreign Minister Sergei Lavrov")
    assert (mention.name, mention.kind, mention.title) == (
        "Sergei Lavrov", ActorKind.PERSON, "Foreign Minister"
    )
    assert mention.span == Span(17, 30)


def test_demonym_gives_the_affiliation_and_the_rest_the_title() -> None:
    mention = _parse("Russian defence ministry spokesman Igor Konashenkov")
    assert (mention.name, mention.title) == ("Igor Konashenkov", "defence ministry spokesman")
    assert mention.affiliation is not None
    assert (mention.affiliation.name, mention.affiliation.kind) == ("Russia", ActorKind.GOVERNMENT)


def test_of_the_organisation_is_the_affiliation() -> None:
    mention = _parse("Yasser al-Youssef of the Nour al-Deen al-Zinki rebel group")
    assert mention.name == "Yasser al-Youssef"
    assert mention.affiliation is not None
    assert (mention.affiliation.name, mention.affiliation.kind) == (
        "Nour al-Deen al-Zinki", ActorKind.ORGANIZATION
    )


def test_appositive_is_the_role_when_there_is_no_title() -> None:
    mention = _parse("Lawrence H. Summers, a former Treasury secretary")
    assert (mention.name, mention.title) == ("Lawrence H. Summers", "former Treasury secretary")


def test_title_with_a_place_inside() -> None:
    mention = _parse("former South Carolina Gov. Jim Hodges")
    assert (mention.name, mention.kind) == ("Jim Hodges", ActorKind.PERSON)


@pytest.mark.parametrize(
    ("phrase", "name", "kind"),
    [
        ("Both officials", "Both officials", ActorKind.GROUP),
        ("Two of Aleppo's leading rebel groups", "Two of Aleppo's leading rebel groups",
         ActorKind.GROUP),
        ("opposition sources", "opposition sources", ActorKind.UNNAMED),
        ("a senior official", "a senior official", ActorKind.UNNAMED),
        ("Pro-regime media", "Pro-regime media", ActorKind.UNNAMED),
        ("nine in 10", "nine in 10", ActorKind.GROUP),
        ("Russia", "Russia", ActorKind.GOVERNMENT),
        ("Moscow", "Moscow", ActorKind.GOVERNMENT),
        ("the State Department", "State Department", ActorKind.GOVERNMENT),
        ("the Jaish al-Islam", "Jaish al-Islam", ActorKind.ORGANIZATION),
        ("AFP", "AFP", ActorKind.MEDIA),
        ("Fox News", "Fox News", ActorKind.MEDIA),
    ],
)
def test_kinds(phrase: str, name: str, kind: ActorKind) -> None:
    mention = _parse(phrase)
    assert (mention.name, mention.kind) == (name, kind)


def test_pronoun_is_kept_as_a_pronoun() -> None:
    mention = _parse("he")
    assert (mention.pronoun, mention.span) == (True, Span(0, 2))


def test_clause_fragments_are_not_speakers() -> None:
    assert parse_mention("which", Span(0, 5)) is None


def test_classify_name() -> None:
    assert classify_name("The New York Post") == ActorKind.MEDIA
    assert classify_name("Democratic National Committee") == ActorKind.ORGANIZATION
    assert classify_name("Justice Department") == ActorKind.GOVERNMENT
    assert classify_name("Hillary Clinton") == ActorKind.PERSON


def test_surname_merges_with_the_full_name() -> None:
    table = ActorTable()
    short = Mention(Span(40, 46), "Lavrov", ActorKind.PERSON)
    full = Mention(Span(0, 13), "Sergei Lavrov", ActorKind.PERSON, title="Foreign Minister")
    table.add(short)
    table.add(full)
    (actor,) = table.actors()
    assert (actor.key, actor.name, actor.aliases, actor.title, actor.mentions) == (
        "sergei lavrov", "Sergei Lavrov", ("Lavrov",), "Foreign Minister",
        (Span(0, 13), Span(40, 46)),
    )
    assert table.key_of(short) == "sergei lavrov"


def test_affiliation_becomes_an_actor_and_a_key() -> None:
    table = ActorTable()
    group = Mention(Span(20, 34), "Jaish al-Islam", ActorKind.ORGANIZATION)
    table.add(Mention(Span(0, 10), "Abu Hamawi", ActorKind.PERSON, affiliation=group))
    person, organisation = table.actors()
    assert (person.affiliation, organisation.key, organisation.kind) == (
        "jaish al-islam", "jaish al-islam", ActorKind.ORGANIZATION
    )


def test_name_spans_find_names_aliases_and_surnames() -> None:
    text = "Sergei Lavrov spoke. Lavrov left; AFP wrote. Lavrovsky stayed."
    actors = (
        ActorRef("sergei lavrov", "Sergei Lavrov", ActorKind.PERSON),
        ActorRef("afp", "AFP", ActorKind.MEDIA),
        ActorRef("both officials", "Both officials", ActorKind.GROUP),
    )
    assert name_spans(text, [Span(0, len(text))], actors) == {
        "sergei lavrov": [Span(0, 13), Span(21, 27)],
        "afp": [Span(34, 37)],
    }


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("The Denver Post", ActorKind.MEDIA),
        ("Des Moines Register", ActorKind.MEDIA),
        ("Hill TV", ActorKind.MEDIA),
        ("Post", ActorKind.PERSON),  # one word: could be anyone's name
        ("Press Secretary", ActorKind.PERSON),
        ("Environmental Protection Agency", ActorKind.ORGANIZATION),
    ],
)
def test_outlet_like_names_are_media(name: str, kind: ActorKind) -> None:
    assert classify_name(name) == kind


def test_possessive_pronouns_stand_for_what_their_subject_forms_do() -> None:
    assert pronoun_kinds("his") == pronoun_kinds("he") == frozenset({ActorKind.PERSON})
    assert pronoun_kinds("its") == pronoun_kinds("it")


@pytest.mark.parametrize(
    ("phrase", "name", "title"),
    [
        ("Foreign Minister Sergei Lavrov", "Sergei Lavrov", "Foreign Minister"),
        ("Colonel Natalia Okafor", "Natalia Okafor", "Colonel"),
        ("Mayor Mona Vasquez", "Mona Vasquez", "Mayor"),
        ("General Omar Haddad", "Omar Haddad", "General"),
        ("Prime Minister George Baraka", "George Baraka", "Prime Minister"),
        ("Interior Minister Nabil Fischer-Gallagher", "Nabil Fischer-Gallagher", "Interior Minister"),
        ("Deputy Foreign Minister Nadia Rahimi", "Nadia Rahimi", "Deputy Foreign Minister"),
    ],
)
def test_military_and_civic_titles_are_peeled_like_ministers(
    phrase: str, name: str, title: str
) -> None:
    mention = parse_mention(phrase, Span(0, len(phrase)))
    assert mention is not None
    assert (mention.name, mention.title, mention.span.text(phrase), mention.kind) == (
        name, title, name, ActorKind.PERSON
    )
