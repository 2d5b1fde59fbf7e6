"""Parts: what was said, without the attribution that interrupts it."""
from __future__ import annotations

import pytest

from api.extract import ExtractionMode, extract_article
from api.extract.parts import joined_text
from api.extract.results import Span
from api.model_files import MODEL_DIR, missing_file

# The split-quotation cases hold in both modes; accurate needs the shipped model.
MODES = pytest.mark.parametrize("mode", [
    ExtractionMode.FAST,
    pytest.param(ExtractionMode.ACCURATE, marks=pytest.mark.skipif(
        missing_file() is not None, reason=f"no model shipped in {MODEL_DIR} (docs/extraction.md)")),
])

# kind, speaker name, speaker as written, cue, the parts' text, the joined text
Row = tuple[str, str | None, str | None, str | None, list[str], str]

FERNANDEZ = (
    '"We will not accept this plan," said Maria Fernandez, the mayor of Lyon. '
    '"The city deserves better," she added.'
)
INTRO = "Jean Dupont spoke on Monday.\n\n"
SPLIT_SENTENCE = INTRO + '"We will not accept this plan," he said, "and we will fight it in court."'
SPLIT_SENTENCES = INTRO + '"We will not accept this plan," he said. "We will fight it in court."'
REPORTED_AROUND = INTRO + "The plan, according to Dupont, would cost the city millions."
MIXED_AROUND = INTRO + 'The plan was "a disgrace," Dupont said, "and a betrayal of the city."'


def _rows(text: str, mode: ExtractionMode = ExtractionMode.FAST) -> list[Row]:
    extraction = extract_article(text, mode=mode)
    names = {actor.key: actor.name for actor in extraction.actors}
    return [
        (
            s.kind.value,
            names.get(s.speaker or ""),
            s.speaker_span.text(text) if s.speaker_span else None,
            s.cue,
            [part.text(text) for part in s.parts],
            joined_text(text, s.parts),
        )
        for s in extraction.statements
    ]


@MODES
def test_a_second_quotation_with_its_own_cue_is_its_own_statement(mode: ExtractionMode) -> None:
    assert _rows(FERNANDEZ, mode) == [
        ("DIRECT", "Maria Fernandez", "Maria Fernandez", "said",
         ["We will not accept this plan,"], "We will not accept this plan,"),
        ("DIRECT", "Maria Fernandez", "she", "added",
         ["The city deserves better,"], "The city deserves better,"),
    ]


@MODES
def test_a_direct_statement_keeps_its_marks_in_its_span_only(mode: ExtractionMode) -> None:
    (first, second) = extract_article(FERNANDEZ, mode=mode).statements
    assert (first.span, first.parts) == (Span(0, 31), (Span(1, 30),))
    assert (second.span, second.parts) == (Span(73, 100), (Span(74, 99),))


@MODES
def test_one_sentence_split_by_its_attribution_runs_on_with_a_space(mode: ExtractionMode) -> None:
    assert _rows(SPLIT_SENTENCE, mode) == [
        ("DIRECT", "Jean Dupont", "he", "said",
         ["We will not accept this plan,", "and we will fight it in court."],
         "We will not accept this plan, and we will fight it in court."),
    ]
    (statement,) = extract_article(SPLIT_SENTENCE, mode=mode).statements
    assert statement.span.text(SPLIT_SENTENCE) == (
        '"We will not accept this plan," he said, "and we will fight it in court."'
    )


@MODES
def test_two_sentences_split_by_their_attribution_join_with_an_ellipsis(mode: ExtractionMode) -> None:
    assert _rows(SPLIT_SENTENCES, mode) == [
        ("DIRECT", "Jean Dupont", "he", "said",
         ["We will not accept this plan,", "We will fight it in court."],
         "We will not accept this plan, \u2026 We will fight it in court."),
    ]


@MODES
def test_reported_speech_around_its_attribution_leaves_the_frame_out(mode: ExtractionMode) -> None:
    assert _rows(REPORTED_AROUND, mode) == [
        ("INDIRECT", "Jean Dupont", "Dupont", "according to",
         ["The plan", "would cost the city millions"],
         "The plan \u2026 would cost the city millions"),
    ]


@MODES
def test_mixed_speech_around_its_attribution_keeps_its_partial_quote_marks(mode: ExtractionMode) -> None:
    assert _rows(MIXED_AROUND, mode) == [
        ("MIXED", "Jean Dupont", "Dupont", "said",
         ['The plan was "a disgrace,"', '"and a betrayal of the city."'],
         'The plan was "a disgrace," "and a betrayal of the city."'),
    ]


def test_a_statement_without_an_attribution_inside_is_its_span() -> None:
    text = "The minister said that talks had failed."
    (statement,) = extract_article(text).statements
    assert statement.parts == (statement.span,) == (Span(23, 39),)


def test_joined_text_separators() -> None:
    text = "A, b. c; C d"
    assert joined_text(text, [Span(0, 2), Span(3, 5)]) == "A, b."  # clause, lower case
    assert joined_text(text, [Span(3, 5), Span(11, 12)]) == "b. d"  # a sentence ended
    assert joined_text(text, [Span(0, 2), Span(9, 10)]) == "A, \u2026 C"  # capital after a clause
    assert joined_text(text, [Span(9, 10), Span(11, 12)]) == "C \u2026 d"  # mid-clause
    assert joined_text(text, [Span(6, 8)]) == "c;"


def test_an_appositive_after_the_frame_is_not_said() -> None:
    text = INTRO + "The committee has collected $56 million, said David Gilbert, its president."
    (statement,) = extract_article(text).statements
    assert statement.span.text(text).endswith("said David Gilbert, its president")
    assert _rows(text) == [
        ("INDIRECT", "David Gilbert", "David Gilbert", "said",
         ["The committee has collected $56 million"], "The committee has collected $56 million"),
    ]


def test_a_cue_without_a_speaker_inside_the_content_stays_whole() -> None:
    text = INTRO + "Clinton seemed to be ready to riff on the incident in Iowa."
    assert _rows(text) == [
        ("INDIRECT", None, None, "seemed",
         ["Clinton seemed to be ready to riff on the incident in Iowa"],
         "Clinton seemed to be ready to riff on the incident in Iowa"),
    ]
