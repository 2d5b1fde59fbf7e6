"""The cue lexicon: words that report speech, belief or intention.

A cue is a reporting verb in any tense, with its auxiliaries and negation
("has praised", "would not say"), a reporting noun ("announcement") or the
phrase "according to". Finding a cue says nothing yet about who spoke.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from api.extract.results import Span


class CueKind(StrEnum):
    VERB = "VERB"
    NOUN = "NOUN"
    ACCORDING = "ACCORDING"
    # The writer's hedge on a whole clause ("Clinton seemed to", "is expected to"):
    # PolNeAR counts the clause as content with no source.
    STANCE = "STANCE"
    # "Asked whether ...", "was asked about ...": the question is content, and
    # PolNeAR gives it no source (the asker is rarely named).
    ASKED = "ASKED"


@dataclass(frozen=True)
class Cue:
    """One cue: its span (auxiliaries included), lemma and grammatical kind."""

    span: Span
    lemma: str
    kind: CueKind
    # The inflected verb itself, without auxiliaries ("praised" in "has praised").
    head: Span
    participle: bool = False  # "-ing" form, as in "..., adding that ..."


# Verbs of saying, writing, believing and intending; PolNeAR counts all of them.
SPEECH_VERBS = frozenset(
    """say tell add ask write note report announce suggest argue describe tweet
    declare explain acknowledge criticize accuse recall respond propose
    agree conclude claim insist warn promise reply reveal predict vow pledge deny
    stress mention charge complain confirm contend emphasize emphasise maintain
    observe testify threaten urge admit assert boast caution concede
    estimate indicate imply joke lament posit recount remark repeat reiterate
    signal speculate demand praise blame dismiss decry denounce question allege
    brag counter disclose predict post retort quip muse scoff shout yell cry
    whisper exclaim proclaim insinuate hint acknowledge affirm advise announce
    assure inform remind explain complain grumble concur object protest reason
    recommend propose plead order instruct tout hail laud slam blast attack
    condemn rebuke call cite show find see support endorse criticize criticise
    defend discuss oppose favor favour mock echo highlight label dub attack
    slam blast decry state offer express reject thank request consider
    welcome challenge assail portray encourage quote retweet applaud refer
    point talk speak focus chant sing brand liken compare exhort characterize
    characterise scold chastise implore lambaste deride ridicule""".split()
)
# Verb + particle: the object of the particle is the content ("called for a ban").
PHRASAL: dict[str, frozenset[str]] = {
    lemma: frozenset(particles.split())
    for lemma, particles in {
        "call": "for on", "refer": "to", "point": "to out", "talk": "about",
        "speak": "about of", "ask": "about for", "focus": "on", "complain": "about",
        "warn": "of about against", "argue": "for against", "push": "for",
        "reflect": "on", "comment": "on", "boast": "about", "joke": "about",
    }.items()
}
# Verbs that report only with their particle ("pointed to", not "pointed").
_PARTICLE_ONLY = frozenset("refer point talk speak focus".split())
THOUGHT_VERBS = frozenset(
    """think believe want hope fear expect feel know worry doubt suspect
    plan intend seek refuse decline wish prefer aim vow""".split()
)
# Verbs that report only when a quotation follows ("He continued, "..."").
QUOTE_ONLY_VERBS = frozenset("continue".split())
# Verbs whose first object is the hearer ("told AFP", "warned reporters that").
HEARER_VERBS = frozenset("tell warn threaten assure inform remind promise advise urge".split())
# Forms that are more often nouns or other verbs; they need a subject right before.
_AMBIGUOUS = frozenset(
    """report reports claim claims plan plans hope hopes fear fears want wants
    post posts order orders question questions state states charge charges
    note notes object objects reason reasons counter attack attacks post tweet
    tweets blast protest protests wish doubt cry promise promises vow vows
    pledge pledges warning feel order reason call calls show shows back backs support
    supports find finds finding see echo echoes label dub favor attack attacks slam
    blast talk talks point points focus offer offers welcome
    challenge challenges quote quotes request requests reject rejects""".split()
)
NOUN_CUES = frozenset(
    """announcement announcements statement statements claim claims warning warnings
    assertion insistence promise pledge remark remarks comment comments suggestion
    argument belief view contention accusation accusations allegation allegations
    threat threats vow admission acknowledgment acknowledgement prediction
    assurance assurances insistence denial""".split()
)

# Nouns that report with their preposition: "his push for", "criticism of".
NOUN_PREPOSITIONS: dict[str, frozenset[str]] = {
    noun: frozenset(prepositions.split())
    for noun, prepositions in {
        # Kept where train shows the pair reports more often than not.
        "criticism": "of", "criticisms": "of", "attacks": "on", "push": "for",
        "calls": "for", "demand": "for", "demands": "for",
        "defense": "of", "embrace": "of", "rejection": "of",
    }.items()
}

_IRREGULAR: dict[str, tuple[str, ...]] = {
    "say": ("say", "says", "said", "saying"),
    "tell": ("tell", "tells", "told", "telling"),
    "write": ("write", "writes", "wrote", "written", "writing"),
    "think": ("think", "thinks", "thought", "thinking"),
    "know": ("know", "knows", "knew", "knowing"),  # "known to be" is adjectival
    "feel": ("feel", "feels", "felt", "feeling"),
    "seek": ("seek", "seeks", "sought", "seeking"),
    "cry": ("cry", "cries", "cried", "crying"),
    "show": ("show", "shows", "showed", "shown", "showing"),
    "find": ("find", "finds", "found", "finding"),
    "see": ("see", "sees", "saw", "seen", "seeing"),
    "speak": ("speak", "speaks", "spoke", "spoken", "speaking"),
}
_DOUBLING = frozenset("admit plan regret refer prefer commit omit stop quip".split())
# One syllable closed by one consonant doubles it: "slam" -> "slammed", "brag" -> "bragging".
_SHORT_CLOSED = re.compile(r"[^aeiou]*[aeiou][^aeiouwxy]")
_AUX = frozenset(
    """has have had will would could should may might must did does do is was
    were are be been being am 's 've 'd shall can ca wo""".split()
)
_NEGATION_OR_ADVERB = frozenset(
    """not n't never also later earlier previously repeatedly reportedly
    already once often again publicly privately still just even first""".split()
)
_WORD = re.compile(r"[A-Za-z]+(?:[-'’][A-Za-z]+)*")


def inflections(lemma: str) -> tuple[str, ...]:
    """Every form of a reporting verb: base, 3rd person, past, participle, -ing."""
    if lemma in _IRREGULAR:
        return _IRREGULAR[lemma]
    if lemma.endswith("e"):
        return (lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing")
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return (lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing")
    if lemma in _DOUBLING or _SHORT_CLOSED.fullmatch(lemma):
        return (lemma, lemma + "s", lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing")
    third = lemma + "es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else lemma + "s"
    return (lemma, third, lemma + "ed", lemma + "ing")


_DATA = Path(__file__).resolve().parent / "data"
# Derived lemmas that other cue kinds already read ("according to", "seemed to").
_OWNED_ELSEWHERE = frozenset("accord seem appear expect".split())


@cache
def derived_verbs() -> frozenset[str]:
    """Verb lemmas that train's Cue spans show reporting (data/cue_verbs.txt,
    regenerated by data/derive_cues.py), beyond the hand-made lists above."""
    lines = (_DATA / "cue_verbs.txt").read_text(encoding="utf-8").splitlines()
    lemmas = {line.split("\t")[0] for line in lines if line and not line.startswith("#")}
    return frozenset(lemmas - _OWNED_ELSEWHERE - SPEECH_VERBS - THOUGHT_VERBS - QUOTE_ONLY_VERBS)


@cache
def _form_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for lemma in sorted(SPEECH_VERBS | THOUGHT_VERBS | QUOTE_ONLY_VERBS | derived_verbs()):
        for form in inflections(lemma):
            if form not in _NOT_CUE_FORMS:
                table.setdefault(form, lemma)
    return table


@cache
def that_words() -> frozenset[str]:
    """Nouns and adjectives that train's Cue spans show reporting before "that"
    ("concern that", "confident that"): data/cue_that_words.txt."""
    lines = (_DATA / "cue_that_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(line.split("\t")[0] for line in lines if line and not line.startswith("#"))


@cache
def _derived_ambiguous() -> frozenset[str]:
    """Base and third-person forms of derived verbs, which may as well be nouns
    ("a reference", "remembers"): like `_AMBIGUOUS`, they need a verb context."""
    return frozenset(form for lemma in derived_verbs() for form in inflections(lemma)[:2])


# Forms that are nearly always nouns in news ("the United States", "a state"),
# or that report too seldom to count ("knew", "felt": about one time in eight on
# PolNeAR's train split, against one in two for "knows").
_NOT_CUE_FORMS = frozenset("state states knew felt feels".split())


def lemma_of(word: str) -> str | None:
    """The reporting-verb lemma of an inflected form ("warned" -> "warn"), else None."""
    return _form_table().get(word.lower())


_ACCORDING = re.compile(r"\baccording to\b", re.IGNORECASE)
_DETERMINERS = frozenset(
    "a an the his her their its this that these those our my your whose every each no".split()
)


def find_cues(text: str, start: int = 0, end: int | None = None) -> list[Cue]:
    """All cues inside text[start:end], in order of position."""
    stop = len(text) if end is None else end
    found: list[Cue] = []
    previous: str | None = None
    for match in _WORD.finditer(text, start, stop):
        cue = _cue_at(text, match, previous)
        if cue is not None:
            found.append(cue)
        previous = match.group()
    found.extend(
        Cue(Span(m.start(), m.end()), "according to", CueKind.ACCORDING, Span(m.start(), m.end()))
        for m in _ACCORDING.finditer(text, start, stop)
    )
    found.extend(_stance_cue(text, m) for m in _STANCE.finditer(text, start, stop))
    found.extend(
        Cue(Span(m.start(), m.end()), "ask", CueKind.ASKED, Span(m.end() - 5, m.end()))
        for m in _ASKED.finditer(text, start, stop)
        if not m.group().startswith("Asked") or m.start() == start
    )
    return sorted(found, key=lambda cue: cue.span)


# "seemed lost", "appears to", "are expected to": not "appeared on CNN", "seems that".
_STANCE = re.compile(
    r"\b(?:(?:seem|seems|seemed)(?=\s+(?!that\b|as\b|like\b)[a-z])|"
    r"(?:appear|appears|appeared)(?=\s+to\s)|"
    r"(?:is|are|was|were)(?:\s+(?:not|also|widely|still))?\s+expected(?=\s+to\s))"
)


# Passive or opening "asked" before its question; active "Lee asked" is a VERB cue.
_ASKED = re.compile(
    r"(?:\b(?:is|was|were|are|been|being)\s+(?:also\s+|later\s+)?asked|\bAsked)"
    r"(?=\s+(?:[\w'’-]+\s+){0,3}?(?:whether|if|about|how|what|why|who|when|where)\b)"
)


def _stance_cue(text: str, match: re.Match[str]) -> Cue:
    head = re.search(r"\w+$", match.group())
    assert head is not None
    lemma = {"seem": "seem", "appe": "appear"}.get(head.group()[:4], "expect")
    span = _with_auxiliaries(text, Span(match.start(), match.end()))
    return Cue(span, lemma, CueKind.STANCE, Span(match.start() + head.start(), match.end()))


def _cue_at(text: str, match: re.Match[str], previous: str | None) -> Cue | None:
    word = match.group()
    lower = word.lower()
    after_determiner = previous is not None and previous.lower() in _DETERMINERS
    head = Span(match.start(), match.end())
    if lower in NOUN_PREPOSITIONS:
        noun = _noun_with_preposition(text, match, previous)
        if noun is not None:
            return noun
    if lower in NOUN_CUES and (after_determiner or _possessive_before(text, match.start())):
        return Cue(head, lower, CueKind.NOUN, head)
    if lower in that_words() and _THAT_AFTER.match(text, match.end()):
        return _that_word_cue(text, head, lower, after_determiner)
    lemma = lemma_of(lower)
    if lemma is None or word[0].isupper() and previous is not None:
        return None
    ambiguous = lower in _AMBIGUOUS or lower in _derived_ambiguous()
    if after_determiner or (ambiguous and not _verb_context(text, match, previous)):
        return None
    span = _with_auxiliaries(text, head)
    if _passive(text, span, head):
        return None
    particle = _PARTICLE.match(text, head.end)
    if particle is not None and particle.group(1).lower() in PHRASAL.get(lemma, ()):
        span = Span(span.start, particle.end())
    elif lemma in _PARTICLE_ONLY:
        return None
    return Cue(span, lemma, CueKind.VERB, head, lower.endswith("ing"))


_THAT_AFTER = re.compile(r"\s+that\s")
# "is confident", "was not even aware", "remains hopeful": the copula before an adjective.
_COPULA_BEFORE = re.compile(
    r"\b(?:is|are|was|were|be|been|am|remain|remains|remained|seemed|seems|sounded|"
    r"appeared|'s|'re|’s|’re)(?:\s+(?:not|n't|also|very|so|quite|more|less|still|now|"
    r"even|fully|[a-z]+ly))*\s+$"
)


def _that_word_cue(text: str, head: Span, word: str, after_determiner: bool) -> Cue | None:
    """A derived that-word: a noun after a determiner or possessive ("the concern
    that"), or an adjective after a copula ("is confident that"), its subject
    the speaker. A bare "-ed" form ("ruled that") is no cue here: on dev and the
    two-fold check it cost statement F1 for a little attribution F1."""
    if after_determiner or _possessive_before(text, head.start):
        return Cue(head, word, CueKind.NOUN, head)
    copula = _COPULA_BEFORE.search(text, max(0, head.start - 40), head.start)
    if copula is not None:
        span = _with_auxiliaries(text, Span(copula.start(), head.end))
        return Cue(span, word, CueKind.VERB, head)
    return None


_PARTICLE = re.compile(r"\s+([a-z]+)\b")
_OWNERS = frozenset("his her their its".split())


def _noun_with_preposition(
    text: str, match: re.Match[str], previous: str | None
) -> Cue | None:
    """ "his push for", "Trump's attacks on": an owned noun and its preposition."""
    lower = match.group().lower()
    prepositions = NOUN_PREPOSITIONS.get(lower)
    if prepositions is None:
        return None
    owned = previous is not None and (previous.lower() in _OWNERS or previous.endswith(("'s", "’s")))
    if not owned:
        return None
    particle = _PARTICLE.match(text, match.end())
    if particle is None or particle.group(1) not in prepositions:
        return None
    head = Span(match.start(), match.end())
    return Cue(Span(match.start(), particle.end()), lower, CueKind.NOUN, head)


_BE = frozenset("is was were are be been being am".split())


def _passive(text: str, span: Span, head: Span) -> bool:
    """ "was not disclosed", "is expected": the subject is not the speaker."""
    if text[head.end - 3 : head.end] == "ing" or span == head:
        return False
    auxiliaries = re.findall(r"[a-z]+", text[span.start : head.start].lower())
    return any(word in _BE for word in auxiliaries)


_SUBJECT_PRONOUNS = frozenset("i you he she it we they who".split())


# Ambiguous forms that read as verbs after any plain noun ("the poll shows").
_PLAIN_VERBS = frozenset("show shows find finds want wants see sees".split())


# A capitalised plural of a people or party ("Democrats", "Americans"), not "Texas".
_PLURAL_NAME = re.compile(r"[A-Z][a-z]+[^aiosu]s")


def _verb_context(text: str, match: re.Match[str], previous: str | None) -> bool:
    """An ambiguous form ("plans", "report") reads as a verb after a pronoun
    or auxiliary, or before "to"/"that" ("Trump plans to", "claims that")."""
    if previous is not None and (previous.lower() in _SUBJECT_PRONOUNS or previous.lower() in _AUX):
        return True
    if previous is None or "-" in previous or previous.endswith(("'s", "’s")):
        return False
    word = match.group().lower()
    base = lemma_of(word) == word
    # "Polls show", "Democrats plan": a plural subject; "The poll shows": a singular one.
    if not base and previous[0].isupper():  # "Bivens hopes", "Trump claims"
        return True
    # "Democrats want", "Republicans hope": a group's wishes and beliefs.
    if base and word in THOUGHT_VERBS and _PLURAL_NAME.fullmatch(previous):
        return True
    if word in _PLAIN_VERBS and previous.islower():
        if base and previous.endswith("s") and not previous.endswith("ss"):
            return True
        if not base and not previous.endswith("s"):
            return True
    following = re.match(r"\s+(?:to|that|he|she|it|they|we|I)\s", text[match.end() : match.end() + 8])
    return following is not None and not (base and previous[0].isupper())


_POSSESSIVE_END = re.compile(r"\w['’]s\s+(?:\w+\s+)?$")
_WORD_BEFORE = re.compile(r"(\w+(?:['’]\w+)?|['’]\w+)\s+$")


def _possessive_before(text: str, at: int) -> bool:
    before = text[max(0, at - 40) : at]
    return _POSSESSIVE_END.search(before) is not None


_MODALS = frozenset("will would could should may might must can".split())


def _base_form(verb: str) -> bool:
    """Whether a verb's first word is its lemma ("say", "warn of"; not "said")."""
    word = verb.split()[0].lower() if verb.split() else ""
    return lemma_of(word) in (None, word)


def _with_auxiliaries(text: str, head: Span) -> Span:
    """Extend a verb's span left over auxiliaries, negation and adverbs."""
    start = head.start
    cursor = head.start
    while True:
        match = _WORD_BEFORE.search(text[max(0, cursor - 30) : cursor])
        if match is None:
            break
        word = match.group(1).lower().replace("’", "'")
        if word.endswith("n't"):
            word = word[:-3]
        if word not in _AUX and word not in _NEGATION_OR_ADVERB and not word.endswith("ly"):
            break
        if cursor == head.start and word in _MODALS and not _base_form(text[head.start : head.end]):
            break  # "Will wrote": a modal takes the base form, so "Will" is a name
        cursor = cursor - len(match.group())
        if word in _AUX or word in {"not", "n't", "never"}:
            start = cursor
    return Span(start, head.end)
