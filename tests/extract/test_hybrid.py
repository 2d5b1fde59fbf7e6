"""Rule statements plus the statements only the CRF saw (a stub tagger stands in)."""
from __future__ import annotations

import pytest

import api.extract as extract
from api.extract.hybrid import hybrid_drafts, read_with_rules
from api.extract.results import StatementKind

TEXT = (
    "Budget day\n\nDana Wells said the budget is balanced. Omar Reyes, in a long essay, "
    "more buses for the east side. He is upbeat.\n"
)


class _StubTagger:
    """Labels by word: SOURCE words S, CONTENT words B then I; one confidence for all."""

    def __init__(self, source: set[str], content: set[str], confidence: float) -> None:
        self.source, self.content, self.confidence = source, content, confidence

    def tag(self, xseq: list[list[str]]) -> list[str]:
        labels: list[str] = []
        for row in xseq:
            word = next(f[2:] for f in row if f.startswith("w="))
            if word in self.source:
                labels.append("S")
            elif word in self.content:
                labels.append("I" if labels and labels[-1] in "BI" else "B")
            else:
                labels.append("O")
        return labels

    def marginal(self, y: str, pos: int) -> float:
        return self.confidence


_SOURCE = {"omar", "reyes"}
_CONTENT = {"more", "buses", "for", "the", "east", "side", "budget", "balanced"}


def _statements(confidence: float) -> list[tuple[str, str | None, StatementKind]]:
    reading = read_with_rules(TEXT)
    tagger = _StubTagger(_SOURCE, _CONTENT, confidence)
    drafts = hybrid_drafts(TEXT, reading.meta.paragraphs, reading.quotes, reading.drafts, tagger)
    return [
        (d.content.text(TEXT), d.speaker.name if d.speaker else None, d.kind) for d in drafts
    ]


def test_a_sure_crf_span_the_rules_missed_is_added_with_the_crf_source() -> None:
    assert _statements(0.95) == [
        ("the budget is balanced", "Dana Wells", StatementKind.INDIRECT),
        ("more buses for the east side", "Omar Reyes", StatementKind.INDIRECT),
    ]


def test_an_unsure_crf_span_is_left_out_and_rule_statements_stay() -> None:
    assert _statements(0.5) == [("the budget is balanced", "Dana Wells", StatementKind.INDIRECT)]


def test_without_a_model_extraction_runs_on_the_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(extract, "load_tagger", lambda: None)
    statements = extract.extract_article(TEXT).statements
    assert [s.span.text(TEXT) for s in statements] == ["the budget is balanced"]


def test_a_crf_span_right_after_a_rule_content_is_a_side_clause_and_left_out() -> None:
    text = "Budget day\n\nAides said the plan failed, which surprised nobody.\n"
    reading = read_with_rules(text)
    tagger = _StubTagger({"aides"}, {"which", "surprised", "nobody"}, 0.99)
    drafts = hybrid_drafts(text, reading.meta.paragraphs, reading.quotes, reading.drafts, tagger)
    assert [d.content.text(text) for d in drafts] == ["the plan failed"]


def test_a_quoted_title_found_by_the_crf_is_not_a_statement() -> None:
    text = 'Book club\n\nMaya Fox read "Stealing Home" on Monday.\n'
    reading = read_with_rules(text)
    tagger = _StubTagger({"maya", "fox"}, {'"', "stealing", "home"}, 0.99)
    drafts = hybrid_drafts(text, reading.meta.paragraphs, reading.quotes, reading.drafts, tagger)
    assert [d.content.text(text) for d in drafts] == []


def test_a_quoted_crf_span_at_even_odds_is_kept_with_its_sentence_subject() -> None:
    text = 'Rally\n\nTrump ended the rally with "the best is yet to come for all of us" on Monday.\n'
    reading = read_with_rules(text)
    words = {'"', "the", "best", "is", "yet", "to", "come", "for", "all", "of", "us"}
    tagger = _StubTagger(set(), words, 0.6)
    drafts = hybrid_drafts(text, reading.meta.paragraphs, reading.quotes, reading.drafts, tagger)
    assert [(d.content.text(text), d.speaker.name if d.speaker else None, d.kind)
            for d in drafts] == [
        ('"the best is yet to come for all of us"', "Trump", StatementKind.DIRECT),
    ]


def test_an_unquoted_crf_span_at_even_odds_is_left_out() -> None:
    text = "Rally\n\nTrump ended the rally with the best is yet to come for all of us on Monday.\n"
    reading = read_with_rules(text)
    words = {"best", "is", "yet", "to", "come", "for", "all", "of", "us"}
    tagger = _StubTagger(set(), words, 0.6)
    drafts = hybrid_drafts(text, reading.meta.paragraphs, reading.quotes, reading.drafts, tagger)
    assert drafts == []


def _speakers(text: str, source: set[str], content: set[str]) -> list[tuple[str, str, str, str | None]]:
    """(content, speaker span, speaker name, speaker title) of every draft."""
    reading = read_with_rules(text)
    tagger = _StubTagger(source, content, 0.95)
    drafts = hybrid_drafts(text, reading.meta.paragraphs, reading.quotes, reading.drafts, tagger)
    return [
        (d.content.text(text), d.speaker.span.text(text), d.speaker.name, d.speaker.title)
        for d in drafts if d.speaker is not None
    ]


_BUSES = {"more", "buses", "for", "the", "east", "side"}


def test_a_crf_source_running_across_a_sentence_end_keeps_the_sentence_nearest() -> None:
    text = ("Budget day\n\nDana Wells spoke first. Colonel Omar Reyes, an aide to Mayor Lee, "
            "more buses for the east side.\n")
    source = {"first", ".", "colonel", "omar", "reyes", ",", "an", "aide", "to"}
    # The CRF's run is "first. Colonel Omar Reyes, an aide to": cut at the sentence
    # end, the appositive read to its closing comma, the title peeled off the name.
    assert _speakers(text, source, _BUSES) == [
        ("more buses for the east side", "Omar Reyes", "Omar Reyes", "Colonel"),
    ]


def test_a_crf_source_running_past_its_appositive_ends_at_the_closing_comma() -> None:
    text = ("Budget day\n\nOmar Reyes, an aide to Mayor Lee, in a long essay, "
            "more buses for the east side.\n")
    source = {"omar", "reyes", ",", "an", "aide", "to", "mayor", "lee", "in", "a", "long", "essay"}
    assert _speakers(text, source, _BUSES) == [
        ("more buses for the east side", "Omar Reyes", "Omar Reyes", "aide to Mayor Lee"),
    ]


def test_a_crf_source_opening_with_a_setting_is_the_person_after_its_comma() -> None:
    text = "Budget day\n\nAt a hearing, Dana Wells more buses for the east side.\n"
    source = {"at", "a", "hearing", ",", "dana", "wells"}
    assert _speakers(text, source, _BUSES) == [
        ("more buses for the east side", "Dana Wells", "Dana Wells", None),
    ]


def test_a_cue_inside_another_quotation_gives_a_crf_span_no_speaker() -> None:
    text = 'Budget day\n\nThe mood was tense. "We have said this many times," Dana Wells said.\n'
    reading = read_with_rules(text)
    tagger = _StubTagger(set(), {"the", "mood", "was", "tense"}, 0.95)
    drafts = hybrid_drafts(text, reading.meta.paragraphs, reading.quotes, reading.drafts, tagger)
    assert [(d.content.text(text), d.speaker.span.text(text) if d.speaker else None)
            for d in drafts] == [
        ("The mood was tense", "Dana Wells"),
        ('"We have said this many times,"', "Dana Wells"),
    ]


def test_a_crf_speaker_becomes_an_actor_named_without_its_title(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "Budget day\n\nColonel Natalia Okafor, in a long essay, more buses for the east side.\n"
    tagger = _StubTagger({"colonel", "natalia", "okafor"}, _BUSES, 0.95)
    monkeypatch.setattr(extract, "load_tagger", lambda: tagger)
    extraction = extract.extract_article(text)
    assert [(a.key, a.name, a.title) for a in extraction.actors] == [
        ("natalia okafor", "Natalia Okafor", "Colonel"),
    ]
    assert [(s.span.text(text), s.speaker) for s in extraction.statements] == [
        ("more buses for the east side", "natalia okafor"),
    ]


def test_a_crf_source_loses_its_closing_aside_in_brackets() -> None:
    text = "Budget day\n\nSen. Omar Reyes (D-Ore.), in a long essay, more buses for the east side.\n"
    source = {"sen", ".", "omar", "reyes", "(", "d-ore"}
    assert _speakers(text, source, _BUSES) == [
        ("more buses for the east side", "Omar Reyes", "Omar Reyes", "Sen."),
    ]
