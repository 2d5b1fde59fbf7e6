"""Statements: cues, speakers and quotations put together.

Each sentence is read cue by cue. A verb cue takes the quotation right
before its speaker ("..., Lavrov said") or what follows it: a quotation
(DIRECT) or the reported clause to its natural end (INDIRECT; MIXED when it
carries a partial quote). Quotations left over continue the last speaker.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Sequence
from dataclasses import dataclass, replace
from heapq import heappop, heappush

from api.extract.actors import Mention, classify_name, parse_mention
from api.extract.cues import HEARER_VERBS, QUOTE_ONLY_VERBS, Cue, CueKind, find_cues
from api.extract.gender import Gender, person_gender, pronoun_gender
from api.extract.intervals import Intervals
from api.extract.quotes import Quote, QuoteKind, quote_at, quotes_within
from api.extract.results import ActorKind, Span, StatementKind
from api.extract.sentences import after_abbreviation, split_sentences
from api.extract.speakers import (
    LOOKBACK_MENTIONS,
    according_source,
    colon_speaker,
    find_speaker,
    possessor,
    resolve_pronoun,
    resolve_role,
    sentence_subject,
    signature_speaker,
    speaker_before,
    subject_before,
)


@dataclass(frozen=True)
class Draft:
    """A statement before actor keys are known."""

    content: Span
    kind: StatementKind
    paragraph: int
    cue: Cue | None = None
    speaker: Mention | None = None  # as written: a pronoun stays a pronoun
    resolved: Mention | None = None  # the named mention the speaker stands for
    medium: Mention | None = None
    # What was said, without the attribution frame (api.extract.parts); () until known.
    parts: tuple[Span, ...] = ()


@dataclass(frozen=True)
class _Sentence:
    span: Span
    paragraph: int


# Words that may sit between a cue and its reported clause ("said in a statement that").
_BRIDGE = re.compile(
    r"(?:\s*,?\s*(?:in|on|at|to|with|during|after|before|earlier|later|last|this|also|again|"
    r"repeatedly|previously|publicly|privately|recently|yesterday|today|tonight|"
    r"a|an|the|his|her|their|its|[A-Z][\w.'’&-]*|statement|interview|speech|letter|post|"
    r"tweet|news|conference|release|email|week|month|year|night|morning|afternoon|"
    r"evening|reporters|journalists|him|her|them|us|me|weekend|radio|television|"
    r"[A-Z][\w'’-]*['’]s)\b)*?\s*,?\s*that\s+"
)
# Any setting phrase before "that" ("said at an event in Colorado Springs that"),
# unless "that" opens a relative clause on the setting ("in a letter that was sent").
_SETTING_THAT = re.compile(
    r"\s*,?\s*(?:in|on|at|during|after|before|to|with|from|outside|inside|via|over|while)\s"
    r"[^,;:.!?\"\u201c\u201d()]{1,80}?,?\s+that\s+"
    r"(?!(?:was|were|is|are|has|had|have|will|would|could|can|may|might|should|did|does|do|"
    r"he|she|they|it|we|I)\s+(?:been\s+)?\w+(?:ed|en)\b)"
)
# Time and setting between a cue and a bare clause ("said on Friday he met").
_WHEN = re.compile(
    r"(?:\s+(?:on\s+[A-Z]\w+day|last\s+\w+|this\s+(?:week|month|year|morning|afternoon|evening)|"
    r"earlier|later|yesterday|today|recently|again|also|repeatedly|publicly|privately|"
    r"previously|in\s+an?\s+(?:\w+\s+){0,2}(?:statement|interview|speech|post|op-ed)|"
    r"at\s+(?:an?|the)\s+(?:\w+\s+){0,2}(?:rally|event|meeting|briefing|conference))\b,?)+"
)
# The hearer of "warned reporters that" / "threatened fighters they will": skipped
# only when a "that" or a subject pronoun shows where the reported clause starts.
_HEARER_OBJECT = re.compile(
    r"(?:\s+[\w.&'’-]+){1,6}?(?:\s*,)?\s+(?:that\s+|(?=(?:they|he|she|it|we|I)\s))"
)
# "in an interview with Fox News": the outlet the speaker talked to.
_INTERVIEW = re.compile(
    r"\b(?:interview|conversation|appearance|speaking|spoke)\s+(?:with|on|to)\s+"
    r"((?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*)"
)
# "agree to a plan", "warned of a crisis": a phrase, not a reported clause.
_PREPOSITION_START = re.compile(
    r"(?:to\s+(?:a|an|the|his|her|their|its|this|that|these|those|[A-Z])|with|for|"
    r"on|of|at|in|from|by|against|into|after|before|during)\b"
)
_CONJUNCTION_START = re.compile(r"(?:and|but|or|then|so)\b")
# What may follow a closing attribution's cue: "in a statement", "told The Times".
_CLOSING_TAIL = re.compile(
    r"(?:\s+(?:in|on|at|to|during)\s[^,]*|\s+(?:reporters|journalists|him|her|them|us|me)\b[^,]*)?"
    r"[\s.!?]*"
)
# "told The New York Times.": after a verb of telling, a named hearer may close it.
_HEARER_TAIL = re.compile(r"\s+(?:the\s+)?[A-Z][^,]*[\s.!?]*")
# A later cue sharing the subject: "says A but argues B", "said A, adding B".
# The later cue may bring its own subject: "said A, and he added B".
_COORDINATED = re.compile(
    r"\b(?:and|but)\s+(?:(?:he|she|they|we|I|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})\s+)?"
    r"(?:also\s+)?$"
)
_JOINT = re.compile(
    r"(?:,|,?\s+(?:and|but))\s*(?:(?:he|she|they|we|I|[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3})"
    r"\s+(?:also\s+)?)?$"
)
_TAIL = re.compile(r"[\s.!?,;:]*$")
_MIN_WORDS = 2


def find_statements(
    text: str,
    paragraphs: Sequence[Span],
    quotes: Sequence[Quote],
    people: Sequence[Mention] = (),
    pull_quotes: Sequence[Span] = (),
) -> list[Draft]:
    """All statements in the paragraphs and the `pull_quotes` (ArticleMeta's), in text
    order, pronouns resolved against speakers and the other `people` named in the
    text; a quotation split around its attribution is one statement (see
    `joined_quotes`)."""
    sentences = [
        _Sentence(span, index)
        for index, paragraph in enumerate(paragraphs)
        for span in split_sentences(text, paragraph, quotes)
    ]
    drafts: list[Draft] = []
    for sentence in sentences:
        drafts.extend(_sentence_statements(text, sentence, quotes))
    drafts.extend(_transcript_turns(text, paragraphs))
    # In a plain-text article the first paragraph is the headline.
    drafts.extend(_headline_claim(text, paragraphs[:1], quotes))
    drafts = _add_leftover_quotes(text, sentences, quotes, drafts)
    drafts = _reach_quotes(text, sentences, quotes, drafts)
    drafts = _deduplicated(text, drafts)
    drafts = joined_quotes(text, drafts, quotes)
    drafts = sorted([*drafts, *_pull_quote_statements(text, paragraphs, pull_quotes)],
                    key=_content)
    return _resolve_all(text, drafts, free_people(people, drafts))


def _pull_quote_statements(
    text: str, paragraphs: Sequence[Span], pull_quotes: Sequence[Span]
) -> list[Draft]:
    """A pull quote ("It is for the Russians to leave ...\n- Yasser al-Youssef": a
    paragraph repeating the body, signed by a dash line) is its signer's statement
    again: DIRECT, printed in quotation marks or not, cued by its dash, its content the
    words without marks. It stays a statement beside the body's (a quote links them)."""
    starts = [p.start for p in paragraphs]
    drafts: list[Draft] = []
    for pull in pull_quotes:
        line_end = text.find("\n", pull.start, pull.end)
        signer = text.rfind("\n", pull.start, pull.end) + 1
        speaker = signature_speaker(text, signer, pull.end) if line_end >= 0 else None
        content = _trimmed(text, *_inside_marks(text, pull.start, line_end))
        if speaker is None or content is None:
            continue
        between = text[signer : speaker.span.start]
        dash = Span(signer + len(between) - len(between.lstrip()), signer + len(between.rstrip()))
        cue = Cue(dash, dash.text(text), CueKind.VERB, dash)
        paragraph = max(0, bisect_right(starts, pull.start) - 1)
        drafts.append(Draft(content, StatementKind.DIRECT, paragraph, cue, speaker))
    return drafts


def _inside_marks(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the quotation marks around the whole of it, if any."""
    line = text[start:end].strip()
    if len(line) > 1 and line[0] in "\"\u201c\u00ab" and line[-1] in "\"\u201d\u00bb":
        offset = start + text[start:end].index(line[0])
        return offset + 1, offset + len(line) - 1
    return start, end


def free_people(people: Sequence[Mention], drafts: Sequence[Draft]) -> list[Mention]:
    """People named outside any speaker phrase (those are read with their roles)."""
    taken = Intervals(d.speaker.phrase or d.speaker.span for d in drafts if d.speaker is not None)
    return [p for p in people if not taken.overlaps(p.span.start, p.span.end)]


_TURN = re.compile(r"[\"\u201c]?([A-Z][A-Z.'’-]+(?: [A-Z][A-Z.'’-]+){0,2}):\s+(?=\S)")


def _transcript_turns(text: str, paragraphs: Sequence[Span]) -> list[Draft]:
    """ "TAPPER: Do you think ...": a transcript turn, the speaker in capitals."""
    turns: list[Draft] = []
    for index, paragraph in enumerate(paragraphs):
        turn = _TURN.match(text, paragraph.start, paragraph.end)
        content = _trimmed(text, turn.end(), paragraph.end) if turn else None
        if turn is None or content is None or len(turn.group(1)) < 2:
            continue
        name = turn.group(1).title()
        speaker = Mention(Span(turn.start(1), turn.end(1)), name, ActorKind.PERSON)
        colon = Span(turn.end(1), turn.end(1) + 1)
        cue = Cue(colon, ":", CueKind.VERB, colon)
        turns.append(Draft(content, StatementKind.DIRECT, index, cue, speaker))
    return turns


_HEADLINE_CLAIM = re.compile(r"([A-Z][^:.!?\"\u201c\u201d\n]{0,45}):\s+(?=\S)")


def _headline_claim(
    text: str, paragraphs: Sequence[Span], quotes: Sequence[Quote]
) -> list[Draft]:
    """ "Jane Roe: Taxes Must Rise": a headline gives a claim and its source."""
    for paragraph in paragraphs:
        claim = _HEADLINE_CLAIM.match(text, paragraph.start, paragraph.end)
        words = claim.group(1).split() if claim else []
        if claim is None or len(words) > 4 or not all(w[0].isupper() for w in words):
            continue
        content = _trimmed(text, claim.end(), paragraph.end)
        speaker = parse_mention(text, Span(claim.start(1), claim.end(1)))
        if content is None or speaker is None or speaker.pronoun:
            continue
        colon = Span(claim.end(1), claim.end(1) + 1)
        cue = Cue(colon, ":", CueKind.VERB, colon)
        return [Draft(content, statement_kind(content, quotes), 0, cue, speaker)]
    return []


def _sentence_statements(
    text: str, sentence: _Sentence, quotes: Sequence[Quote]
) -> list[Draft]:
    cues = [
        c for c in find_cues(text, sentence.span.start, sentence.span.end)
        if quote_at(quotes, c.span.start) is None
    ]
    later_cues = [
        c for c in cues
        if c.participle or c.kind == CueKind.ACCORDING or _COORDINATED.search(
            text, max(0, c.span.start - 40), c.span.start
        )
    ]
    found: list[Draft] = []
    for cue in cues:
        if cue.kind != CueKind.ACCORDING:
            draft = _from_cue(text, sentence, cue, quotes, found, later_cues)
            found.extend([draft] if draft is not None else [])
    # "according to" is read last: it may only name the medium of what was found.
    for cue in cues:
        if cue.kind == CueKind.ACCORDING:
            found = _apply_according(text, sentence, cue, found, quotes)
    return found or _poll_result(text, sentence, quotes)


# "In a CNN poll last week," / "in national polls": a poll reports the standings.
_IN_POLL = re.compile(
    r"\b[Ii]n\s+((?:a|an|the)\s+(?:[\w-]+\s+){0,3}?[A-Z][\w.&'’-]*\s+(?:[\w.&'’-]+\s+){0,3}?"
    r"(?:poll|survey))\b"
)


def _poll_result(text: str, sentence: _Sentence, quotes: Sequence[Quote]) -> list[Draft]:
    """ "Clinton led by five points in a CNN poll": PolNeAR counts a poll's
    finding as its statement; the rest of the sentence is the content."""
    match = _IN_POLL.search(text, sentence.span.start, sentence.span.end)
    if match is None:
        return []
    phrase = Span(match.start(), match.end())
    content = _around_phrase(text, sentence.span, phrase)
    if content is None:
        return []
    source = parse_mention(text, Span(match.start(1), match.end(1)))
    head = Span(match.start(), match.start() + 2)
    cue = Cue(head, "in", CueKind.ACCORDING, head)
    kind = statement_kind(content, quotes)
    return [Draft(content, kind, sentence.paragraph, cue, source)]


def _from_cue(
    text: str,
    sentence: _Sentence,
    cue: Cue,
    quotes: Sequence[Quote],
    earlier: Sequence[Draft],
    later_cues: Sequence[Cue],
) -> Draft | None:
    if cue.kind == CueKind.NOUN:
        return _from_noun_cue(text, sentence, cue, quotes, later_cues)
    if cue.kind == CueKind.STANCE:
        return _from_stance(text, sentence, cue, quotes, later_cues)
    if cue.kind == CueKind.ASKED:
        return _from_question(text, sentence, cue, quotes)
    shared = _participle_speaker(text, cue, earlier)
    if shared is None and cue.participle and (
        _after_comma(text, cue) or _after_preposition(text, sentence.span, cue)
    ):
        shared = sentence_subject(text, _after_quotes(sentence.span, cue, quotes), cue)
        if shared is None and _after_quoted_comma(text, cue):
            # "Roe touted her "big plan," promising": a quoted term, no speech.
            shared = sentence_subject(text, sentence.span, cue)
    speaker = shared or find_speaker(text, sentence.span, cue, quotes)
    if speaker is None:
        return None
    found = None if shared else _quoted_content(text, sentence.span, cue, speaker, quotes)
    if found is None:
        found = _reported_content(text, sentence.span, cue, speaker, shared is not None, quotes,
                                  later_cues)
    if found is None:
        return None
    medium = _medium(text, sentence.span, cue)
    return Draft(found[0], found[1], sentence.paragraph, cue, speaker, None, medium)


def _quoted_content(
    text: str, sentence: Span, cue: Cue, speaker: Mention, quotes: Sequence[Quote]
) -> tuple[Span, StatementKind] | None:
    """ "...," Lavrov said: the quotation before the attribution."""
    before = _quote_before(text, sentence, cue, speaker, quotes)
    if before is None:
        return None
    content = _around_quote(text, sentence, before, cue, quotes)
    # Quotes around their own attribution are still the speaker's words only.
    if content.start == before.span.start:
        return content, StatementKind.DIRECT
    return content, statement_kind(content, quotes)


def _reported_content(
    text: str,
    sentence: Span,
    cue: Cue,
    speaker: Mention,
    shared: bool,
    quotes: Sequence[Quote],
    later_cues: Sequence[Cue],
) -> tuple[Span, StatementKind] | None:
    """What follows the cue, or the clause before a closing attribution."""
    inverted = speaker.span.start > cue.span.start and not shared
    around = None if shared else _around_parenthetical(text, sentence, cue, speaker, quotes)
    if around is not None:
        return around, statement_kind(around, quotes)
    content = None if inverted else _content_after(text, sentence, cue, quotes, later_cues)
    if cue.lemma in QUOTE_ONLY_VERBS and not _is_quote(content, quotes):
        return None
    if content is not None and text[speaker.span.start : speaker.span.end] in ("who", "which"):
        content = _to_first_comma(text, content)
    if content is None:
        content = _content_before(text, sentence, cue, speaker, inverted)
    return None if content is None else (content, statement_kind(content, quotes))


# "..., the mayor said, ...": an attribution set off by commas inside the sentence it reports.
_PARENTHETICAL_LEAD = re.compile(r"\S+(?:\s+\S+){2,}\s*,\s*$")
_PARENTHETICAL_REST = re.compile(r"\s*,\s+(?=[a-z])")


def _around_parenthetical(
    text: str, sentence: Span, cue: Cue, speaker: Mention, quotes: Sequence[Quote]
) -> Span | None:
    """ "If the vote fails, the mayor said, taxes will rise": the attribution
    interrupts one reported sentence, which runs from its start to its end (the
    attribution inside it is a few words of a longer span)."""
    phrase = speaker.phrase or speaker.span
    first, last = min(phrase.start, cue.span.start), max(phrase.end, cue.span.end)
    rest = _PARENTHETICAL_REST.match(text, last, sentence.end)
    if rest is None:
        return None
    lead = text[sentence.start : first]
    if not _PARENTHETICAL_LEAD.fullmatch(lead) or '"' in lead:
        return None
    if _quote_starts_in(quotes, sentence):
        return None  # a quotation split by its attribution is read as quotes
    return _trimmed(text, sentence.start, _before_side_clause(text, rest.end(), sentence.end, quotes))


def _is_quote(content: Span | None, quotes: Sequence[Quote]) -> bool:
    return content is not None and any(q.span == content for q in quotes)


def _participle_speaker(text: str, cue: Cue, earlier: Sequence[Draft]) -> Mention | None:
    """ "..., he said, indicating that ...": the -ing cue shares the speaker."""
    if not cue.participle or not earlier or not _after_comma(text, cue):
        return None
    # After "..., he said," the quote's speaker goes on; otherwise the subject does.
    last = earlier[-1]
    return last.speaker if last.kind == StatementKind.DIRECT else None


def _after_quotes(sentence: Span, cue: Cue, quotes: Sequence[Quote]) -> Span:
    before = quotes_within(quotes, 0, cue.span.start)[-1:]  # the last to end before the cue
    ends = [q.span.end for q in before if sentence.start <= q.span.end]
    return Span(max([sentence.start, *ends]), sentence.end)


_GERUND_PREPOSITION = re.compile(
    r"\b(?:by|in|after|before|while|when|without|since|through|upon)\s+$", re.IGNORECASE
)


def _after_preposition(text: str, sentence: Span, cue: Cue) -> bool:
    """ "Roe ended the debate by saying ...": the gerund's subject is the clause's."""
    return _GERUND_PREPOSITION.search(text, max(sentence.start, cue.span.start - 12),
                                      cue.span.start) is not None


def _after_comma(text: str, cue: Cue) -> bool:
    return text[max(0, cue.span.start - 3) : cue.span.start].rstrip().endswith(",") or (
        _after_quoted_comma(text, cue)
    )


def _after_quoted_comma(text: str, cue: Cue) -> bool:
    return text[max(0, cue.span.start - 4) : cue.span.start].rstrip().endswith(
        (',"', ",\u201d", ",''", ",\u2019")
    )


def _from_noun_cue(
    text: str, sentence: _Sentence, cue: Cue, quotes: Sequence[Quote], later_cues: Sequence[Cue]
) -> Draft | None:
    """ "Lavrov's earlier announcement that Russia would ...": content after "that"."""
    if cue.span != cue.head:  # the noun took its preposition: "his push for"
        return _from_noun_phrase(text, sentence, cue, quotes, later_cues)
    that = re.match(r"\s+that\s+", text[cue.span.end : sentence.span.end])
    if that is None:
        return None
    speaker = possessor(text, sentence.span, cue)
    if speaker is None:
        return None
    start = cue.span.end + that.end()
    content = _clause(text, start, sentence.span, cue, later_cues, quotes)
    if content is None:
        return None
    return Draft(content, statement_kind(content, quotes), sentence.paragraph, cue, speaker)


# Where the noun's object gives way to the sentence's verb ("call for X drew fire").
_NOUN_PHRASE_END = re.compile(
    r",|\s(?:is|are|was|were|has|have|had|will|would|could|should|may|might|must|did|does|"
    r"can|that|which|who|because|after|before|when|while|since|as|grew|drew|came|went|"
    r"made|took|gave|got|became|(?<!the\s)[a-z]+ed)\b"
)


def _from_noun_phrase(
    text: str, sentence: _Sentence, cue: Cue, quotes: Sequence[Quote], later_cues: Sequence[Cue]
) -> Draft | None:
    """ "his push for a ban on imports": a short object, the possessor its source."""
    content = _clause(text, cue.span.end, sentence.span, cue, later_cues, quotes)
    if content is None:
        return None
    verb = _NOUN_PHRASE_END.search(text, content.start, content.end)
    if verb is not None and quote_at(quotes, verb.start()) is None:
        content = _trimmed(text, content.start, verb.start())
    if content is None:
        return None
    speaker = possessor(text, sentence.span, cue)
    return Draft(content, statement_kind(content, quotes), sentence.paragraph, cue, speaker)


_QUESTION = re.compile(r"\b(?:whether|if|about|how|what|why|who|when|where)\b")


def _from_question(
    text: str, sentence: _Sentence, cue: Cue, quotes: Sequence[Quote]
) -> Draft | None:
    """ "Asked whether he would run, Lee said": the question, up to its comma."""
    question = _QUESTION.search(text, cue.span.end, sentence.span.end)
    if question is None:
        return None
    end = sentence.span.end
    for comma in re.finditer(r",", text[question.start() : end]):
        if quote_at(quotes, question.start() + comma.start()) is None:
            end = question.start() + comma.start()
            break
    content = _trimmed(text, question.start(), end)
    if content is None:
        return None
    return Draft(content, statement_kind(content, quotes), sentence.paragraph, cue)


def _from_stance(
    text: str, sentence: _Sentence, cue: Cue, quotes: Sequence[Quote], later_cues: Sequence[Cue]
) -> Draft | None:
    """ "Clinton seemed to waver": the writer's hedge; the content is the whole
    clause, subject included, and nobody is its source."""
    subject = speaker_before(text, sentence.span, cue, quotes)
    if subject is None:
        return None
    start = (subject.phrase or subject.span).start
    rest = _clause(text, cue.span.end, sentence.span, cue, later_cues, quotes)
    if rest is None:
        return None
    content = Span(start, rest.end)
    return Draft(content, statement_kind(content, quotes), sentence.paragraph, cue)


def _apply_according(
    text: str, sentence: _Sentence, cue: Cue, found: list[Draft], quotes: Sequence[Quote]
) -> list[Draft]:
    """ "according to Reuters" names the medium of a statement already found;
    alone, "according to X" makes X the speaker of the rest of the sentence."""
    source, phrase = according_source(text, sentence.span, cue)
    if found:
        if source is not None and source.kind == ActorKind.MEDIA and found[-1].medium is None:
            return [*found[:-1], replace(found[-1], medium=source)]
        return found
    content = _around_phrase(text, sentence.span, phrase)
    if content is None:
        return found
    return [Draft(content, statement_kind(content, quotes), sentence.paragraph, cue, source)]


def _around_phrase(text: str, sentence: Span, phrase: Span) -> Span | None:
    if not text[sentence.start : phrase.start].strip(" \"'\u201c"):
        rest = re.match(r"[\s,]*", text[phrase.end : sentence.end])
        start = phrase.end + (rest.end() if rest else 0)
        return _trimmed(text, start, sentence.end)
    if re.match(r",\s*\w", text[phrase.end : sentence.end]):
        return _trimmed(text, sentence.start, sentence.end)  # "X, according to Y, does Z."
    return _trimmed(text, sentence.start, phrase.start)


def _around_quote(
    text: str, sentence: Span, quote: Quote, cue: Cue, quotes: Sequence[Quote]
) -> Span:
    """The quote before "she said", widened to the words that lead into it
    ("The bill's failure was "heartbreaking," she said") and to its second
    half when the attribution interrupts one sentence ("A," she said, "B.")."""
    start = quote.span.start
    lead = text[sentence.start : quote.span.start]
    if quote.span.start > sentence.start and lead.strip() and not re.search(r"[:;]\s*$", lead):
        start = sentence.start
    end = quote.span.end
    resumed = re.match(r"[^.;:!?\"\u201c\u201d]{0,40}?,\s*", text[cue.span.end : sentence.end])
    if resumed is not None:
        second = quote_at(quotes, cue.span.end + resumed.end())
        if second is not None and second.span.start == cue.span.end + resumed.end():
            end = second.span.end
    return Span(start, end)


def _quote_before(
    text: str, sentence: Span, cue: Cue, speaker: Mention, quotes: Sequence[Quote]
) -> Quote | None:
    """The quotation that ends just before "Lavrov said" or "said Lavrov"."""
    phrase = speaker.phrase or speaker.span
    edge = min(phrase.start, cue.span.start)
    for quote in _quotes_ending(quotes, sentence.start - 400, edge):
        gap = text[quote.span.end : edge]
        inner_end = text[quote.span.end - 3 : quote.span.end]
        if re.fullmatch(r"\s*,?\s*", gap) and (
            "," in gap or re.search(r"[,?!\u2014-]", inner_end)
        ):
            return quote
    return None


def _content_after(
    text: str, sentence: Span, cue: Cue, quotes: Sequence[Quote], later_cues: Sequence[Cue]
) -> Span | None:
    rest = text[cue.span.end : sentence.end]
    if cue.lemma in HEARER_VERBS and _only_hearer(rest):
        return None  # "told The New York Times.": nothing is reported after the cue
    start = _content_start(text, sentence, cue)
    opening = re.match(r"[\s,:]*", text[start : sentence.end])
    start += opening.end() if opening else 0
    after_that = re.search(r"\bthat\b", text[cue.span.end : start]) is not None
    if not after_that and (
        _PREPOSITION_START.match(text, start) or _CONJUNCTION_START.match(text, start)
    ):
        return None
    quote = quote_at(quotes, start)
    if quote is not None and quote.span.start == start:
        rest = text[quote.span.end : sentence.end]
        if quote.kind == QuoteKind.SPEECH or _TAIL.fullmatch(rest):
            return quote.span
    return _clause(text, start, sentence, cue, later_cues, quotes)


def _only_hearer(rest: str) -> bool:
    if re.search(r"[,;:\"\u201c]|\b(?:that|to)\b", rest) or _HEARER_OBJECT.match(rest):
        return False
    return len(rest.split()) <= 6


def _to_first_comma(text: str, content: Span) -> Span:
    """A relative clause ("Cruz, who says X, spoke") ends at its closing comma."""
    comma = text.find(", ", content.start, content.end)
    return content if comma < 0 else Span(content.start, comma)


def _content_start(text: str, sentence: Span, cue: Cue) -> int:
    rest = text[cue.span.end : sentence.end]
    bridge = _BRIDGE.match(rest)
    if bridge is not None and len(bridge.group().split()) <= 10:
        return cue.span.end + bridge.end()
    setting = _SETTING_THAT.match(rest)
    if setting is not None and len(setting.group().split()) <= 14:
        return cue.span.end + setting.end()
    when = _WHEN.match(rest)
    if when is not None and when.end() > 0:
        return cue.span.end + when.end()
    if cue.lemma in HEARER_VERBS:
        hearer = _HEARER_OBJECT.match(rest)
        if hearer is not None:
            return cue.span.end + hearer.end()
    return cue.span.end


def _clause(
    text: str,
    start: int,
    sentence: Span,
    cue: Cue,
    later_cues: Sequence[Cue],
    quotes: Sequence[Quote],
) -> Span | None:
    """From `start` to the natural end of the reported clause."""
    end = sentence.end
    for other in later_cues:
        if other.span.start > start and other is not cue:
            joint = _JOINT.search(text, start, other.span.start)
            if joint is not None:
                end = min(end, joint.start())
    end = _before_tail_attribution(text, start, end)
    end = _before_side_clause(text, start, end, quotes)
    if cue.lemma in _OBJECT_VERBS:
        end = _before_second_predicate(text, start, end, quotes)
        end = _before_time_tail(text, start, end)
    content = _trimmed(text, start, end)
    if content is None or not _substantial(text[content.start : content.end]):
        return None
    return content


# Where the reporter takes the word back: "..., but", "..., which", "; ".
_SIDE_CLAUSE = re.compile(
    r",\s+(?:which|who|while|though|although|whereas)\s|;\s|"
    r",\s+but\s+(?=(?:he|she|they|it|we|I|the|a|an|this|there|[A-Z])\b)"
    # ", and she ...": a clause of the reporter's own, with its own subject.
    r"|,\s+and\s+(?=(?:he|she|they|we|I)\s)"
)


_EMPTY_CONTENT = frozenset(
    """again too also later earlier today yesterday now then here there more back out
    up down publicly privately repeatedly recently so far""".split()
)


def _substantial(content: str) -> bool:
    """One word is content only as an object ("decried it"), not an adverb."""
    words = content.split()
    return len(words) >= _MIN_WORDS or (len(words) == 1 and words[0].lower() not in _EMPTY_CONTENT)


# The subject's next verb: "praised Pence for X but stopped short of Y".
_SECOND_PREDICATE = re.compile(
    r",\s|\s[-\u2014\u2013]+\s|,?\s+(?:and|but)\s+(?:then\s+|also\s+|later\s+)?"
    r"(?:[a-z]+ed|said|told|stopped|went|made|took|gave|left|came)\b"
)


# Verbs whose content is their object ("praised Putin as a strong leader").
_OBJECT_VERBS = frozenset(
    """praise call criticize criticise accuse blame attack thank support endorse defend
    oppose reject slam blast condemn mock hail tout dismiss decry denounce question
    label dub describe welcome challenge assail portray applaud laud rebuke""".split()
)


def _before_second_predicate(text: str, start: int, end: int, quotes: Sequence[Quote]) -> int:
    for match in _SECOND_PREDICATE.finditer(text, start, end):
        if quote_at(quotes, match.start()) is None:
            return match.start()
    return end


_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan\.|Feb\.|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
# A date closing the clause: "endorsed the mayor in March", "praised her on Tuesday".
_TIME_TAIL = re.compile(
    r",?\s+(?:"
    rf"(?:in|on|since|during)\s+(?:(?:late|early|mid)[\s-]+)?(?:{_MONTH}|{_WEEKDAY}|\d{{4}})"
    r"(?:\s+\d{1,2})?(?:,?\s+\d{4})?"
    rf"|last\s+(?:week|month|year|{_MONTH}|{_WEEKDAY})"
    r"|earlier\s+this\s+(?:week|month|year)"
    rf"|(?:on\s+)?{_WEEKDAY}(?:\s+(?:night|morning|afternoon|evening))?"
    r")[\s.,;:!?]*$"
)


def _before_time_tail(text: str, start: int, end: int) -> int:
    """An object's content stops before the date closing it: the date says when
    the speaker praised or endorsed, not what (a reported clause keeps its dates,
    which may belong to what was said: "said she would leave in May")."""
    tail = _TIME_TAIL.search(text, start, end)
    return end if tail is None else tail.start()


def _before_side_clause(text: str, start: int, end: int, quotes: Sequence[Quote]) -> int:
    for match in _SIDE_CLAUSE.finditer(text, start, end):
        if quote_at(quotes, match.start()) is None and not _embedded_relative(text, match, end):
            return match.start()
    return end


# The verb a subject takes up again after its relative clause closes.
_RESUMED = re.compile(
    r",\s+(?:is|are|was|were|has|have|had|will|would|could|can|may|might|must|should|"
    r"did|does|do|remains|remained)\b"
)


def _embedded_relative(text: str, match: re.Match[str], end: int) -> bool:
    """ "said the bridge, which the council funded, is unsafe": the relative clause
    sits inside the reported subject, whose verb follows its closing comma."""
    if not re.match(r",\s+(?:which|who)\s", match.group()):
        return False
    comma = text.find(",", match.end(), end)
    return comma >= 0 and _RESUMED.match(text, comma) is not None


def _before_tail_attribution(text: str, start: int, end: int) -> int:
    """Stop before ", he said" or ", Lavrov said" closing the sentence."""
    tail = re.search(
        r",\s+(?:[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,3}|he|she|they|it)\s+"
        r"(?:also\s+)?(?:said|says|added|told|wrote|noted)\b[^,]*$",
        text[start:end],
    )
    return start + tail.start() if tail else end


def _content_before(
    text: str, sentence: Span, cue: Cue, speaker: Mention, inverted: bool
) -> Span | None:
    """ "Rebels will stay, he said." or "..., said Lavrov": the clause before."""
    after = text[cue.span.end : sentence.end]
    hearer = cue.lemma in HEARER_VERBS and _HEARER_TAIL.fullmatch(after) is not None
    if not inverted and not hearer and not _CLOSING_TAIL.fullmatch(after):
        return None
    phrase = speaker.phrase or speaker.span
    edge = cue.span.start if inverted else min(phrase.start, cue.span.start)
    before = text[sentence.start : edge].rstrip()
    if not before.endswith(","):
        return None
    return _trimmed(text, sentence.start, sentence.start + len(before) - 1)


def _trimmed(text: str, start: int, end: int) -> Span | None:
    while start < end and text[start] in " \t\n\u00a0,:;":
        start += 1
    while end > start and text[end - 1] in " \t\n\u00a0.,;:!?":
        end -= 1
    if start >= end:
        return None
    return Span(start, end)


def statement_kind(content: Span, quotes: Sequence[Quote]) -> StatementKind:
    """DIRECT when the content is one quotation, MIXED when it holds one (nicknames and
    titles in quotes do not count), INDIRECT otherwise."""
    inside = [
        q for q in quotes_within(quotes, content.start, content.end) if q.kind != QuoteKind.NAME
    ]
    if any(q.span == content for q in inside):
        return StatementKind.DIRECT
    return StatementKind.MIXED if inside else StatementKind.INDIRECT


def _medium(text: str, sentence: Span, cue: Cue) -> Mention | None:
    """The outlet a speaker talked to: "told AFP", "in an interview with Fox News"."""
    rest = text[cue.span.end : sentence.end]
    candidates: list[tuple[int, int]] = []
    if cue.lemma == "tell":
        told = re.match(r"\s+((?:the\s+)?[A-Z][\w.&'’-]*(?:\s+[A-Z][\w.&'’-]*)*)", rest)
        if told is not None:
            candidates.append((cue.span.end + told.start(1), cue.span.end + told.end(1)))
    for match in _INTERVIEW.finditer(text, sentence.start, sentence.end):
        candidates.append((match.start(1), match.end(1)))
    for start, end in candidates:
        name = re.sub(r"['’]s$", "", text[start:end].rstrip("."))
        if classify_name(name) == ActorKind.MEDIA:
            return parse_mention(text, Span(start, start + len(name)))
    return None


def _add_leftover_quotes(
    text: str, sentences: Sequence[_Sentence], quotes: Sequence[Quote], drafts: list[Draft]
) -> list[Draft]:
    """Quotations no cue claimed: a dash signs it or a colon names the speaker, else
    the last one goes on."""
    result = sorted(drafts, key=lambda d: d.content)
    # What is added here is a quotation's own span: it covers no later quotation.
    covered = Intervals(d.content for d in drafts)
    for quote in quotes:
        if quote.kind != QuoteKind.SPEECH or covered.covers(quote.span.start, quote.span.end):
            continue
        sentence = _sentence_of(sentences, quote.span.start)
        if sentence is None:
            continue
        signed = _signed(text, sentence, quote)
        if signed is not None:
            insort(result, signed, key=_content)
        elif _stands_alone(text, quote, sentences):
            introduced = _introduced(text, sentences, sentence, quote)
            insort(result, introduced or _leftover(text, sentence, quote, result), key=_content)
    return result


def _content(draft: Draft) -> Span:
    return draft.content


def _last_before(drafts: Sequence[Draft], position: int) -> Draft | None:
    """The last draft (in content order) whose content ends by `position`."""
    start = bisect_right(drafts, position, key=lambda d: d.content.start)
    found = (drafts[i] for i in range(start - 1, -1, -1) if drafts[i].content.end <= position)
    return next(found, None)


def _introduced(
    text: str, sentences: Sequence[_Sentence], sentence: _Sentence, quote: Quote
) -> Draft | None:
    """ "Caddell continued:" closing one paragraph, the quotation opening the next."""
    before = bisect_right(sentences, sentence.paragraph - 1, key=lambda s: s.paragraph) - 1
    if (sentence.paragraph == 0 or before < 0 or sentences[before].paragraph != sentence.paragraph - 1
            or text[sentence.span.start : quote.span.start].strip()):
        return None
    last = sentences[before].span
    colon = text[last.start : last.end].rstrip().rfind(":")
    if colon < 0 or text[last.start + colon + 1 : last.end].strip():
        return None
    colon += last.start
    cues = find_cues(text, last.start, colon)
    if not cues:
        return None
    speaker = find_speaker(text, last, cues[-1], ())
    if speaker is None:
        return None
    return Draft(quote.span, StatementKind.DIRECT, sentence.paragraph, cues[-1], speaker)


def _signed(text: str, sentence: _Sentence, quote: Quote) -> Draft | None:
    """ "“We will win.” ― Jane Roe": a quotation opening its line, signed."""
    line_start = max(sentence.span.start, text.rfind("\n", 0, quote.span.start) + 1)
    if text[line_start : quote.span.start].strip():
        return None
    line_end = text.find("\n", quote.span.end)
    speaker = signature_speaker(text, quote.span.end, len(text) if line_end < 0 else line_end)
    if speaker is None:
        return None
    between = text[quote.span.end : speaker.span.start]
    start = quote.span.end + len(between) - len(between.lstrip())
    dash = Span(start, quote.span.end + len(between.rstrip()))
    cue = Cue(dash, dash.text(text), CueKind.VERB, dash)
    return Draft(quote.span, StatementKind.DIRECT, sentence.paragraph, cue, speaker)


# Between a cue and the quotation its clause carries: an object and a linking word,
# no clause boundary ("called them "lone wolves"", "branded Kim an "outlaw"").
_REACH_GAP = re.compile(r"[^;:.!?\"\u201c\u201d\n]{0,80}")
_REACH_WORDS = 10


def _reach_quotes(
    text: str, sentences: Sequence[_Sentence], quotes: Sequence[Quote], drafts: list[Draft]
) -> list[Draft]:
    """Quotations nothing claimed, a few words after a verb cue of their sentence:
    the cue's statement reaches to the end of the quotation (or becomes one)."""
    claims = _Claims(drafts)
    for quote in quotes:
        if quote.kind != QuoteKind.SPEECH or claims.cover(quote.span):
            continue
        sentence = _sentence_of(sentences, quote.span.start)
        cues = [] if sentence is None else [
            c for c in find_cues(text, sentence.span.start, quote.span.start)
            if c.kind == CueKind.VERB and quote_at(quotes, c.span.start) is None
        ]
        if sentence is None or not cues:
            continue
        cue = cues[-1]
        gap = text[cue.span.end : quote.span.start]
        if not _REACH_GAP.fullmatch(gap) or len(gap.split()) > _REACH_WORDS:
            continue
        own = claims.of_cue(cue.span)
        if own and not all(cue.span.end <= d.content.start < quote.span.start for d in own):
            continue
        start = cue.span.end + len(gap) - len(gap.lstrip())
        content = Span(start, quote.span.end)
        if own:
            speaker, medium = own[0].speaker, own[0].medium
        else:
            speaker = find_speaker(text, sentence.span, cue, quotes)
            if speaker is None or speaker.span.start > cue.span.start:
                speaker = subject_before(text, sentence.span, cue.span.start)
            medium = _medium(text, sentence.span, cue)
        draft = Draft(content, statement_kind(content, quotes), sentence.paragraph, cue,
                      speaker, None, medium)
        claims.replace(cue.span, draft)
    return sorted(claims.drafts(), key=lambda d: d.content)


class _Claims:
    """Drafts that one cue's draft may replace, asked about quotations in text order:
    whether one covers a quotation is read off a heap of the ends of the drafts that
    start before it, so each question costs a logarithm, not a pass over them all."""

    def __init__(self, drafts: Sequence[Draft]) -> None:
        self._drafts = list(drafts)
        self._gone: set[int] = set()
        self._by_cue: dict[Span, list[int]] = {}
        for index, draft in enumerate(self._drafts):
            if draft.cue is not None:
                self._by_cue.setdefault(draft.cue.span, []).append(index)
        self._waiting = sorted(range(len(self._drafts)), key=lambda i: self._drafts[i].content.start)
        self._next = 0
        self._at = -1  # the start of the last quotation asked about
        self._ends: list[tuple[int, int]] = []  # (-end, index) of drafts started by then

    def cover(self, span: Span) -> bool:
        """Whether a draft's content holds `span` (spans asked in order of start)."""
        self._at = span.start
        while self._next < len(self._waiting):
            index = self._waiting[self._next]
            if self._drafts[index].content.start > span.start:
                break
            heappush(self._ends, (-self._drafts[index].content.end, index))
            self._next += 1
        while self._ends and self._ends[0][1] in self._gone:
            heappop(self._ends)
        return bool(self._ends) and -self._ends[0][0] >= span.end

    def of_cue(self, cue: Span) -> list[Draft]:
        return [self._drafts[i] for i in self._by_cue.get(cue, [])]

    def replace(self, cue: Span, draft: Draft) -> None:
        """The drafts of `cue` give way to `draft` (a draft of the same cue)."""
        self._gone.update(self._by_cue.pop(cue, []))
        index = len(self._drafts)
        self._drafts.append(draft)
        self._by_cue[cue] = [index]
        if draft.content.start <= self._at:
            heappush(self._ends, (-draft.content.end, index))
        else:
            insort(self._waiting, index, lo=self._next, key=lambda i: self._drafts[i].content.start)

    def drafts(self) -> list[Draft]:
        return [d for i, d in enumerate(self._drafts) if i not in self._gone]


def _covered(quote: Quote, drafts: Intervals) -> bool:
    return drafts.covers(quote.span.start, quote.span.end)


def _sentence_of(sentences: Sequence[_Sentence], position: int) -> _Sentence | None:
    index = bisect_right(sentences, position, key=lambda s: s.span.start) - 1
    return sentences[index] if index >= 0 and position < sentences[index].span.end else None


def _quotes_ending(quotes: Sequence[Quote], low: int, high: int) -> Sequence[Quote]:
    """The quotations ending in [low, high], in order."""
    return quotes[bisect_left(quotes, low, key=lambda q: q.span.end) :
                  bisect_right(quotes, high, key=lambda q: q.span.end)]


def _quote_starts_in(quotes: Sequence[Quote], span: Span) -> bool:
    first = bisect_left(quotes, span.start, key=lambda q: q.span.start)
    return first < len(quotes) and quotes[first].span.start < span.end


def _stands_alone(text: str, quote: Quote, sentences: Sequence[_Sentence]) -> bool:
    """The quotation is its sentence (or the sentence is a name, a colon and it)."""
    last = _sentence_of(sentences, quote.span.end - 1)
    if last is None or not _TAIL.fullmatch(text[quote.span.end : last.span.end]):
        return False
    first = _sentence_of(sentences, quote.span.start)
    assert first is not None
    lead = text[first.span.start : quote.span.start]
    return not lead.strip() or lead.rstrip().endswith(":")


def _leftover(text: str, sentence: _Sentence, quote: Quote, drafts: Sequence[Draft]) -> Draft:
    speaker = colon_speaker(text, sentence.span, quote)
    if speaker is not None:
        colon = text.rfind(":", sentence.span.start, quote.span.start)
        cue = Cue(Span(colon, colon + 1), ":", CueKind.VERB, Span(colon, colon + 1))
        return Draft(quote.span, StatementKind.DIRECT, sentence.paragraph, cue, speaker)
    last = _last_before(drafts, quote.span.start)
    if last is not None and last.speaker is not None:
        if sentence.paragraph - last.paragraph <= 1:
            same = sentence.paragraph == last.paragraph
            return Draft(
                quote.span, StatementKind.DIRECT, sentence.paragraph,
                last.cue if same else None, last.speaker, None, last.medium if same else None,
            )
    return Draft(quote.span, StatementKind.DIRECT, sentence.paragraph)


# Between `"A," he said.` and `"B."`: the attribution, nothing quoted, closed by a
# period (after "adding:" the second quote is a statement of its own); or, in one
# sentence, closed by a comma before a quotation that goes on in lower case
# (`"A," he said, "and b."`).
_SPLIT_GAP = re.compile(r"[^\"\u201c\u201d\n]{1,100}?\.\s+")
_MID_SENTENCE_GAP = re.compile(r"[^\"\u201c\u201d\n.!?]{1,100}?,\s*")
_GOES_ON = re.compile(r"\W{0,3}(?:\.\.\.\s*|\u2026\s*)?[a-z]")


def joined_quotes(text: str, drafts: Sequence[Draft], quotes: Sequence[Quote] = ()) -> list[Draft]:
    """ `"A," he said. "B."` as one statement from A to B: PolNeAR's annotators
    join the two halves (about 7 times in 8 on its train split); so are
    `"A," he said, "and b."`, one sentence split by its attribution."""
    joined: list[Draft] = []
    for draft in drafts:
        last = joined[-1] if joined else None
        if last is not None and _continues(text, last, draft):
            joined[-1] = replace(last, content=Span(last.content.start, draft.content.end))
        else:
            joined.append(draft)
    claimed = Intervals(d.content for d in joined)
    return [_with_rest_of_sentence(text, d, quotes, claimed) for d in joined]


def _with_rest_of_sentence(
    text: str, draft: Draft, quotes: Sequence[Quote], drafts: Intervals
) -> Draft:
    """`"A," he said, "and b."`: the lower-case second half no statement claimed."""
    if draft.kind != StatementKind.DIRECT or draft.cue is None:
        return draft
    if not draft.content.end <= draft.cue.span.start:
        return draft
    following = bisect_left(quotes, draft.content.end, key=lambda q: q.span.start)
    rest = quotes[following] if following < len(quotes) else None
    if rest is None or rest.kind == QuoteKind.NAME or _covered(rest, drafts):
        return draft
    gap = _MID_SENTENCE_GAP.fullmatch(text, draft.content.end, rest.span.start)
    if (
        gap is None
        or not draft.cue.span.end <= rest.span.start
        or not re.search(r",\W{0,3}$", text[draft.content.start : draft.content.end])
        or not _GOES_ON.match(text, rest.span.start + 1)
    ):
        return draft
    return replace(draft, content=Span(draft.content.start, rest.span.end))


def _continues(text: str, first: Draft, second: Draft) -> bool:
    if StatementKind.DIRECT != first.kind or StatementKind.DIRECT != second.kind:
        return False
    if first.paragraph != second.paragraph or first.cue is None:
        return False
    # `"B," she added.`: a quotation with its own cue is its own statement.
    if second.cue is not None and second.cue.span != first.cue.span:
        return False
    if not first.content.end <= first.cue.span.start < second.content.start:
        return False
    ends_open = re.search(r"[,?!\u2014-]\W{0,3}$", text[first.content.start : first.content.end])
    gap = _SPLIT_GAP.fullmatch(text, first.content.end, second.content.start)
    return ends_open is not None and gap is not None and _one_sentence(text, gap)


def _one_sentence(text: str, gap: re.Match[str]) -> bool:
    """The gap is the attribution alone: no sentence ends inside it."""
    inner = re.finditer(r"[.!?](?=\s+\S)", text[gap.start() : gap.end()].rstrip())
    return all(after_abbreviation(text, gap.start() + m.start()) for m in inner)


def _deduplicated(text: str, drafts: Sequence[Draft]) -> list[Draft]:
    """One statement per content; a repeated quotation (a pull quote) is dropped."""
    seen: set[str] = set()
    spans: set[Span] = set()
    kept: list[Draft] = []
    for draft in sorted(drafts, key=lambda d: d.content):
        words = " ".join(re.findall(r"\w+", text[draft.content.start : draft.content.end].lower()))
        if draft.content in spans or (len(words) > 40 and words in seen):
            continue
        seen.add(words)
        spans.add(draft.content)
        kept.append(draft)
    return kept


def _resolve_all(text: str, drafts: Sequence[Draft], people: Sequence[Mention]) -> list[Draft]:
    """Give each draft the named mention its speaker stands for."""
    named = sorted(
        [d.speaker for d in drafts if d.speaker is not None and not d.speaker.pronoun]
        + list(people),
        key=lambda m: m.span,
    )
    genders = _Genders(text, named)
    resolved: list[Draft] = []
    for draft in drafts:
        speaker = draft.speaker
        target = speaker
        if speaker is not None and speaker.pronoun:
            earlier = _named_before(named, speaker.span.start)
            target = resolve_pronoun(speaker, earlier, genders.of)
            if target is not None:
                genders.learn(target, pronoun_gender(speaker.name))
        elif speaker is not None and speaker.kind == ActorKind.UNNAMED:
            earlier = _named_before(named, speaker.span.start)
            target = resolve_role(speaker, earlier, lambda m: _title_before(text, m)) or speaker
        resolved.append(replace(draft, resolved=target))
    return resolved


def _named_before(named: Sequence[Mention], position: int) -> list[Mention]:
    """The last LOOKBACK_MENTIONS of `named` (sorted by span) ending by `position`."""
    stop = bisect_right(named, position, key=lambda m: m.span.start)
    window = named[max(0, stop - LOOKBACK_MENTIONS) : stop]
    return [m for m in window if m.span.end <= position]


class _Genders:
    """What the article says about each surname's gender, learnt as it is read."""

    def __init__(self, text: str, people: Sequence[Mention]) -> None:
        self._by_surname: dict[str, set[Gender]] = {}
        for person in people:
            if person.kind == ActorKind.PERSON:
                self.learn(person, _written_gender(text, person))

    def learn(self, person: Mention, gender: Gender) -> None:
        if gender != Gender.UNKNOWN and person.name:
            self._by_surname.setdefault(person.name.split()[-1], set()).add(gender)

    def of(self, person: Mention) -> Gender:
        # Two people of one surname and both genders ("the Clintons"): no guess.
        found = self._by_surname.get(person.name.split()[-1] if person.name else "", set())
        return next(iter(found)) if len(found) == 1 else Gender.UNKNOWN


def _title_before(text: str, person: Mention) -> str:
    """The mention's title, or the words written right before the name
    ("Republican presidential nominee Donald Trump")."""
    before = text[max(0, person.span.start - 45) : person.span.start]
    return f"{person.title or ''} {' '.join(before.split()[-4:])}"


def _written_gender(text: str, person: Mention) -> Gender:
    """Gender from the title or honorific before the name, else the first name."""
    # Only the word right before the name: "Mrs. Clinton and Trump" says nothing of Trump.
    before = re.search(r"(\S+)\s+$", text[max(0, person.span.start - 20) : person.span.start])
    return person_gender(person.name, f"{person.title or ''} {before.group(1) if before else ''}")
