"""How the accurate reading combines the model's spans with the rules' statements,
with the model's output fixed by hand (the shipped model is tested in test_neural)."""
from __future__ import annotations

import re

from api.extract.accurate import accurate_drafts
from api.extract.hybrid import read_with_rules
from api.extract.neural import NeuralTagged, NeuralTagger, Run
from api.extract.results import Span


class _Fixed(NeuralTagger):
    """A tagger that reads every text as `found`."""

    def __init__(self, found: NeuralTagged) -> None:  # no session: nothing runs
        self.found = found

    def tag(self, text: str) -> NeuralTagged:
        return self.found


def _found(text: str, contents: list[tuple[str, int, float]], sources: tuple[str, ...] = ()) -> NeuralTagged:
    """Content runs (phrase, wordpieces, confidence) and source runs, as the model
    would tag them in `text`; each word's content probability is its run's, else 0.05."""
    runs = tuple(Run(_at(text, phrase), pieces, sure) for phrase, pieces, sure in contents)
    words = [m.start() for m in re.finditer(r"\S+", text)]
    share = [next((r.confidence for r in runs if r.span.start <= w < r.span.end), 0.05) for w in words]
    return NeuralTagged(runs, tuple(Run(_at(text, s), 2, 0.9) for s in sources), (),
                        tuple(words), tuple(share))


def _at(text: str, phrase: str) -> Span:
    start = text.index(phrase)
    return Span(start, start + len(phrase))


def _read(text: str, found: NeuralTagged) -> list[tuple[str, str, str | None, str | None]]:
    reading = read_with_rules(text)
    drafts = accurate_drafts(text, reading.meta.paragraphs, reading.quotes, reading.drafts, _Fixed(found))
    return [(d.kind.value, d.content.text(text), d.speaker.name if d.speaker else None,
             d.cue.lemma if d.cue else None) for d in drafts]


TAXES = "Mayor Jo Roe said on Monday that the city would raise taxes next year, a move that angered residents."


def test_a_sure_model_span_sets_the_boundaries_of_the_statement_it_overlaps() -> None:
    # The rules run on to the sentence's end; the model stops at the comma.
    found = _found(TAXES, [("that the city would raise taxes next year,", 9, 0.97)])
    assert _read(TAXES, found) == [("INDIRECT", "the city would raise taxes next year", "Jo Roe", "say")]


def test_an_unsure_or_short_model_span_leaves_the_rules_reading() -> None:
    rules = [("INDIRECT", "the city would raise taxes next year, a move that angered residents",
              "Jo Roe", "say")]
    assert _read(TAXES, _found(TAXES, [("the city would raise taxes next year", 9, 0.6)])) == rules
    assert _read(TAXES, _found(TAXES, [("the city would", 2, 0.99)])) == rules


def test_a_rule_statement_the_model_reads_as_no_content_is_dropped() -> None:
    assert _read(TAXES, _found(TAXES, [])) == []


def test_quoted_words_stay_as_the_rules_read_them() -> None:
    text = '"We will not accept this plan," said Jo Roe. Officials believe the city can borrow more money.'
    # A model span across the quotation's marks is not read; the reported one is.
    found = _found(text, [('"We will not accept this plan," said', 8, 0.95),
                          ("the city can borrow more money", 6, 0.9)])
    assert _read(text, found) == [
        ("DIRECT", '"We will not accept this plan,"', "Jo Roe", "say"),
        ("INDIRECT", "the city can borrow more money", "Officials", "believe"),
    ]
    mixed = 'Jo Roe, the mayor, said the plan was "a disgrace to the city" and would be withdrawn.'
    found = _found(mixed, [("would be withdrawn", 4, 0.95)])
    assert _read(mixed, found) == [
        ("MIXED", 'the plan was "a disgrace to the city" and would be withdrawn', "Jo Roe", "say"),
    ]


def test_two_spans_around_a_statements_frame_are_one_statement() -> None:
    text = "The plan, according to Jo Roe, would cost the city millions."
    found = _found(text, [("The plan,", 3, 0.9), ("would cost", 2, 0.7), ("city millions", 2, 0.65)])
    assert _read(text, found) == [
        ("INDIRECT", "The plan, according to Jo Roe, would cost the city millions", "Jo Roe", "according to"),
    ]


def test_a_model_span_no_statement_touches_is_added_with_its_tagged_source() -> None:
    # No cue the rules know: "wary of" is PolNeAR's attribution of a belief.
    text = "Jo Roe said the weather was fine. Senator Al Poe has long been wary of the forecasts in the region."
    found = _found(text, [("the weather was fine", 4, 0.95), ("the forecasts in the region", 5, 0.9)],
                   sources=("Senator Al Poe",))
    assert _read(text, found) == [
        ("INDIRECT", "the weather was fine", "Jo Roe", "say"),
        ("INDIRECT", "the forecasts in the region", "Al Poe", None),
    ]
    # Without a tagged source, the speaker of the nearest cue in the paragraph...
    assert _read(text, _found(text, [("the forecasts in the region", 5, 0.9)])) == [
        ("INDIRECT", "the forecasts in the region", "Jo Roe", "say"),
    ]
    # ... and with neither, no statement.
    alone = "Senator Al Poe has long been wary of the forecasts in the region."
    assert _read(alone, _found(alone, [("the forecasts in the region", 5, 0.9)])) == []


def test_the_models_source_in_the_sentence_overrules_a_speaker_it_does_not_tag() -> None:
    text = "Having announced that the plant would close, Governor Jo Roe left the room."
    found = _found(text, [("that the plant would close,", 6, 0.98)], sources=("Governor Jo Roe",))
    assert _read(text, found) == [("INDIRECT", "the plant would close", "Jo Roe", "announce")]
    # The rules' speaker stands where the model tags it too, or tags no source at all.
    said = "Jo Roe said the weather was fine, and Al Poe agreed."
    assert _read(said, _found(said, [("the weather was fine", 4, 0.95)], sources=("Jo Roe",))) == [
        ("INDIRECT", "the weather was fine", "Jo Roe", "say"),
    ]
    assert _read(text, _found(text, [("that the plant would close,", 6, 0.98)])) == [
        ("INDIRECT", "the plant would close", "Having", "announce"),
    ]
