"""Finding the speaker of a cue, and what a pronoun stands for."""
from __future__ import annotations

import re

from api.extract.actors import Mention
from api.extract.cues import Cue, find_cues
from api.extract.gender import Gender
from api.extract.quotes import find_quotes
from api.extract.results import ActorKind, Span
from api.extract.speakers import (
    according_source,
    colon_speaker,
    find_speaker,
    possessive_speaker,
    possessor,
    resolve_pronoun,
    resolve_role,
)


def _cue(text: str, word: str) -> Cue:
    return next(c for c in find_cues(text) if c.span.text(text).endswith(word))


def _speaker(text: str, word: str = "said") -> tuple[str, str] | None:
    whole = Span(0, len(text))
    quotes = find_quotes(text, [whole])
    mention = find_speaker(text, whole, _cue(text, word), quotes)
    return None if mention is None else (mention.span.text(text), mention.name)


def test_speaker_before_the_cue() -> None:
    assert _speaker("Foreign Minister Sergei Lavrov said they would go.") == (
        "Sergei Lavrov", "Sergei Lavrov"
    )


def test_leading_adverbial_is_not_the_speaker() -> None:
    assert _speaker("Meanwhile, opposition sources said rebels held.") == (
        "opposition sources", "opposition sources"
    )
    assert _speaker("In another comment, Abu Hamawi said no.") == ("Abu Hamawi", "Abu Hamawi")


def test_inverted_speaker_with_appositive() -> None:
    text = '"We will win," said Rep. Jerry Nadler, a Democrat from New York.'
    assert _speaker(text) == ("Jerry Nadler", "Jerry Nadler")


def test_name_with_appositives_before_the_cue() -> None:
    assert _speaker("Yin Myint May, 60, a doctor, said she was elated.") == (
        "Yin Myint May", "Yin Myint May"
    )


def test_quote_before_speaker_is_not_part_of_the_speaker() -> None:
    assert _speaker('"Those groups will be terrorists," Lavrov said.') == ("Lavrov", "Lavrov")


def test_subject_of_coordinated_verbs() -> None:
    text = "Two rebel groups have ruled out the plan and said they would fight."
    assert _speaker(text) == ("Two rebel groups", "Two rebel groups")


def test_subordinate_clause_subject() -> None:
    assert _speaker("Rebels stayed despite Russia warning it would act.", "warning") == (
        "Russia", "Russia"
    )


def test_relative_pronoun_stands_for_its_antecedent() -> None:
    assert _speaker("Cruz, who says Trump is scared, spoke.", "says") == ("who", "Cruz")


def test_pronoun_speaker_keeps_its_offsets() -> None:
    assert _speaker('"This is our land," he said.') == ("he", "he")


def test_no_speaker_for_a_clause_fragment() -> None:
    assert _speaker("And then said nothing.") is None


def test_colon_before_a_quote() -> None:
    text = 'Lavrov: "We will act."'
    whole = Span(0, len(text))
    (quote,) = find_quotes(text, [whole])
    mention = colon_speaker(text, whole, quote)
    assert mention is not None and mention.name == "Lavrov"


def test_possessive_of_a_noun_cue() -> None:
    text = "It followed Lavrov's earlier announcement that talks would start."
    mention = possessive_speaker(text, Span(0, len(text)), _cue(text, "announcement"))
    assert mention is not None and mention.span.text(text) == "Lavrov"


def test_according_to_source_and_phrase() -> None:
    text = "Talks will start, according to a new poll released Tuesday."
    source, phrase = according_source(text, Span(0, len(text)), _cue(text, "according to"))
    assert source is not None and source.name == "a new poll"
    assert phrase.text(text) == "according to a new poll"


def _mention(name: str, kind: ActorKind, start: int) -> Mention:
    return Mention(Span(start, start + len(name)), name, kind)


def test_pronoun_resolves_to_the_nearest_compatible_actor() -> None:
    earlier = [
        _mention("Yasser al-Youssef", ActorKind.PERSON, 0),
        _mention("Jaish al-Islam", ActorKind.ORGANIZATION, 40),
    ]
    he = Mention(Span(90, 92), "he", ActorKind.PERSON, pronoun=True)
    it = Mention(Span(95, 97), "it", ActorKind.PERSON, pronoun=True)
    we = Mention(Span(99, 101), "we", ActorKind.PERSON, pronoun=True)
    resolved = [resolve_pronoun(p, earlier) for p in (he, it, we)]
    assert [m.name if m else None for m in resolved] == [
        "Yasser al-Youssef", "Jaish al-Islam", None
    ]


def test_every_word_of_a_long_sentence_is_scanned_once() -> None:
    text = " ".join(["Officials said the talks failed."] * 3)
    assert len(re.findall("said", text)) == len(find_cues(text))


def test_pronoun_skips_people_of_the_other_gender() -> None:
    jane = _mention("Jane Roe", ActorKind.PERSON, 0)
    mark = _mention("Mark Doe", ActorKind.PERSON, 20)
    she = Mention(Span(40, 43), "she", ActorKind.PERSON, pronoun=True)
    genders = {"Jane Roe": Gender.FEMALE, "Mark Doe": Gender.MALE}
    assert resolve_pronoun(she, [jane, mark]) == mark  # without genders: the nearest
    assert resolve_pronoun(she, [jane, mark], lambda m: genders[m.name]) == jane


def test_their_stands_for_a_group_not_a_person() -> None:
    group = _mention("the rebels", ActorKind.GROUP, 0)
    person = _mention("Mark Doe", ActorKind.PERSON, 20)
    their = Mention(Span(40, 45), "their", ActorKind.PERSON, pronoun=True)
    assert resolve_pronoun(their, [group, person]) == group


def test_possessor_is_a_name_or_a_possessive_pronoun() -> None:
    found = []
    for text in ("Lee's push for calm", "Then his push for calm", "Their push for calm"):
        mention = possessor(text, Span(0, len(text)), _cue(text, "for"))
        found.append(None if mention is None else (mention.span.text(text), mention.pronoun))
    assert found == [("Lee", False), ("his", True), ("Their", True)]


def test_role_resolves_to_a_person_with_that_title() -> None:
    senator = Mention(Span(0, 8), "Jane Roe", ActorKind.PERSON, title="Sen.")
    governor = Mention(Span(20, 28), "Mark Doe", ActorKind.PERSON, title="Gov.")
    the_senator = Mention(Span(40, 51), "the senator", ActorKind.UNNAMED)
    the_mayor = Mention(Span(40, 49), "the mayor", ActorKind.UNNAMED)
    assert resolve_role(the_senator, [senator, governor]) == senator
    assert resolve_role(the_mayor, [senator, governor]) is None
    assert resolve_role(the_mayor, [senator, governor], lambda m: "Mayor") == governor


def test_subject_is_the_first_name_before_its_appositives() -> None:
    assert _speaker("Jo Roe, 22, of Flint, Mich., said she would vote.") == ("Jo Roe", "Jo Roe")
    assert _speaker("Al Vian, editor of the paper, La Stampa, said it was over.") == (
        "Al Vian", "Al Vian"
    )
    assert _speaker("But Ann Lee, head of the group, which ran the poll, said no.") == (
        "Ann Lee", "Ann Lee"
    )


def test_a_name_is_preferred_over_its_description() -> None:
    assert _speaker("The interior minister, Jean Roux, said it was calm.") == (
        "Jean Roux", "Jean Roux"
    )


def test_openers_before_the_subject_are_skipped() -> None:
    assert _speaker("Alarmed by the unrest in Ohio, Senator Tom Hale said he spoke.") == (
        "Tom Hale", "Tom Hale"
    )
    assert _speaker("In a court in Salem, Ore., Dale Fry, in a grey suit, said little.") == (
        "Dale Fry", "Dale Fry"
    )


def test_subordinator_before_a_subject_is_no_part_of_it() -> None:
    text = "He gave talks, in which he could tell stories."
    assert _speaker(text, "tell") == ("he", "he")
    assert _speaker("Although she said no, Roe came.") == ("she", "she")


def test_relative_clause_inside_an_appositive_opens_no_subject() -> None:
    assert _speaker("Mary Sue, clad in a cape that formed the name Lee, said no.") == (
        "Mary Sue", "Mary Sue"
    )
    assert _speaker("Jo Roe, whose firm, Acme, makes tools, said no.") == ("Jo Roe", "Jo Roe")


def test_adverb_before_the_cue_is_no_piece_of_the_subject() -> None:
    text = "Bo Roe, author of a book, a lively read, first pointed out that he won."
    assert _speaker(text, "pointed out") == ("Bo Roe", "Bo Roe")


def test_a_capitalised_word_in_ly_is_a_name_not_an_adverb() -> None:
    assert _speaker("Told of the poll, Early described it as news.", "described") == (
        "Early", "Early"
    )


def test_inverted_speaker_after_lower_case_role_words() -> None:
    assert _speaker('"We will win," said pollster Jo Roe.') == ("Jo Roe", "Jo Roe")
    assert _speaker('"It was shown," said by a troupe from Lima.') is None


def test_subject_of_a_verb_coordinated_after_a_comma() -> None:
    text = "On Monday, Jo Roe praised the plan, and later suggested that it would pass."
    assert _speaker(text, "suggested") == ("Jo Roe", "Jo Roe")


def test_aside_between_dashes_before_the_cue() -> None:
    assert _speaker("Jo Roe \u2014 after a long pause \u2014 said that taxes fell.") == (
        "Jo Roe", "Jo Roe"
    )
    assert _speaker("The mayor and others - including many experts - want more police.",
                    "want") == ("The mayor and others", "The mayor and others")


def test_pronoun_after_and_is_the_subject() -> None:
    text = "Roe said the spies hacked the party and she accused Moscow of lying."
    assert _speaker(text, "accused") == ("she", "she")


def test_adverbs_and_auxiliaries_left_of_the_cue() -> None:
    assert _speaker("Jo Roe once defended the plan as fair.", "defended") == ("Jo Roe", "Jo Roe")
    assert _speaker("Few voters would ever admit that they lost.", "admit") == (
        "Few voters", "Few voters"
    )


def test_a_subject_inside_a_quotation_starts_after_its_sentence_break() -> None:
    # The sentence splitter keeps a quotation whole; its subject still stops at "."
    text = '"We welcome the plan. We have said this many times," Mayor Jo Roe noted.'
    assert _speaker(text, "have said") == ("We", "We")


def test_a_subject_never_reaches_back_over_a_sentence_break() -> None:
    text = "The talks ended. Prime Minister Jo Roe said more would follow."
    whole = Span(0, len(text))
    mention = find_speaker(text, whole, _cue(text, "said"), [])
    assert mention is not None
    assert (mention.span.text(text), mention.name, mention.title) == (
        "Jo Roe", "Jo Roe", "Prime Minister"
    )
