"""The CRF's tokens, features and span decoding, and the missing-model fallback."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from api.extract import crf
from api.extract.crf import RuleMarks, Token, paragraph_sequences, spans_from_labels, tokenize
from api.extract.quotes import Quote, QuoteKind
from api.extract.results import Span

TEXT = 'She said "We will win." Then he left.'


def test_tokens_carry_offsets_into_the_text() -> None:
    words = [TEXT[t.start : t.end] for t in tokenize(TEXT, 0, len(TEXT))]
    assert words == ["She", "said", '"', "We", "will", "win", ".", '"', "Then", "he", "left", "."]


def test_tokenize_keeps_contractions_and_initials_whole() -> None:
    text = "U.S. officials don't know"
    assert [text[t.start : t.end] for t in tokenize(text, 0, len(text))] == [
        "U.S", ".", "officials", "don't", "know",
    ]


def test_spans_from_labels_close_at_o_and_at_a_new_b() -> None:
    tokens = [Token(0, 2), Token(3, 5), Token(6, 8), Token(9, 11), Token(12, 14)]
    assert spans_from_labels(tokens, ["B", "I", "B", "O", "I"]) == [
        Span(0, 5), Span(6, 8), Span(12, 14),
    ]


def test_features_stack_rule_marks_on_each_token() -> None:
    quote = Quote(Span(9, 23), Span(10, 22), QuoteKind.SPEECH)
    marks = RuleMarks(contents=[(Span(9, 23), "DIRECT")], cues=[Span(4, 8)], speakers=[Span(0, 3)])
    (seq,) = paragraph_sequences(TEXT, [Span(0, len(TEXT))], [quote], marks)
    she, said, mark, then = seq.features[0], seq.features[1], seq.features[2], seq.features[8]
    assert "w=she" in she and "r=O|S|-" in she and "-1edge" in she
    assert "cue=say" in said and "r=O|C|-" in said
    assert "r=BD|-|Q" in mark and "sh=Q" in mark and "1w=we" in mark
    assert "r=O|-|-" in then and "-1r=ID|-|Q" in then


def test_missing_model_warns_once_and_gives_no_tagger(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    missing = tmp_path / "absent.crfsuite"
    with caplog.at_level(logging.WARNING, logger="api.extract.crf"):
        assert crf.load_tagger(missing) is None
        assert crf.load_tagger(missing) is None
    assert [r.getMessage().split(";")[0] for r in caplog.records] == [
        f"no attribution model at {missing}"
    ]
