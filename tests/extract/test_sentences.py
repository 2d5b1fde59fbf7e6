"""Sentence spans, and where the last sentence before a position begins."""
from __future__ import annotations

from api.extract.quotes import find_quotes
from api.extract.results import Span
from api.extract.sentences import last_sentence_start, split_sentences


def test_sentences_do_not_break_inside_a_quotation() -> None:
    text = '"We welcome it. We said so," Jo Roe noted. Gen. Al Vian agreed.'
    whole = Span(0, len(text))
    spans = split_sentences(text, whole, find_quotes(text, [whole]))
    assert [s.text(text) for s in spans] == [
        '"We welcome it. We said so," Jo Roe noted.', "Gen. Al Vian agreed."
    ]


def test_the_last_sentence_starts_after_the_last_break_quotes_or_not() -> None:
    text = '"We welcome it. We said so," Jo Roe noted.'
    assert text[last_sentence_start(text, 0, text.index(" said")) :].startswith("We said")


def test_an_abbreviation_is_no_sentence_break() -> None:
    text = "The talks ended. Gen. Al Vian said"
    assert last_sentence_start(text, 0, len(text)) == text.index("Gen.")


def test_without_a_break_the_sentence_starts_where_the_search_does() -> None:
    assert last_sentence_start("Jo Roe said", 3, 11) == 3
