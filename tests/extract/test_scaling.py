"""Extraction time grows linearly with the text, whatever its shape (issue 12).

Each shape of bench/shapes.py is timed at 8 KB and 80 KB (CPU time with the
cyclic collector paused, best of five runs); ten times the text may take at most
fifteen times as long. 1 MB cases are left to `python -m bench.extract --scaling` (a minute and more per
shape on a busy two-core machine); before extraction was linear, 8 KB -> 80 KB
took some 30 to 100 times as long on these shapes, so the ratio still tells.
"""
from __future__ import annotations

import gc
import time

import pytest

from api.extract import Extraction, extract_article
from api.extract.sentences import MAX_SENTENCE_CHARS
from bench.shapes import SHAPES, many_names, many_places, mixed, one_line

SMALL, LARGE = 8_000, 80_000
MAX_RATIO = 15
RUNS = 5
UNIT_STATEMENTS = 5  # statements in one paragraph of the mixed story


@pytest.fixture(scope="module", autouse=True)
def _warm() -> None:
    # The first calls build the gazetteer, lexicon and first-name indexes.
    extract_article(mixed(3_000))


def _cpu_seconds(text: str) -> float:
    # The cyclic collector's passes grow with every live object of the process (the
    # whole suite's), not with this text: the growth measured is extraction's own.
    gc.collect()
    gc.disable()
    try:
        started = time.process_time()
        extract_article(text)
        return time.process_time() - started
    finally:
        gc.enable()


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_ten_times_the_text_takes_at_most_fifteen_times_as_long(shape: str) -> None:
    small, large = SHAPES[shape](SMALL), SHAPES[shape](LARGE)
    # Interleaved, best of five each: a burst of load on a shared machine
    # slows both sizes alike instead of one of them.
    times = [(_cpu_seconds(small), _cpu_seconds(large)) for _ in range(RUNS)]
    best_small, best_large = min(t[0] for t in times), min(t[1] for t in times)
    assert best_large / max(best_small, 1e-3) <= MAX_RATIO, (shape, times)


def _texts(found: Extraction, text: str) -> list[str]:
    return [text[s.span.start : s.span.end] for s in found.statements]


def test_short_quotes_are_one_statement_each_by_john_smith() -> None:
    text = SHAPES["short_quotes"](3_000)
    found = extract_article(text)
    assert len(found.statements) == text.count("\n") + 1 == 93
    assert {(s.kind.value, s.speaker, s.cue) for s in found.statements} == {
        ("DIRECT", "john smith", "said")
    }
    assert set(_texts(found, text)) == {'"We will win,"'}


def test_a_quotation_that_never_closes_is_one_statement_whatever_its_length() -> None:
    text = SHAPES["open_quote"](20_000)
    found = extract_article(text)
    assert [(s.speaker, s.cue) for s in found.statements] == [("jane roe", "said")]
    assert _texts(found, text) == ["\u201cWe will build the bridge and the road"]


def test_thousands_of_names_each_speak_once() -> None:
    text = many_names(20_000)
    found = extract_article(text)
    speakers = [s.speaker for s in found.statements]
    assert len(speakers) == text.count(" said ") == 220
    assert len(set(speakers)) == 220
    assert speakers[:2] == ["alice abbott", "bruno abbott"]
    assert set(_texts(found, text)) == {"the talks had gone well"}


def test_thousands_of_places_each_have_their_statement() -> None:
    text = many_places(20_000)
    found = extract_article(text)
    assert len(found.statements) == text.count(" said ") == 325
    assert _texts(found, text)[:2] == [
        "the storm had passed over Istanbul", "the storm had passed over Dongguan"
    ]


def test_text_without_punctuation_gives_statements_no_longer_than_a_sentence_bound() -> None:
    text = SHAPES["no_punctuation"](20_000)
    found = extract_article(text)
    lengths = [s.span.end - s.span.start for s in found.statements]
    assert len(lengths) == 137
    assert max(lengths) <= MAX_SENTENCE_CHARS


@pytest.mark.parametrize("build", [mixed, one_line], ids=["mixed", "one_line"])
def test_the_mixed_story_gives_five_statements_a_paragraph(build: object) -> None:
    assert callable(build)
    text = build(20_000)
    found = extract_article(text)
    paragraphs = text.count("a spokesperson for the council")
    assert len(found.statements) == UNIT_STATEMENTS * paragraphs == 300
    assert [s.kind.value for s in found.statements[:5]] == [
        "INDIRECT", "DIRECT", "INDIRECT", "DIRECT", "INDIRECT"
    ]
