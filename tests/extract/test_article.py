"""parse_article: headline, header lines, captions, furniture, pull quotes, credit line."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from api.extract.article import parse_article, parse_date
from api.extract.results import Caption, Span

SEED = Path(__file__).resolve().parents[2] / "seeds" / "000_7ab53061f15ddaeb.txt"


def _texts(text: str, spans: tuple[Span, ...]) -> list[str]:
    return [span.text(text) for span in spans]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016-12-05", dt.date(2016, 12, 5)),
        ("2016-12-05T10:30:00Z", dt.date(2016, 12, 5)),
        ("05 December, 2016", dt.date(2016, 12, 5)),
        ("December 5, 2016", dt.date(2016, 12, 5)),
        ("5 Dec 2016", dt.date(2016, 12, 5)),
        ("Monday 5 December 2016", dt.date(2016, 12, 5)),
        ("Sept. 11, 2001", dt.date(2001, 9, 11)),
        ("  05\u00a0December,  2016 ", dt.date(2016, 12, 5)),
    ],
)
def test_parse_date_reads_common_date_forms(raw: str, expected: dt.date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["", "May 2016", "12/05/2016", "31 February 2016", "He left on 5 Dec 2016", "Monday", "2016"],
)
def test_parse_date_refuses_what_is_not_clearly_one_date(raw: str) -> None:
    assert parse_date(raw) is None


def test_seed_header_fields() -> None:
    text = SEED.read_text(encoding="utf-8")
    meta = parse_article(text)
    assert meta.title == "Syrian rebels reject withdrawal plan amid Russia's chilling warnings"
    assert meta.standfirst == (
        "Syrian rebels have ruled out a withdrawal from eastern Aleppo despite Russia warning "
        "it would treat all captured rebels as terrorists."
    )
    assert meta.published == dt.date(2016, 12, 5)
    assert meta.reading_time_minutes == 3


def test_seed_caption_pull_quote_and_credit_line() -> None:
    text = SEED.read_text(encoding="utf-8")
    meta = parse_article(text)
    assert meta.captions == (
        Caption("The Syrian army has seized two-thirds of east Aleppo", "AFP", Span(234, 292)),
    )
    quote = (
        "It is for the Russians to leave Aleppo, and for the sectarian militias to leave Aleppo "
        "and Syria and stop interfering in the internal affairs of Syrians."
    )
    assert _texts(text, meta.pull_quotes) == [f"{quote}\n-\u00a0Yasser al-Youssef"]
    assert meta.credit_line == "Agencies contributed to this report."


def test_seed_paragraphs_are_headline_standfirst_and_body_only() -> None:
    text = SEED.read_text(encoding="utf-8")
    paragraphs = _texts(text, parse_article(text).paragraphs)
    assert len(paragraphs) == 24
    assert paragraphs[0] == "Syrian rebels reject withdrawal plan amid Russia's chilling warnings"
    assert paragraphs[1].startswith("Syrian rebels have ruled out")
    assert paragraphs[2].startswith("Russia has threatened Syrian opposition fighters")
    assert paragraphs[-1] == (
        "Losing Aleppo to regime troops would mark the biggest defeat for rebel forces "
        "in Syria's five-year civil war."
    )
    dropped = ("3 min read", "05 December, 2016", "[Click to enlarge]", "Agencies contributed")
    assert not [p for p in paragraphs if p.startswith(dropped) or "[AFP]" in p]
    assert not [p for p in paragraphs if "Yasser al-Youssef" == p.lstrip("-\u00a0 ")]


ARTICLE = """\
Talks stall in Geneva

Diplomats failed to agree on a ceasefire.
December 5, 2016
Delegates leave the hall [Reuters]
"We will not give up on peace," the envoy said on Monday.

Advertisement

The envoy added that talks would resume.

We will not give up on peace.
\u2014 Staffan de Mistura

Reporting by Jane Doe; Editing by John Roe
"""


def test_short_article_roles_of_each_line() -> None:
    meta = parse_article(ARTICLE)
    assert meta.title == "Talks stall in Geneva"
    assert meta.standfirst == "Diplomats failed to agree on a ceasefire."
    assert meta.published == dt.date(2016, 12, 5)
    assert meta.reading_time_minutes is None
    assert [(c.text, c.credit) for c in meta.captions] == [("Delegates leave the hall", "Reuters")]
    assert _texts(ARTICLE, meta.paragraphs) == [
        "Talks stall in Geneva",
        "Diplomats failed to agree on a ceasefire.",
        '"We will not give up on peace," the envoy said on Monday.',
        "The envoy added that talks would resume.",
    ]
    assert _texts(ARTICLE, meta.pull_quotes) == [
        "We will not give up on peace.\n\u2014 Staffan de Mistura"
    ]
    assert meta.credit_line == "Reporting by Jane Doe; Editing by John Roe"


def test_credit_with_photographer_name_is_kept_whole() -> None:
    text = "Headline\n\nSoldiers walk past ruins [AP Photo/John Doe]\nBody text here."
    assert parse_article(text).captions == (
        Caption("Soldiers walk past ruins", "AP Photo/John Doe", Span(10, 54)),
    )


DIGEST = (
    "Morning Email\n\n"
    "As the race tightens in Iowa, Bernie Sanders said his rival is in \u201cserious trouble.\u201d [NYT.]\n\n"
    "Rand Paul missed the cut for the main stage. [Mollie Reilly, HuffPost]\n\n"
    "Soldiers walk past the ruins of east Aleppo [AFP]\n"
)


def test_a_line_ending_a_sentence_before_its_bracketed_source_is_story_not_caption() -> None:
    meta = parse_article(DIGEST)
    assert [(c.text, c.credit) for c in meta.captions] == [("Soldiers walk past the ruins of east Aleppo", "AFP")]
    assert _texts(DIGEST, meta.paragraphs) == [
        "Morning Email",
        "As the race tightens in Iowa, Bernie Sanders said his rival is in \u201cserious trouble.\u201d",
        "Rand Paul missed the cut for the main stage.",
    ]


def test_bracketed_note_lines_and_furniture_are_dropped() -> None:
    text = "Headline\n\n[Video: full speech]\n\nBody.\n\nRead the rest here.\n\n___."
    assert _texts(text, parse_article(text).paragraphs) == ["Headline", "Body."]


def test_unrepeated_dash_line_is_not_a_pull_quote() -> None:
    text = "Headline\n\nA paragraph that was never quoted before.\n- Someone Else\n"
    meta = parse_article(text)
    assert meta.pull_quotes == ()
    assert _texts(text, meta.paragraphs)[1] == "A paragraph that was never quoted before."


def test_given_title_keeps_first_body_line_as_story() -> None:
    body = "Rebels held the city.\n\nThey said so."
    meta = parse_article(body, title="Rebels hold Aleppo")
    assert meta.title == "Rebels hold Aleppo"
    assert _texts(body, meta.paragraphs) == ["Rebels held the city.", "They said so."]


def test_given_title_repeated_as_first_line_is_the_headline() -> None:
    body = "Rebels hold Aleppo\n\nRebels held the city."
    meta = parse_article(body, title="Rebels hold Aleppo")
    assert meta.title == "Rebels hold Aleppo"
    assert _texts(body, meta.paragraphs) == ["Rebels hold Aleppo", "Rebels held the city."]


def test_prose_mentioning_a_date_is_a_paragraph_not_a_date_line() -> None:
    text = "Headline\n\nThe vote on December 5, 2016 was close."
    meta = parse_article(text)
    assert meta.published is None
    assert _texts(text, meta.paragraphs) == ["Headline", "The vote on December 5, 2016 was close."]


def test_spans_leave_out_surrounding_whitespace() -> None:
    text = "  Headline \r\n\r\n\tBody line.\u00a0\r\n"
    assert _texts(text, parse_article(text).paragraphs) == ["Headline", "Body line."]


@pytest.mark.parametrize("text", ["", "\n\n \n", "x", "\x00\x01\xff\n[", "]]][[[", "3 min read"])
def test_odd_input_does_not_crash(text: str) -> None:
    meta = parse_article(text)
    assert all(0 <= s.start < s.end <= len(text) for s in meta.paragraphs)


def test_empty_text_gives_empty_meta() -> None:
    meta = parse_article("")
    assert (meta.title, meta.paragraphs, meta.captions) == (None, (), ())


POLNEAR_DEV = SEED.parents[2] / "shared" / "corpora" / "polnear" / "dev" / "text"


@pytest.mark.skipif(not POLNEAR_DEV.is_dir(), reason=f"{POLNEAR_DEV} not present")
def test_polnear_texts_parse_as_headline_and_paragraphs_without_false_furniture() -> None:
    for path in sorted(POLNEAR_DEV.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        meta = parse_article(text)
        first_line = next(line.strip() for line in text.splitlines() if line.strip())
        assert meta.title == first_line, path.name
        assert (meta.published, meta.captions, meta.pull_quotes) == (None, (), ()), path.name
        assert meta.paragraphs[0].text(text) == first_line, path.name
