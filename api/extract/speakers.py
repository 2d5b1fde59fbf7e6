"""Who a cue belongs to: the speaker phrase before it, after it (inverted
"said Rep. Jerry Nadler"), before a colon, in a possessive ("Lavrov's
announcement") or after "according to"; and what a pronoun stands for.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Sequence
from dataclasses import replace

from api.extract.actors import Mention, parse_mention, pronoun_kinds
from api.extract.cues import HEARER_VERBS, Cue, lemma_of
from api.extract.gender import Gender, compatible, pronoun_gender
from api.extract.quotes import Quote, quotes_within
from api.extract.results import ActorKind, Span
from api.extract.sentences import after_abbreviation, last_sentence_start

# Where a subject phrase can begin: clause punctuation and subordinators, and
# "and" before a pronoun that ends the phrase ("... and she accused").
_BOUNDARY = re.compile(
    r"[;:\u2014\u2013]|\s-\s|,\s+(?:and|but|or)\b|\b(?:and|but)\s(?=(?:he|she|they|we|I)\s+$)|"
    r"\b(?:[Tt]hat|despite|after|because|while|as|"
    r"since|when|although|though|if|whether|where|before|until|unless|amid|"
    r"because|than|whereas|whose|what|how|why|[Uu]nless|[Ss]ince|[Bb]ecause|"
    r"[Ww]hen|[Aa]s|[Ww]hile|[Aa]fter|[Ii]f|[Ss]o)\s"
)
_CONNECTORS = re.compile(
    r"^(?:(?:and|but|so|yet|still|meanwhile|however|instead|now|then|also|indeed|"
    r"separately|moreover|earlier|later|on\s+\w+day|last\s+\w+)\b[,\s]*)+",
    re.IGNORECASE,
)
_TRAILING = re.compile(
    r"(?:\s+(?:also|earlier|later|then|again|previously|once|too|had|has|have|first|never|"
    r"often|always|already|still|even|just|seldom|soon|long|ever|not|would|will|could|can|"
    r"should|may|might|must|did|does|do|"
    r"on\s+\w+day|this\s+week|last\s+\w+|[a-z]\w*ly|(?:in|on|at|during|through|via)\s+"
    r"(?:a|an|the|his|her|their|its)\s+[\w'’ -]{1,30}?))+\s*$"
)
_VERBISH = frozenset(
    """has have had is was were are will would could should may might must did does
    do can""".split()
)
_INVERTED_STOP = re.compile(
    r"[,.;:!?\u2014()]|\s(?:in|on|at|during|to|according|after|when|as|before|about|of|"
    r"this|last|earlier|later|yesterday|today|recently)\b"
)
_MAX_WORDS = 22
_RELATIVE_SUBJECT = re.compile(
    r"\s*([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4}),\s+(?:who|which)\s[^,]{1,120},\s*\Z"
)
# Verbs whose next noun phrase is their object, never an inverted subject
# ("..., blasted Clinton as a disgrace"; "..., asked Lee").
_OBJECT_FIRST = frozenset(
    """ask blast slam call accuse praise criticize criticise attack brand label describe
    support endorse oppose chant sing liken compare exhort characterize characterise
    scold chastise implore lambaste deride ridicule mock show find see cite quote defend
    thank welcome challenge assail portray encourage applaud blame dismiss denounce
    condemn rebuke hail laud tout question order instruct dub favor favour reject
    request consider discuss echo highlight offer express""".split()
)
# ..., said pollster Jo Roe": lower-case role words may come before the name.
_INVERTED_START = re.compile(
    r"\s+(?:[A-Z]|(?:former|then|the|a|an|its|his|her|their|one|two|several)\b|"
    r"(?:he|she|they|it)\s*$|(?:(?!(?:by|that|to|of|in|on|at|with|for|from|as|and|or|but|"
    r"about|which|who|when|if|because|so|while|after|before|is|was)\b)[a-z][\w-]*\s+){1,3}[A-Z])"
)


def find_speaker(text: str, sentence: Span, cue: Cue, quotes: Sequence[Quote]) -> Mention | None:
    """The speaker of a verb cue: inverted after it, else the subject before it."""
    after = speaker_after(text, sentence, cue)
    return after if after is not None else speaker_before(text, sentence, cue, quotes)


def speaker_after(text: str, sentence: Span, cue: Cue) -> Mention | None:
    """ "..., said Rep. Jerry Nadler, a Democrat": only after a comma or a quote,
    and only when the phrase after the cue ends the clause."""
    before = text[sentence.start : cue.span.start].rstrip()
    if not before.endswith((",", "\u201d", '"', "''")) or cue.participle:
        return None
    if cue.lemma in HEARER_VERBS or cue.lemma in _OBJECT_FIRST:  # "told MSNBC": the hearer
        return None
    end = _inverted_end(text, sentence, cue)
    phrase = text[cue.span.end : end]
    if not _INVERTED_START.match(phrase):
        return None
    words = re.findall(r"[\w'’-]+", phrase)
    if not words or len(words) > 8 or any(
        w in _VERBISH or lemma_of(w) or (w.islower() and w.endswith("ed")) for w in words[1:]
    ):
        return None
    if words[0].lower() in {"he", "she", "they", "it"} and len(words) > 1:
        return None
    end = _with_appositive(text, end, sentence.end)
    return _checked(parse_mention(text, Span(cue.span.end, end)))


def _inverted_end(text: str, sentence: Span, cue: Cue) -> int:
    """Where the phrase after an inverted cue stops (a period after "Gov." does not)."""
    rest = text[cue.span.end : sentence.end]
    for stop in _INVERTED_STOP.finditer(rest):
        if stop.group() != "." or not after_abbreviation(text, cue.span.end + stop.start()):
            return cue.span.end + stop.start()
    return cue.span.end + len(rest.rstrip())


def _with_appositive(text: str, end: int, limit: int) -> int:
    """Extend "Jerry Nadler" over ", a Democrat from New York" when present."""
    match = re.match(r",\s+(?:an?|the)\s[^,.;]+", text[end:limit])
    return end + match.end() if match else end


_AND_BEFORE = re.compile(r",\s+(?:and|but)\s*$")


def speaker_before(
    text: str, sentence: Span, cue: Cue, quotes: Sequence[Quote]
) -> Mention | None:
    """The subject phrase ending at the cue ("Foreign Minister Sergei Lavrov said")."""
    # "Chris Christie, who has campaigned for Trump since May, blasted": the name
    # before "who" (subordinators inside the relative clause start no subject).
    clause = _RELATIVE_SUBJECT.match(text, sentence.start, cue.span.start)
    if clause is not None:
        mention = _checked(parse_mention(text, Span(clause.start(1), clause.end(1))))
        if mention is not None and not mention.pronoun:
            return mention
    end = _before_dash_aside(text, sentence.start, cue.span.start)
    left = _left_edge(text, sentence, end, quotes)
    start = left
    segment = text[start:end]
    # "X did A, and criticized B": nothing between ", and" and the cue, so the
    # verbs share the sentence's subject (", and he said" brings its own); likewise
    # "Roe praised the plan, and later called" (the boundary ate the "and").
    shared = not segment.strip() and _AND_BEFORE.search(text, sentence.start, end)
    if shared or _COORDINATED_VERB.search(text, max(sentence.start, start - 12), end):
        return _coordinated_subject(text, Span(sentence.start, end))
    relative = _relative_speaker(text, start, end)
    if relative is not None:
        return relative
    # "Jo Roe, a lawyer, first pointed out": the adverb is no piece of its own.
    trail = _TRAILING.search(text, max(start, end - 80), end)
    end = trail.start() if trail is not None else end
    start = _after_last_clause_comma(text, start, end)
    start, end = _strip_edges(text, start, end)
    if start >= end or len(text[start:end].split(",")[0].split()) > _MAX_WORDS:
        return None
    return _checked(parse_mention(text, Span(start, end)))


_COORDINATED_VERB = re.compile(
    r"\b(?:and|but)\s+(?:(?:[a-z]+ly|even|also|then|later|again|still)\s+)?$"
)


_RELATIVE_TAIL = re.compile(r",\s+(who|which)\s+(?:\w+ly\s+|also\s+)?$")


def _relative_speaker(text: str, start: int, end: int) -> Mention | None:
    """ "Cruz, who says ...": the mention is "who", standing for "Cruz"."""
    # The tail first, then the antecedent back to the last comma, semicolon or colon:
    # one regex "([^,;:]+),\s+who..." would retry every start of a long clause.
    tail = _RELATIVE_TAIL.search(text, start, end)
    if tail is None:
        return None
    first = max(text.rfind(mark, start, tail.start()) for mark in ",;:") + 1
    first = max(first, start)
    if first >= tail.start():
        return None
    antecedent = _checked(parse_mention(text, Span(first, tail.start())))
    if antecedent is None or antecedent.pronoun:
        return None
    who = Span(tail.start(1), tail.end(1))
    return replace(antecedent, span=who, phrase=who)


def sentence_subject(text: str, sentence: Span, cue: Cue) -> Mention | None:
    """The subject of a sentence's first verb ("Le Pen voiced support ..., saying")."""
    return _coordinated_subject(text, Span(sentence.start, cue.span.start))


def subject_before(text: str, sentence: Span, position: int) -> Mention | None:
    """The subject of the first verb between the sentence start and `position`
    ("Trump openly admires Putin as a “strong leader”": Trump)."""
    return _coordinated_subject(text, Span(sentence.start, position))


# "“...” ― Sonya Herridge": a quotation signed with a dash and a name.
_SIGNATURE = re.compile(r"[^\S\n]*[\u2015\u2014\u2013-]{1,2}[^\S\n]*([A-Z][^\n.,;:!?()\u201c\u201d\"]{1,60})")


def signature_speaker(text: str, position: int, limit: int) -> Mention | None:
    """The name signing a quotation that ends at `position`, up to `limit`."""
    match = _SIGNATURE.match(text, position, limit)
    if match is None:
        return None
    mention = parse_mention(text, Span(match.start(1), match.end(1)))
    return mention if mention is not None and not mention.pronoun else None


# "Roe — after a pause — said": an aside between dashes right before the cue.
_DASH_ASIDE = re.compile(r"\s*(?:[\u2014\u2013]|\s-)[^\u2014\u2013;:]{1,120}(?:[\u2014\u2013]|\s-)\s*$")


def _before_dash_aside(text: str, start: int, end: int) -> int:
    """Where the subject ends when an aside between dashes precedes the cue."""
    if not text[max(start, end - 3) : end].rstrip().endswith(("\u2014", "\u2013", "-")):
        return end  # the common case, checked cheaply
    aside = _DASH_ASIDE.search(text, start, end)
    return aside.start() if aside is not None and aside.start() > start else end


def _left_edge(text: str, sentence: Span, end: int, quotes: Sequence[Quote]) -> int:
    left = sentence.start
    for quote in quotes_within(quotes, 0, end)[-1:]:  # the last to end by `end`
        left = max(left, quote.span.end)
    left = last_sentence_start(text, left, end)
    # Before "..., said" a clause between commas is an appositive: its "that",
    # "whose" or "which" opens no subject ("Jo Roe, clad in a cape that named
    # Lee, said"; "Jo Roe, whose firm makes tools, said").
    closed = text[left:end].rstrip().endswith(",")
    commas = [m.start() for m in _COMMA.finditer(text, left, end)] if closed else []
    for match in _BOUNDARY.finditer(text, left, end):
        inside = closed and match.group()[0].isalpha() and _comma_between(commas, left, match.start())
        left = left if inside else max(left, match.end())
    return left


_COMMA = re.compile(",")


def _comma_between(commas: Sequence[int], start: int, end: int) -> bool:
    """Whether a comma of the sorted `commas` lies in [start, end)."""
    index = bisect_left(commas, start)
    return index < len(commas) and commas[index] < end


def _coordinated_subject(text: str, span: Span) -> Mention | None:
    """ "Rebel groups have ruled out the plan and said": the subject of the first verb."""
    for match in re.finditer(r"[\w'’-]+", text[span.start : span.end]):
        word = match.group().lower()
        if word in _VERBISH or lemma_of(word) is not None or word.endswith("ed"):
            end = span.start + match.start()
            start = _after_last_clause_comma(text, span.start, end)
            start, end = _strip_edges(text, start, end)
            if start >= end or len(text[start:end].split()) > _MAX_WORDS:
                return None
            return _checked(parse_mention(text, Span(start, end)))
    return None


def _after_last_clause_comma(text: str, start: int, end: int) -> int:
    """Skip "In another comment," but keep "Jerry Nadler, a Democrat," whole."""
    segment = text[start:end].rstrip()
    if "," not in segment:
        return start
    if not segment.endswith(","):
        return start + segment.rindex(",") + 1
    # "NAME, APPOSITIVE, said": the subject is the first piece that opens with a
    # name; the appositives after it may name places and papers ("Jo Roe, 22, of
    # Flint, Mich., said"; "Al Vian, editor of the paper, La Stampa, said").
    pieces = segment.split(",")[:-1]
    offsets = [sum(len(p) + 1 for p in pieces[:i]) for i in range(len(pieces))]
    named = [
        offset for i, (piece, offset) in enumerate(zip(pieces, offsets, strict=True))
        if _opens_with_name(piece) and not (i and _place_qualifier(pieces[i - 1], piece))
    ]
    # "The French interior minister, Jean Roe, said": the name over its description.
    people = [o for o in named if _names_person(text, start + o, end)]
    if people or named:
        return start + (people or named)[0]
    plain = [o for p, o in zip(pieces, offsets, strict=True) if not _ADVERBIAL.match(p.strip())]
    return start + (plain[0] if plain else 0)


def _names_person(text: str, start: int, end: int) -> bool:
    """Whether the piece starting at `start` (up to its comma) opens with a
    person's name and title ("Senator Jo Roe"; not "A pastor backing Roe")."""
    comma = text.find(",", start, end)
    mention = parse_mention(text, Span(start, comma if comma >= 0 else end))
    if mention is None or mention.kind != ActorKind.PERSON or mention.pronoun:
        return False
    lead = text[start : mention.span.start].split()
    return all(w[0].isupper() or w in ("former", "then") for w in lead)


def _place_qualifier(previous: str, piece: str) -> bool:
    """ "in Flint, Mich.": one word after a place named by a preposition."""
    place = re.search(r"\b(?:in|of|from|near|at)\s+[A-Z][\w.'’-]*\s*$", previous)
    return place is not None and len(piece.split()) == 1


def _opens_with_name(piece: str) -> bool:
    """ "But Jo Roe" does, after its connector; "In Iowa" and "Monday" do not."""
    piece = piece.strip()
    lead = _CONNECTORS.match(piece)
    piece = piece[lead.end() :] if lead else piece
    return (
        re.match(r"[A-Z]", piece) is not None
        and not _ADVERBIAL.match(piece)
        and not _PARTICIPLE_OPENER.match(piece)
    )


# "Alarmed by the unrest, Jo Roe said": a participle phrase, not the subject.
_PARTICIPLE_OPENER = re.compile(r"[A-Z][a-z]+ed\s+(?:by|on|about|with|at|in|for|to|over)\b")


# Pieces that open a sentence without being its subject ("In a statement,").
_ADVERBIAL = re.compile(
    r"(?:[Ii]n|[Oo]n|[Aa]t|[Ff]or|[Aa]fter|[Bb]efore|[Dd]uring|[Ll]ast|[Ee]arlier|[Ll]ater|"
    r"[Mm]eanwhile|[Hh]owever|[Ss]till|[Yy]et|[Bb]ut|[Aa]nd|[Ss]o|[Ii]ndeed|[Ii]nstead|"
    r"[Nn]ow|[Tt]hen|[Ss]eparately|[Mm]oreover|[Aa]lso|[Tt]oday|[Yy]esterday|[Ff]inally|"
    r"[Aa]sked|[Ss]peaking|[Ww]riting|[Ii]ronically|[Ll]ikewise|[A-Z][a-z]+ly|[A-Z][a-z]+ing|"
    r"[Ll]ike|[Uu]nlike|[Ww]ith|[Ww]ithout|[Ff]rom|[Bb]y|[Dd]espite|[Aa]mid|[Uu]nder|[Aa]mong|"
    r"[Aa]s|[Ii]f|[Ww]hen|[Ww]hile|[Ss]ince|[Bb]ecause|[Tt]hough|[Aa]lthough|[Uu]ntil|"
    r"[Tt]o|[Oo]f|[Oo]ver|[Tt]his|[Tt]hat|[Nn]ext|[Tt]hroughout|[Tt]here|[Hh]ere|"
    r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day|January|February|March|April|June|July|"
    r"August|September|October|November|December|(?:Jan|Feb|Aug|Sept|Oct|Nov|Dec)\.)\b"
)


# What opens a subordinate clause before its subject: "although he thanked",
# "in which she said" (the subject is the pronoun after it).
_SUBORDINATE_OPENER = re.compile(
    r"(?:(?:[Aa]lthough|[Tt]hough|[Ww]hile|[Bb]ecause|[Ww]hen|[Ii]f|[Ss]ince|[Oo]nce|[Uu]nless|"
    r"[Ww]hereas|(?:in|during|at|for|by|with|from|under|through|after|before)\s+which)\s+)+"
)


def _strip_edges(text: str, start: int, end: int) -> tuple[int, int]:
    aside = re.search(r"\s*\([^()]*\)\s*$", text[start:end])  # "Rep. Issa (R-Calif.)"
    if aside is not None:
        end = start + aside.start()
    segment = text[start:end]
    lead = _CONNECTORS.match(segment.lstrip())
    start += len(segment) - len(segment.lstrip()) + (lead.end() if lead else 0)
    opener = _SUBORDINATE_OPENER.match(text, start, end)
    if opener is not None and opener.end() < end:
        start = opener.end()
    segment = text[start:end]
    trail = _TRAILING.search(segment)
    if trail is not None:
        end = start + trail.start()
    return start, end


def _checked(mention: Mention | None) -> Mention | None:
    """Drop common-noun "speakers" that are really clauses ("the plan was")."""
    if mention is None or mention.kind not in (ActorKind.UNNAMED, ActorKind.GROUP):
        return mention
    words = re.findall(r"[\w'’-]+", mention.name)
    # The head may be a verb form used as a noun ("the state", "the report").
    if len(words) > 16 or any(_verb_form(w.lower()) for w in words[:-1]):
        return None
    return mention


def _verb_form(word: str) -> bool:
    """An auxiliary or an inflected reporting verb ("said"), not a noun-like base form."""
    if word in _VERBISH:
        return True
    lemma = lemma_of(word)
    return lemma is not None and word != lemma and not word.endswith("s")


def colon_speaker(text: str, sentence: Span, quote: Quote) -> Mention | None:
    """ "Lavrov: "We will..."": a short name phrase, a colon, then the quote."""
    before = text[sentence.start : quote.span.start]
    match = re.search(r"([^.:;!?\u201d\"]{1,60}):\s*$", before)
    if match is None or len(match.group(1).split()) > 6:
        return None
    start = sentence.start + match.start(1)
    mention = parse_mention(text, Span(start, start + len(match.group(1))))
    return mention if mention is not None and mention.kind != ActorKind.UNNAMED else None


def possessive_speaker(text: str, sentence: Span, cue: Cue) -> Mention | None:
    """ "Lavrov's earlier announcement": the possessor of a noun cue."""
    before = text[sentence.start : cue.span.start]
    match = re.search(r"((?:[A-Z][\w.'’-]*\s+){0,4}[A-Z][\w.'’-]*)['’]s\s+(?:\w+\s+)?$", before)
    if match is None:
        return None
    start = sentence.start + match.start(1)
    return parse_mention(text, Span(start, sentence.start + match.end(1)))


_POSSESSIVE_PRONOUN = re.compile(r"\b(his|her|their|its)\s+(?:[\w-]+\s+){0,2}$", re.IGNORECASE)


def possessor(text: str, sentence: Span, cue: Cue) -> Mention | None:
    """Who owns a noun cue: "Lavrov's announcement", or the pronoun of "his push for"."""
    named = possessive_speaker(text, sentence, cue)
    if named is not None:
        return named
    match = _POSSESSIVE_PRONOUN.search(text, max(sentence.start, cue.span.start - 40), cue.span.start)
    if match is None:
        return None
    span = Span(match.start(1), match.end(1))
    return Mention(span, match.group(1), ActorKind.PERSON, pronoun=True, phrase=span)


def according_source(text: str, sentence: Span, cue: Cue) -> tuple[Mention | None, Span]:
    """The source after "according to", and the span of the whole phrase."""
    rest = text[cue.span.end : sentence.end]
    stop = re.search(
        r"[,;:!?]|\.(?:\s|$|[\"\u201d])|\s(?:who|which|that|released|published|conducted|"
        r"issued|out|taken|last|this|on)\s",
        rest,
    )
    end = cue.span.end + (stop.start() if stop else len(rest.rstrip(". ")))
    document = _DOCUMENT.match(text, cue.span.end, end)
    if document is None:
        return parse_mention(text, Span(cue.span.end, end)), Span(cue.span.start, end)
    # "according to a statement (from the ministry)": the document is no actor.
    author = document.group(1)
    mention = parse_mention(text, Span(document.start(1), end)) if author else None
    return mention, Span(cue.span.start, end)


_DOCUMENT = re.compile(
    r"\s*(?:an?|the|his|her|their|its)\s+(?:\w+\s+)?(?:statement|press release|release|"
    r"transcript)(?:\s+(?:from|by|issued by)\s+(\S.*))?\s*$"
)


# How many named mentions, nearest first, a pronoun or a role ("the senator") is
# resolved against. A real article's antecedent is far closer; the bound keeps
# resolution linear on a text of thousands of names and pronouns.
LOOKBACK_MENTIONS = 200


def resolve_pronoun(
    pronoun: Mention,
    earlier: Sequence[Mention],
    gender_of: Callable[[Mention], Gender] | None = None,
) -> Mention | None:
    """The nearest preceding named actor a pronoun can stand for; with
    `gender_of`, "she" skips the men and "he" the women."""
    kinds = pronoun_kinds(pronoun.name)
    wanted = pronoun_gender(pronoun.name)
    for mention in reversed(earlier):
        if mention.pronoun or mention.kind not in kinds:
            continue
        if pronoun.name.casefold() in {"they", "their"} and mention.kind == ActorKind.PERSON:
            continue
        if gender_of is not None and not compatible(wanted, gender_of(mention)):
            continue
        return mention
    return None


# A role word and the title words that name it ("the senator" = "Sen. Sanders").
_ROLE_TITLES: dict[str, frozenset[str]] = {
    role: frozenset(titles.split())
    for role, titles in {
        "senator": "senator sen. sen", "congressman": "rep. rep representative congressman",
        "congresswoman": "rep. rep representative congresswoman",
        "governor": "gov. gov governor", "president": "president pres.",
        "general": "gen. gen general", "mayor": "mayor", "nominee": "nominee",
        "candidate": "candidate", "secretary": "secretary",
        "speaker": "speaker", "chairman": "chairman", "chairwoman": "chairwoman",
        "minister": "minister", "ambassador": "ambassador", "judge": "judge",
        "businessman": "businessman", "billionaire": "billionaire",
    }.items()
}
_DEFINITE_ROLE = re.compile(r"[Tt]he\s+(?:[\w.-]+\s+){0,3}?([a-z]+)$")


def resolve_role(
    mention: Mention,
    earlier: Sequence[Mention],
    title_of: Callable[[Mention], str] | None = None,
) -> Mention | None:
    """ "the senator", "the Republican nominee": the nearest person named
    earlier with that title ("Sen. Bernie Sanders"); every other word of the
    description must be in the title too ("Republican"). `title_of` may read
    a title the mention itself did not keep."""
    match = _DEFINITE_ROLE.fullmatch(mention.name)
    titles = _ROLE_TITLES.get(match.group(1)) if match else None
    if match is None or titles is None:
        return None
    modifiers = {w.lower() for w in mention.name.split()[1:-1]}
    for person in reversed(earlier):
        title = title_of(person) if title_of is not None else person.title or ""
        words = {w.lower() for w in title.split()}
        if person.kind == ActorKind.PERSON and words & titles and modifiers <= words:
            return person
    return None
