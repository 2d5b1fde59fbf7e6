"""Sentence spans, and where the last sentence before a position begins."""
from __future__ import annotations

from api.extract.quotes import find_quotes
from api.extract.results import Span
from api.extract.sentences import MAX_SENTENCE_CHARS, last_sentence_start, split_sentences


def test_sentences_do_not_break_inside_a_quotation() -> None:
    text = '"We welcome it. We said so," Jo Roe noted. Gen. Al Vian agreed.'
    whole = Span(0, len(text))
    spans = split_sentences(text, whole, find_quotes(text, [whole]))
    assert [s.text(text) for s in spans] == [
        '"We welcome it. We said so," Jo Roe noted.', "Gen. Al Vian agreed."
    ]


def test_a_dateline_opening_the_paragraph_is_left_out_of_its_first_sentence() -> None:
    rows = []
    for text in ('GENEVA - "We will stay." Jo Roe agreed.', "WASHINGTON (AP) — Talks ended.",
                 "BEIRUT, Dec 5 (Reuters) - Talks ended.", "US - China talks ended.",
                 "Geneva - talks ended."):
        whole = Span(0, len(text))
        rows.append([s.text(text) for s in split_sentences(text, whole, find_quotes(text, [whole]))])
    assert rows == [
        ['"We will stay."', "Jo Roe agreed."], ["Talks ended."], ["Talks ended."],
        ["US - China talks ended."], ["Geneva - talks ended."],
    ]


def test_the_last_sentence_starts_after_the_last_break_quotes_or_not() -> None:
    text = '"We welcome it. We said so," Jo Roe noted.'
    assert text[last_sentence_start(text, 0, text.index(" said")) :].startswith("We said")


def test_an_abbreviation_is_no_sentence_break() -> None:
    text = "The talks ended. Gen. Al Vian said"
    assert last_sentence_start(text, 0, len(text)) == text.index("Gen.")


def test_without_a_break_the_sentence_starts_where_the_search_does() -> None:
    assert last_sentence_start("Jo Roe said", 3, 11) == 3


def test_a_sentence_longer_than_the_bound_is_cut_after_its_last_space_within_it() -> None:
    text = "word " * 999 + "end"  # 4,998 characters and no sentence break
    whole = Span(0, len(text))
    spans = split_sentences(text, whole, ())
    assert spans == [Span(0, 2000), Span(2000, 4000), Span(4000, 4998)]
    assert MAX_SENTENCE_CHARS == 2000


def test_a_bound_without_a_space_cuts_the_word() -> None:
    text = "x" * 4500
    assert split_sentences(text, Span(0, 4500), ()) == [
        Span(0, 2000), Span(2000, 4000), Span(4000, 4500)
    ]


def test_a_run_of_periods_breaks_once_where_a_sentence_follows() -> None:
    text = "We won" + "." * 5000 + " Then we left."
    spans = split_sentences(text, Span(0, len(text)), ())
    # The one space within the first 2,000 characters is where the first piece ends.
    assert [s.end - s.start for s in spans] == [3, 2000, 2000, 1003, 13]
    assert spans[-1].text(text) == "Then we left."
