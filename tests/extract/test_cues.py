"""The cue lexicon: reporting verbs in every tense, nouns and "according to"."""
from __future__ import annotations

import pytest

from api.extract.cues import CueKind, find_cues, inflections, lemma_of


def _cues(text: str) -> list[tuple[str, str, CueKind]]:
    return [(c.span.text(text), c.lemma, c.kind) for c in find_cues(text)]


@pytest.mark.parametrize(
    ("lemma", "forms"),
    [
        ("say", ("say", "says", "said", "saying")),
        ("warn", ("warn", "warns", "warned", "warning")),
        ("deny", ("deny", "denies", "denied", "denying")),
        ("argue", ("argue", "argues", "argued", "arguing")),
        ("admit", ("admit", "admits", "admitted", "admitting")),
        ("stress", ("stress", "stresses", "stressed", "stressing")),
        ("slam", ("slam", "slams", "slammed", "slamming")),
    ],
)
def test_inflections(lemma: str, forms: tuple[str, ...]) -> None:
    assert inflections(lemma) == forms


def test_lemma_of_inflected_and_unknown_words() -> None:
    assert (lemma_of("Told"), lemma_of("believes"), lemma_of("table")) == ("tell", "believe", None)


def test_auxiliaries_and_negation_belong_to_the_cue() -> None:
    text = "Trump has praised Putin. She would not say. He hasn't denied it."
    assert _cues(text) == [
        ("has praised", "praise", CueKind.VERB),
        ("would not say", "say", CueKind.VERB),
        ("hasn't denied", "deny", CueKind.VERB),
    ]


def test_adverb_between_subject_and_verb_is_not_part_of_the_cue() -> None:
    assert _cues("Lavrov also said so.") == [("said", "say", CueKind.VERB)]


def test_noun_forms_after_a_determiner_are_not_verbs() -> None:
    assert _cues("The report said a plan to leave was a mess.") == [("said", "say", CueKind.VERB)]


def test_ambiguous_form_reads_as_verb_before_to_or_after_pronoun() -> None:
    assert _cues("They plan to leave.") == [("plan", "plan", CueKind.VERB)]
    assert _cues("Sanders plans to run.") == [("plans", "plan", CueKind.VERB)]
    assert _cues("A Moscow-sponsored plan to withdraw.") == []


def test_passive_is_not_a_cue_but_progressive_is() -> None:
    assert _cues("The fee was not disclosed. He was saying no.") == [
        ("was saying", "say", CueKind.VERB)
    ]


def test_reporting_noun_with_possessive_and_according_to() -> None:
    text = "Lavrov's earlier announcement came, according to Reuters."
    assert _cues(text) == [
        ("announcement", "announcement", CueKind.NOUN),
        ("according to", "according to", CueKind.ACCORDING),
    ]


def test_participle_flag() -> None:
    text = "He spoke, indicating talks would start."
    (cue,) = find_cues(text)
    assert (cue.lemma, cue.participle) == ("indicate", True)


def test_range_limits_the_search() -> None:
    text = "He said no. She said yes."
    assert [c.span.start for c in find_cues(text, 12)] == [16]


def test_hedges_are_stance_cues_only_before_what_they_hedge() -> None:
    text = "Lee seemed lost. She appears to lead. Polls are expected to move. Lee appeared on TV."
    assert _cues(text) == [
        ("seemed", "seem", CueKind.STANCE),
        ("appears", "appear", CueKind.STANCE),
        ("are expected", "expect", CueKind.STANCE),
    ]


def test_a_verb_takes_its_particle_and_some_verbs_need_one() -> None:
    text = "Lee called for calm and pointed to polls. He pointed at Ann and talked."
    assert _cues(text) == [
        ("called for", "call", CueKind.VERB),
        ("pointed to", "point", CueKind.VERB),
    ]


def test_owned_noun_with_its_preposition() -> None:
    text = "Lee's attacks on Ann and his push for calm. A push for calm. His push to win."
    assert _cues(text) == [
        ("attacks on", "attacks", CueKind.NOUN),
        ("push for", "push", CueKind.NOUN),
    ]


def test_forms_that_seldom_report_are_not_cues() -> None:
    text = "Lee knew it and felt fine. Lee knows it."
    assert _cues(text) == [("knows", "know", CueKind.VERB)]


def test_state_is_a_noun_and_reject_needs_a_verb_context() -> None:
    text = "The United States stated it. Rebels reject plan. They reject it."
    assert _cues(text) == [
        ("stated", "state", CueKind.VERB),
        ("reject", "reject", CueKind.VERB),
    ]


def test_asked_before_a_question_is_a_cue_when_passive_or_opening() -> None:
    text = "Asked whether he ran, Lee was asked about it. Lee asked about it."
    assert [c for c in _cues(text) if c[2] == CueKind.ASKED] == [
        ("Asked", "ask", CueKind.ASKED),
        ("was asked", "ask", CueKind.ASKED),
    ]


def test_derived_verbs_report_and_their_noun_forms_need_a_verb_context() -> None:
    text = "The mayor reaffirmed his support. A reference to the plan. She references it."
    assert _cues(text) == [
        ("reaffirmed", "reaffirm", CueKind.VERB),
        ("references", "reference", CueKind.VERB),
    ]


def test_derive_cues_counts_lemmas_inside_cue_spans() -> None:
    from collections import Counter

    from api.extract.data.derive_cues import cue_lemmas

    cue = Counter({"vouched": 4, "vouches": 2, "table": 9})
    total = Counter({"vouch": 3, "vouched": 5, "vouches": 2, "table": 9})
    # "table" never shows a past or -ing form as a cue: not a verb.
    assert cue_lemmas(cue, total) == [("vouch", 6, 10)]


def test_that_words_as_adjective_or_noun_before_that() -> None:
    text = (
        "Roe is not confident that it works. Lee shared the concern that it fails. "
        "A court ruled that it stands. Roe is confident."
    )
    assert _cues(text) == [
        ("is not confident", "confident", CueKind.VERB),
        ("concern", "concern", CueKind.NOUN),
    ]


def test_derive_that_words_skips_verb_forms_and_adverbs() -> None:
    from collections import Counter

    from api.extract.data.derive_cues import that_words

    cue = Counter({"hopeful": 4, "said": 9, "publicly": 5, "idea": 3})
    total = Counter({"hopeful": 6, "said": 9, "publicly": 5, "idea": 30})
    assert that_words(cue, total) == [("hopeful", 4, 6)]


def test_ambiguous_base_form_is_a_verb_after_a_capitalised_plural() -> None:
    assert _cues("Democrats want more money. The Texas plan failed.") == [
        ("want", "want", CueKind.VERB),
    ]


def test_see_reads_as_a_verb_after_a_plain_plural_noun() -> None:
    assert _cues("Most voters see the plan as a failure.") == [("see", "see", CueKind.VERB)]


def test_a_modal_before_a_past_form_is_a_name() -> None:
    text = "In particular, Will wrote that he won. He will say that it works."
    assert [c.span.text(text) for c in find_cues(text)] == ["wrote", "will say"]
