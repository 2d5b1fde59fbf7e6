"""Quotation spans: marks of every style, paragraphs, strays, nesting and names."""
from __future__ import annotations

import re

from api.extract.quotes import QuoteKind, find_quotes
from api.extract.results import Span


def _paragraphs(text: str) -> list[Span]:
    return [Span(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text)]


def _quotes(text: str) -> list[tuple[str, QuoteKind]]:
    return [(q.span.text(text), q.kind) for q in find_quotes(text, _paragraphs(text))]


def test_curly_and_straight_quotes() -> None:
    text = '\u201cWe will stay,\u201d he said. "They will leave," she said.'
    assert _quotes(text) == [
        ("\u201cWe will stay,\u201d", QuoteKind.SPEECH),
        ('"They will leave,"', QuoteKind.SPEECH),
    ]


def test_inner_excludes_the_marks() -> None:
    text = 'He said "no way," then left.'
    (quote,) = find_quotes(text, _paragraphs(text))
    assert quote.inner.text(text) == "no way,"


def test_quote_continues_into_a_paragraph_that_opens_with_a_mark() -> None:
    text = '"We will fight on.\n"And we will win," he said.'
    assert _quotes(text) == [(text[: text.index(",") + 2], QuoteKind.SPEECH)]


def test_unclosed_mark_does_not_swallow_the_next_paragraph() -> None:
    text = 'He called it "a farce.\nThe minister said "we are ready," at noon.'
    assert _quotes(text) == [('"we are ready,"', QuoteKind.SPEECH)]


def test_stray_closing_mark_is_ignored() -> None:
    text = 'He is 6\'2" tall. "Hello there," she said.'
    assert _quotes(text) == [('"Hello there,"', QuoteKind.SPEECH)]


def test_nested_single_quotes_stay_inside() -> None:
    text = "\u201cThey called it \u2018a farce\u2019 today,\u201d he said."
    assert _quotes(text) == [(text[: text.index("\u201d") + 1], QuoteKind.SPEECH)]


def test_nickname_title_and_partial_quote_kinds() -> None:
    text = 'Donald "The Donald" Trump read "Stealing America" and called them "terrorists".'
    assert _quotes(text) == [
        ('"The Donald"', QuoteKind.NAME),
        ('"Stealing America"', QuoteKind.NAME),
        ('"terrorists"', QuoteKind.PARTIAL),
    ]


def test_tex_style_and_doubled_apostrophe_quotes() -> None:
    text = "``It works,'' he said. ''So does this,'' she said."
    assert [q for q, _ in _quotes(text)] == ["``It works,''", "''So does this,''"]


def test_wrong_way_curly_close_still_closes() -> None:
    text = "\u201cIt is real,\u201c he said."
    assert [q for q, _ in _quotes(text)] == ["\u201cIt is real,\u201c"]
