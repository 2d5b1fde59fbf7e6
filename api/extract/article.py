"""Split a plain-text article into its furniture and the story paragraphs.

The input is a news page saved as text: a headline line, a standfirst, a
reading-time and a date line, photo captions with a bracketed credit, page
furniture, a pull quote repeated near the end and a closing credit line.
Everything returned indexes into the text unchanged, so later stages can scan
`ArticleMeta.paragraphs` for statements and point back into the body.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum, auto

from dateutil import parser as date_parser

from api.extract.results import ArticleMeta, Caption, Span

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_WEEKDAY = r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?\s+)?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
_TIME = r"(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?(?:\s+[a-z]{2,4})?)?"
_PREFIX = r"(?:(?:published|updated|posted|last\s+updated)(?:\s+on)?:?\s+)?"
# Only lines that are nothing but a date reach dateutil, so prose is never
# fuzzy-parsed into a date; numeric forms like 05/12/2016 are ambiguous and refused.
_DATE_LINE = re.compile(
    rf"^{_PREFIX}{_WEEKDAY}(?:{_DAY}\s+{_MONTH},?\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR}){_TIME}$",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(
    r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$"
)
_READING_TIME = re.compile(
    r"^(?:reading\s+time:?\s*)?(\d{1,3})\s*-?\s*min(?:ute)?s?\.?(?:\s+read)?$", re.IGNORECASE
)
_CAPTION = re.compile(r"^(?P<text>.*\S)\s*\[(?P<credit>[A-Z][^\[\]]{0,60})\]$")
_CREDIT_WORDS = 8
# A caption names what a photo shows and stops without a full stop ("Delegates leave
# the hall [Reuters]"); a line whose words end a sentence before the bracket is a story
# item citing its source, as newsletters and digests do ("... in “serious trouble.” [NYT.]").
_SENTENCE_END = re.compile(r"[.!?\u2026][\"\u201d\u2019')\]]*$")
_PULL_QUOTE_NAME = re.compile(r"^[-\u2013\u2014]\s*[A-Z][^\d\n]{1,80}$")
_CLOSING_CREDIT = re.compile(
    r"^(?:(?:additional\s+)?reporting\s+by\b|(?:writing|editing|edited|compiled)\s+by\b"
    r"|with\s+reporting\s+(?:by|from)\b|.{0,80}\bcontributed\s+to\s+this\s+report\b)",
    re.IGNORECASE,
)
_FURNITURE = frozenset(
    {
        "advertisement",
        "click to enlarge",
        "read the rest here",
        "read more",
        "related",
        "share this article",
        "watch",
        "listen",
        "scroll down for video",
        "continue reading the main story",
    }
)
_QUOTES = re.compile(r"[\"\u201c\u201d\u2018\u2019'\u00ab\u00bb]")
_SPACES = re.compile(r"\s+")
# The header (standfirst, reading time, date) sits in the first few lines.
_HEADER_LINES = 6


class _Role(Enum):
    STORY = auto()
    HEADLINE = auto()
    READING_TIME = auto()
    DATE = auto()
    CAPTION = auto()
    FURNITURE = auto()
    PULL_QUOTE = auto()
    CREDIT = auto()


@dataclass(frozen=True)
class _Line:
    span: Span
    text: str


def parse_date(raw: str) -> dt.date | None:
    """The date in `raw` when `raw` is clearly just a date ("05 December, 2016"), else None."""
    cleaned = _SPACES.sub(" ", raw).strip()
    if _ISO_DATE.match(cleaned):
        return _iso_date(cleaned)
    if not _DATE_LINE.match(cleaned):
        return None
    try:
        parsed: dt.datetime = date_parser.parse(cleaned, fuzzy=False, ignoretz=True)
    except (ValueError, OverflowError):
        return None
    return parsed.date()


def _iso_date(cleaned: str) -> dt.date | None:
    try:
        return dt.datetime.fromisoformat(cleaned).date()
    except ValueError:
        return None


def _reading_time(text: str) -> int | None:
    match = _READING_TIME.match(text)
    return int(match.group(1)) if match else None


def _lines(text: str) -> Iterator[_Line]:
    """Non-empty lines with spans that leave out surrounding whitespace."""
    for match in re.finditer(r"[^\r\n]+", text):
        raw = match.group()
        stripped = raw.strip()
        if stripped:
            start = match.start() + len(raw) - len(raw.lstrip())
            yield _Line(Span(start, start + len(stripped)), stripped)


def _normalized(text: str) -> str:
    """Text compared for repeats: no quote marks, single spaces, no end punctuation."""
    return _SPACES.sub(" ", _QUOTES.sub("", text)).strip(" .,;:!?").casefold()


def _is_furniture(text: str) -> bool:
    if text.startswith("[") and text.endswith("]") and "]" not in text[1:-1]:
        return True
    if not any(char.isalnum() for char in text):
        return True
    return text.strip("[]().:!").strip().casefold() in _FURNITURE


def _credited(line: _Line) -> re.Match[str] | None:
    """The line's words and the bracketed credit closing it, if it has one."""
    match = _CAPTION.match(line.text)
    if match is None or len(match.group("credit").split()) > _CREDIT_WORDS:
        return None
    return match if any(char.isalpha() for char in match.group("text")) else None


def _caption(line: _Line) -> Caption | None:
    match = _credited(line)
    if match is None or _SENTENCE_END.search(match.group("text")):
        return None
    return Caption(text=match.group("text").strip(), credit=match.group("credit").strip(), span=line.span)


def _story_span(line: _Line) -> Span:
    """A story line without the source it cites in closing brackets ("[NYT.]"), which
    is no part of what anyone said."""
    match = _credited(line)
    if match is None:
        return line.span
    return Span(line.span.start, line.span.start + match.end("text"))


def _same_title(line: str, title: str) -> bool:
    return _normalized(line) == _normalized(title)


def _initial_roles(lines: list[_Line], title: str | None) -> list[_Role]:
    """Roles each line has on its own: headline, meta lines, captions, furniture."""
    roles: list[_Role] = []
    for index, line in enumerate(lines):
        if _is_furniture(line.text):
            roles.append(_Role.FURNITURE)
        elif index < _HEADER_LINES and _reading_time(line.text) is not None:
            roles.append(_Role.READING_TIME)
        elif parse_date(line.text) is not None:
            roles.append(_Role.DATE)
        elif index > 0 and _caption(line) is not None:
            roles.append(_Role.CAPTION)
        elif index == 0 and (title is None or _same_title(line.text, title)):
            roles.append(_Role.HEADLINE)
        else:
            roles.append(_Role.STORY)
    return roles


def _standfirst_index(roles: list[_Role]) -> int | None:
    """The story line before the header's reading-time or date line, if there is one."""
    header = roles[:_HEADER_LINES]
    meta = [i for i, role in enumerate(header) if role in (_Role.READING_TIME, _Role.DATE)]
    if not meta:
        return None
    story = [i for i in range(meta[0]) if roles[i] is _Role.STORY]
    return story[0] if story else None


def _mark_pull_quotes(lines: list[_Line], roles: list[_Role], text: str) -> list[Span]:
    """Mark "paragraph + '- Name'" pairs whose paragraph repeats earlier body text."""
    spans: list[Span] = []
    for index in range(1, len(lines)):
        quote, name = lines[index - 1], lines[index]
        if roles[index - 1] is not _Role.STORY or not _PULL_QUOTE_NAME.match(name.text):
            continue
        passage = _normalized(quote.text)
        if len(passage) < 20 or passage not in _normalized(text[: quote.span.start]):
            continue
        roles[index - 1] = roles[index] = _Role.PULL_QUOTE
        spans.append(Span(quote.span.start, name.span.end))
    return spans


def _mark_credit_line(lines: list[_Line], roles: list[_Role]) -> str | None:
    """The closing "Reporting by ..." line: the last line that is not furniture."""
    for index in range(len(lines) - 1, 0, -1):
        if roles[index] is _Role.FURNITURE:
            continue
        if roles[index] is _Role.STORY and _CLOSING_CREDIT.match(lines[index].text):
            roles[index] = _Role.CREDIT
            return lines[index].text
        return None
    return None


def parse_article(text: str, *, title: str | None = None) -> ArticleMeta:
    """Headline, standfirst, date, captions, credits and story paragraphs of `text`.

    With `title` (a CMS record), `text` is a body without a headline line unless
    its first line repeats the title.
    """
    lines = list(_lines(text))
    roles = _initial_roles(lines, title)
    pull_quotes = _mark_pull_quotes(lines, roles, text)
    credit_line = _mark_credit_line(lines, roles)
    standfirst = _standfirst_index(roles)
    headline = lines[0].text if lines and roles[0] is _Role.HEADLINE else None
    return ArticleMeta(
        title=title if title is not None else headline,
        standfirst=lines[standfirst].text if standfirst is not None else None,
        published=_first_date(lines, roles),
        reading_time_minutes=_first_reading_time(lines, roles),
        captions=tuple(_captions(lines, roles)),
        credit_line=credit_line,
        paragraphs=tuple(
            _story_span(line) if role is _Role.STORY else line.span
            for line, role in zip(lines, roles, strict=True) if role in (_Role.HEADLINE, _Role.STORY)
        ),
        pull_quotes=tuple(pull_quotes),
    )


def _first_date(lines: list[_Line], roles: list[_Role]) -> dt.date | None:
    dates = (parse_date(line.text) for line, role in zip(lines, roles, strict=True) if role is _Role.DATE)
    return next(dates, None)


def _first_reading_time(lines: list[_Line], roles: list[_Role]) -> int | None:
    found = (
        _reading_time(line.text) for line, role in zip(lines, roles, strict=True) if role is _Role.READING_TIME
    )
    return next(found, None)


def _captions(lines: list[_Line], roles: list[_Role]) -> Iterator[Caption]:
    for line, role in zip(lines, roles, strict=True):
        caption = _caption(line) if role is _Role.CAPTION else None
        if caption is not None:
            yield caption
