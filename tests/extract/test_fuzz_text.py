"""Content-level fuzz of `extract_article` (issue 12): any text, however hostile.

Arbitrary unicode (astral characters, combining marks, control characters,
NUL and lone surrogates: the database refuses those, but `extract_article` is
a pure function over any Python str and must not mind them), unbalanced and
mixed quotation marks, and long repetitions of cue phrases, names and quotes.
Every example must return, with every offset inside the text, the cue equal to
its slice, kinds that follow the quotation-mark rule, and a CPU time within a
bound proportional to the length (measured against this machine's own speed
on the mixed shape, so a busy machine does not fail it).

Both extraction modes are fuzzed: the accurate one (the transformer tagger
over the rules' reading) with a quarter of the examples, its model being the
slow part.

`pytest tests/extract/test_fuzz_text.py --text-fuzz-examples 20000` runs it deep.
"""
from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.extract import Extraction, ExtractionMode, Span, StatementKind, extract_article
from bench.shapes import mixed

# Quotation marks the extractor reads as double marks (quotes.py, _MARK).
DOUBLE_MARKS = ('"', "``", "''", "\u201c", "\u201d", "\u201e", "\u00ab", "\u00bb")
SIGNS = (":", "-", "--", "\u2013", "\u2014", "\u2015")  # cues of transcript turns and pull quotes
FRAGMENTS = (
    '"', "\u201c", "\u201d", "\u00ab", "\u00bb", "\u2018", "\u2019", "'", "``", "''", "\u201e",
    " said ", " said John Smith. ", '"We will win," said John Smith. ', "John Smith",
    "Jane Roe", "he said", "She added that ", "according to Reuters", " told reporters ",
    "Paris", "Moscow would hold talks", "Sen. ", "U.S. ", "TAPPER: ", "Mr. Roe: ",
    "\n", "\n\n", " ", ", ", ". ", "; ", ": ", " \u2014 ", " - ", "...", "!!", "?",
    "\x00", "\x07", "\u0301", "\u200b", "\U0001d49c", "\U0001f600", "\ud800", "\udfff",
    "[AFP]", "Reporting by Jo Roe", "December 2, 2026", "5 min read", "(R-Ga.)",
)
# Up to about 8,000 characters: long enough for repetitions, short enough for CI.
TEXTS = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=400),
    st.lists(
        st.tuples(st.sampled_from(FRAGMENTS), st.integers(min_value=1, max_value=40)),
        max_size=30,
    ).map(lambda parts: "".join(fragment * count for fragment, count in parts)),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=12)), max_size=200).map("".join),
)
# CPU time may be this many times the per-character time of the mixed story,
# plus the time of this many characters of it for the fixed costs of a call.
SLOWDOWN = 30
FIXED_CHARS = 3_000


@pytest.fixture(scope="module", params=list(ExtractionMode), ids=lambda m: m.value)
def mode(request: pytest.FixtureRequest) -> ExtractionMode:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def seconds_per_char(mode: ExtractionMode) -> float:
    """This machine's CPU time per character on a realistic story (best of three)."""
    text = mixed(20_000)
    extract_article(text, mode=mode)  # builds the indexes, loads the model
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        extract_article(text, mode=mode)
        best = min(best, time.process_time() - started)
    return best / len(text)


def _spans(found: Extraction) -> list[Span]:
    spans = [*found.meta.paragraphs, *found.meta.pull_quotes, *(c.span for c in found.meta.captions)]
    for statement in found.statements:
        spans.append(statement.span)
        spans.extend(s for s in (statement.cue_span, statement.speaker_span) if s is not None)
    spans.extend(m for actor in found.actors for m in actor.mentions)
    spans.extend(m for place in found.places for m in place.mentions)
    return spans


def check(text: str, seconds_per_char: float, mode: ExtractionMode) -> None:
    """Everything the fuzz asserts of one text."""
    started = time.process_time()
    found = extract_article(text, mode=mode)
    elapsed = time.process_time() - started
    assert elapsed <= SLOWDOWN * seconds_per_char * (len(text) + FIXED_CHARS), elapsed
    for span in _spans(found):
        assert 0 <= span.start <= span.end <= len(text), span
    for statement in found.statements:
        content = text[statement.span.start : statement.span.end]
        assert content.strip(), statement
        if statement.cue_span is not None:
            assert statement.cue == text[statement.cue_span.start : statement.cue_span.end]
        if statement.kind == StatementKind.DIRECT:
            # One quotation, a transcript turn ("TAPPER: ...") cued by its colon, or a
            # pull quote cued by the dash that signs it.
            assert content.startswith(DOUBLE_MARKS) or statement.cue in SIGNS, statement
        if statement.kind == StatementKind.MIXED:
            assert any(mark in content for mark in DOUBLE_MARKS), statement
    keys = {a.key for a in found.actors}
    assert all(s.speaker is None or s.speaker in keys for s in found.statements)


def test_hostile_text_returns_spans_inside_it_in_linear_time(
    pytestconfig: pytest.Config, seconds_per_char: float, mode: ExtractionMode
) -> None:
    examples: int = pytestconfig.getoption("--text-fuzz-examples")
    if mode == ExtractionMode.ACCURATE:
        examples = max(1, examples // 4)

    @settings(
        max_examples=examples,
        deadline=None,  # time is checked against the length, in CPU seconds
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(text=TEXTS)
    def fuzz(text: str) -> None:
        check(text, seconds_per_char, mode)

    fuzz()


@pytest.mark.parametrize(
    "text",
    [
        "\u201c" * 5_000,
        '"' * 5_000,
        "." * 20_000,
        "said " * 4_000,
        "John Smith " * 2_000,
        "\x00\ud800\U0001d49c\u0301" * 2_000,
        "A" * 50_000,
        "\n" * 20_000 + "x",
    ],
    ids=["curly-marks", "straight-marks", "periods", "cues", "names", "controls", "one-word", "newlines"],
)
def test_long_runs_of_one_thing_return_in_linear_time(
    text: str, seconds_per_char: float, mode: ExtractionMode
) -> None:
    check(text, seconds_per_char, mode)
