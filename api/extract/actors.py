"""Actor mentions: parsing a speaker phrase, its kind, title and affiliation,
and merging mentions into actors within one article ("Lavrov" = "Sergei Lavrov").
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from api.extract.intervals import Intervals
from api.extract.places import capital_country, demonym_country, is_country
from api.extract.results import ActorKind, ActorRef, Span

PRONOUNS = frozenset("he she they it i we".split())
# Outlets whose name alone marks them as news media ("told AFP").
MEDIA_NAMES = frozenset(
    name.strip()
    for name in """afp, reuters, ap, associated press, agence france-presse, bbc, cnn,
    fox news, msnbc, nbc, nbc news, abc, abc news, cbs, cbs news, npr, pbs,
    new york times, washington post, new york post, guardian, wall street journal,
    bloomberg, politico, axios, al jazeera, sana, tass, ria novosti, interfax, sputnik,
    rt, usa today, the hill, breitbart, breitbart news, daily beast, huffington post,
    times, telegraph, independent, yahoo news, buzzfeed news, vox, atlantic,
    los angeles times, chicago tribune, boston globe, time, newsweek, economist,
    financial times, xinhua, anadolu, dpa, efe, itar-tass, cnbc, fox business,
    sky news, abc's this week, meet the press, face the nation, nbc's meet the press,
    cnn's state of the union, fox news sunday, the new yorker, new yorker, mother jones,
    national review, the daily caller, daily caller, the intercept, vice news,
    wsj, nyt, the new york times, the washington post, the wall street journal""".split(",")
)
# Last words that make a capitalised name an outlet beyond MEDIA_NAMES ("The
# Des Moines Register"). "Agency" and "Network" are left out: too many
# government agencies and political networks end with them.
_OUTLET_WORDS = frozenset(
    """times post news journal radio tv press herald tribune gazette
    magazine register chronicle inquirer dispatch examiner telegraph observer
    courier bulletin""".split()
)
_GOVERNMENT_NAMES = frozenset(
    name.strip()
    for name in """white house, kremlin, pentagon, state department, justice department,
    foreign ministry, defence ministry, defense ministry, élysée, downing street,
    congress, senate, house of representatives""".split(",")
)
_GOVERNMENT_WORDS = frozenset(
    "ministry department government administration embassy cabinet parliament".split()
)
_ORG_WORDS = frozenset(
    """party group committee campaign foundation institute university association
    council commission agency bureau corp corp. inc inc. company co. court army
    forces force front union league church network center centre pac fund bank
    coalition movement organization organisation society service board authority
    team brigade brigades battalion club federation alliance caucus trust""".split()
)
_ORG_DESCRIPTORS = frozenset(
    """group party movement organization organisation militia campaign company
    firm network agency alliance coalition faction brigade union""".split()
)
_MEDIA_DESCRIPTORS = frozenset("newspaper agency channel network outlet broadcaster".split())
# Words that make up a title in front of a name ("Foreign Minister", "Rep.").
TITLE_WORDS = frozenset(
    """president vice minister foreign prime secretary spokesman spokeswoman
    spokesperson senator sen. rep. representative gov. governor mayor gen. general
    ambassador chairman chairwoman chair director chief leader candidate nominee
    judge justice attorney adviser advisor aide commander officer official head
    deputy speaker king queen pope sheikh colonel col. lt. captain capt. sgt.
    defence defense interior state press house senate majority minority whip
    democratic republican former acting u.s. us executive ceo founder manager
    presidential national security council member congressman congresswoman
    lawmaker strategist analyst professor prof. dr. economist consultant
    chancellor premier envoy emir crown prince sen rep gov gen sergeant lawyer
    pollster host anchor correspondent editor reporter author activist""".split()
)
_HONORIFICS = frozenset("mr. mrs. ms. mr mrs ms miss".split())
_UNNAMED_HEADS = frozenset(
    """source sources media insider insiders person official aide diplomat
    spokesman spokeswoman spokesperson""".split()
)
_DETERMINERS = frozenset("a an the this that these those some".split())
_QUANTIFIERS = frozenset(
    "one two three four five several some many most all both few none each".split()
)
_NAME_TOKEN = re.compile(
    r"(?:[A-Z][\w.'’&-]*|(?:al|el|ad|as|ash|at|an|bin|ibn|abu|bint|de|del|della|da"
    r"|di|du|van|von|der|den|la|le|dos|das)-[A-Z][\w'’-]*)$"
)
_PARTICLES = frozenset(
    "al el bin ibn bint de del della da di du van von der den la le dos das".split()
)
_TOKEN = re.compile(r"[\w.'’&-]+")


@dataclass(frozen=True)
class Mention:
    """One phrase naming (or standing for) an actor."""

    span: Span  # the name itself, or the pronoun, or the whole common-noun phrase
    name: str
    kind: ActorKind
    title: str | None = None
    affiliation: Mention | None = None
    pronoun: bool = False
    # The whole phrase the mention was read from, title and appositive included.
    phrase: Span | None = None


def classify_name(name: str, *, after_the: bool = False) -> ActorKind:
    """The actor kind a proper name suggests on its own."""
    folded = name.casefold()
    bare = folded.removeprefix("the ")
    if folded in MEDIA_NAMES or bare in MEDIA_NAMES or _outlet_like(name):
        return ActorKind.MEDIA
    if bare in _GOVERNMENT_NAMES or is_country(name) or capital_country(name) is not None:
        return ActorKind.GOVERNMENT
    words = {w.strip(".") for w in bare.split()}
    if words & _GOVERNMENT_WORDS:
        return ActorKind.GOVERNMENT
    if words & _ORG_WORDS or re.fullmatch(r"[A-Z]{2,6}s?", name) or after_the:
        return ActorKind.ORGANIZATION
    return ActorKind.PERSON


def _outlet_like(name: str) -> bool:
    """ "the Denver Post", "Hill TV": capitalised words ending in an outlet word."""
    words = name.removeprefix("the ").split()
    return (
        len(words) >= 2
        and words[-1].lower().strip(".") in _OUTLET_WORDS
        and all(w[0].isupper() for w in words)
    )


def parse_mention(text: str, span: Span) -> Mention | None:
    """Read a speaker phrase ("Russian defence ministry spokesman Igor Konashenkov")."""
    start, end = _trimmed(text, span)
    if start >= end:
        return None
    phrase = text[start:end]
    if phrase.casefold() in PRONOUNS:
        return Mention(Span(start, end), phrase, ActorKind.PERSON, pronoun=True, phrase=span)
    head_end = _appositive_start(text, start, end)
    mention = _parse_head(text, Span(start, head_end))
    if mention is not None and head_end != end:
        mention = _with_appositive(text, mention, Span(head_end, end))
    return None if mention is None else replace(mention, phrase=Span(start, end))


def _trimmed(text: str, span: Span) -> tuple[int, int]:
    start, end = span.start, span.end
    while start < end and (text[start].isspace() or text[start] in ",;:(\u2014-"):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:)\u2014-"):
        end -= 1
    if text[start:end].endswith(("'s", "’s")):
        end -= 2
    return start, end


def _appositive_start(text: str, start: int, end: int) -> int:
    comma = text.find(",", start, end)
    return end if comma < 0 else comma


def _with_appositive(text: str, mention: Mention, span: Span) -> Mention:
    """ "X, a Democrat from New York" gives a role; "of/at/for ORG" an affiliation."""
    start, end = _trimmed(text, span)
    words = text[start:end].split()
    if words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    # Only a noun phrase is a role: not "in contrast" or "who is 28".
    if not words or not (words[0][0].isupper() or words[0].lower() in TITLE_WORDS
                         or text[start:end].split()[0].lower() in _DETERMINERS):
        return mention
    role = " ".join(words)
    rest = Span(start, end)
    affiliation = mention.affiliation or _party_in(text, rest) or _affiliation_in(text, rest)
    title = mention.title or (role if role and len(words) <= 8 else None)
    return replace(mention, title=title, affiliation=affiliation)


_PARTY = re.compile(r"\b(Democrat|Republican)s?\b")


def _party_in(text: str, span: Span) -> Mention | None:
    """ "a Democrat from New York": the party is the affiliation."""
    match = _PARTY.search(text, span.start, span.end)
    if match is None:
        return None
    party = "Democratic Party" if match.group(1) == "Democrat" else "Republican Party"
    return Mention(Span(match.start(1), match.end(1)), party, ActorKind.ORGANIZATION)


def _affiliation_in(text: str, span: Span) -> Mention | None:
    match = re.search(r"\b(?:of|at|for|with)\s+(?:the\s+)?", text[span.start : span.end])
    if match is None:
        return None
    rest = Span(span.start + match.end(), span.end)
    found = _parse_head(text, rest)
    return found if found is not None and found.kind != ActorKind.PERSON else None


def _tokens(text: str, span: Span) -> list[tuple[str, Span]]:
    """Words with their spans; a sentence period is dropped, "Gov." keeps its own."""
    found: list[tuple[str, Span]] = []
    for match in _TOKEN.finditer(text, span.start, span.end):
        word = match.group() if _keeps_period(match.group()) else match.group().rstrip(".")
        if word:
            found.append((word, Span(match.start(), match.start() + len(word))))
    return found


def _keeps_period(token: str) -> bool:
    if re.fullmatch(r"[A-Z]\.", token):  # an initial, "Lawrence H. Summers"
        return True
    return token.lower() in TITLE_WORDS or token.lower() in _HONORIFICS or "." in token[:-1]


_CALENDAR = frozenset(
    # Months that are also names (April, May, June) stay possible names.
    """monday tuesday wednesday thursday friday saturday sunday january february
    july september october november december""".split()
)


# Capitalised only because they open a sentence or a headline.
_FUNCTION_WORDS = frozenset(
    """following despite according after before usually however meanwhile although
    though while when where if but and in on at for with by from to of as since until
    during still yet also then now here there it this that these those he she they we
    i you his her their our my your its watch does do did is was are were has have had
    not no yes why what who how many much more most even just only any every why
    asked like unlike under over among between against whenever wherever""".split()
)


def _is_name_token(token: str) -> bool:
    lower = token.lower()
    if lower in _DETERMINERS or lower in _QUANTIFIERS or lower in _CALENDAR:
        return False
    if lower in _FUNCTION_WORDS:
        return False
    return _NAME_TOKEN.match(token) is not None and not token.endswith(("'s", "’s"))


def _parse_head(text: str, span: Span) -> Mention | None:
    tokens = _tokens(text, span)
    if not tokens:
        return None
    of_index = _of_split(tokens)
    if of_index is not None:
        head = _parse_head(text, Span(span.start, tokens[of_index][1].start))
        rest = Span(tokens[of_index][1].end, span.end)
        organisation = _parse_head(text, rest)
        if head is not None and organisation is not None and organisation.kind != ActorKind.PERSON:
            return replace(head, affiliation=organisation)
        return head
    return _parse_simple(text, tokens)


def _of_split(tokens: Sequence[tuple[str, Span]]) -> int | None:
    """Where "X of the Y" splits a person from an organisation, if it does."""
    for index, (word, _) in enumerate(tokens):
        if word != "of" or index == 0:
            continue
        before = [w for w, _ in tokens[:index]]
        if before[0].lower() in _QUANTIFIERS:
            return None
        if _is_name_token(before[-1]) and before[-1].lower() not in TITLE_WORDS:
            return index
    return None


def _parse_simple(text: str, tokens: Sequence[tuple[str, Span]]) -> Mention | None:
    words = [w for w, _ in tokens]
    run_start, run_end = _name_run(words)
    if run_start == run_end:
        return _common_noun(text, tokens)
    after_the = run_start > 0 and words[run_start - 1].lower() == "the"
    if run_end < len(words):
        described = _described_name(tokens, run_start, run_end, after_the)
        return described if described is not None else _common_noun(text, tokens)
    return _proper_name(text, tokens, run_start, after_the)


def _name_run(words: Sequence[str]) -> tuple[int, int]:
    """The last run of name tokens, allowing lowercase particles inside it."""
    end = len(words)
    while end > 0 and not _is_name_token(words[end - 1]):
        end -= 1
    start = end
    while start > 0 and (
        _is_name_token(words[start - 1])
        or (words[start - 1] in _PARTICLES and start < end)
    ):
        start -= 1
    return start, end


def _described_name(
    tokens: Sequence[tuple[str, Span]], run_start: int, run_end: int, after_the: bool
) -> Mention | None:
    """ "the Nour al-Deen al-Zinki rebel group": a name followed by what it is."""
    last = tokens[-1][0].lower()
    span = Span(tokens[run_start][1].start, tokens[run_end - 1][1].end)
    name = " ".join(w for w, _ in tokens[run_start:run_end])
    if last in _MEDIA_DESCRIPTORS:
        return Mention(span, name, ActorKind.MEDIA)
    if last in _ORG_DESCRIPTORS:
        kind = classify_name(name, after_the=True)
        return Mention(span, name, kind if kind != ActorKind.PERSON else ActorKind.ORGANIZATION)
    return None


def _proper_name(
    text: str, tokens: Sequence[tuple[str, Span]], run_start: int, after_the: bool
) -> Mention:
    words = [w for w, _ in tokens]
    name_start = _after_title(words, run_start)
    if classify_name(" ".join(words[name_start:])) != ActorKind.PERSON or after_the:
        name_start = run_start  # "the State Department": no title to peel
    name = " ".join(words[name_start:])
    kind = classify_name(name, after_the=after_the)
    span = Span(tokens[name_start][1].start, tokens[-1][1].end)
    affiliation, title = _premodifiers(text, tokens, name_start)
    return Mention(span, name, kind, title, affiliation)


def _after_title(words: Sequence[str], start: int) -> int:
    """Index just past the last title word ("former South Carolina Gov. | Jim Hodges")."""
    index = start
    for position in range(start, len(words) - 1):
        word = words[position].lower()
        if word in TITLE_WORDS or word in _HONORIFICS or demonym_country(words[position]):
            index = position + 1
    return index


def _premodifiers(
    text: str, tokens: Sequence[tuple[str, Span]], name_start: int
) -> tuple[Mention | None, str | None]:
    """Words before a name: a demonym gives the affiliation, the rest the title."""
    words = [w for w, _ in tokens[:name_start]]
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    affiliation: Mention | None = None
    if words:
        country = demonym_country(words[0])
        if country is not None or is_country(words[0]):
            first = tokens[name_start - len(words)][1]
            affiliation = Mention(first, country or words[0], ActorKind.GOVERNMENT)
            words = words[1:]
    title = " ".join(w for w in words if w.lower() not in _HONORIFICS) or None
    return affiliation, title


def _common_noun(text: str, tokens: Sequence[tuple[str, Span]]) -> Mention | None:
    """An unnamed source ("a senior official") or collective ("Both officials")."""
    head = tokens[-1][0].lower()
    if re.fullmatch(r"[\d,.]+%?|percent", head):  # "nine in 10", "33%"
        span = Span(tokens[0][1].start, tokens[-1][1].end)
        return Mention(span, text[span.start : span.end], ActorKind.GROUP)
    if not re.fullmatch(r"[a-z][a-z-]*", head) or head in _STOP_HEADS or head.endswith("ly"):
        return None
    span = Span(tokens[0][1].start, tokens[-1][1].end)
    phrase = text[span.start : span.end]
    if head in _UNNAMED_HEADS:
        kind = ActorKind.UNNAMED
    elif _plural(head):
        kind = ActorKind.GROUP
    else:
        kind = ActorKind.UNNAMED
    return Mention(span, phrase, kind)


_STOP_HEADS = frozenset(
    """that which who whom what also and or but to of in on at by for with from as
    is was were are be been has have had will would not no there here then than
    so if when while because about after before into over under just only even
    very more most less this these those such its his her their our my your said
    says say above below whenever however""".split()
)


def _plural(head: str) -> bool:
    return head in {"people", "police", "media", "staff"} or (
        head.endswith("s") and not head.endswith(("ss", "us", "is"))
    )


_RUN = re.compile(
    r"[A-Z][\w'’-]+(?:\s+(?:[A-Z]\.|[A-Z][\w'’-]+|(?:al|el|bin|ibn|de|van|von|da)(?:-[A-Z][\w'’-]+)?))+"
)
_OPENERS = frozenset(
    """but and in on at for if when while after before the a an this that meanwhile
    however so then as with by from to of since although though yet still""".split()
)


def person_names(text: str, spans: Sequence[Span], skip: Sequence[Span]) -> list[Mention]:
    """Full names of people ("Jane Roe") in the spans, outside the `skip` spans.

    They let a surname or a pronoun find the person it stands for even when
    that person never spoke."""
    found: list[Mention] = []
    skipped = Intervals(skip)
    for span in spans:
        for match in _runs(text, span):
            start = match.start()
            first = match.group().split()[0]
            if first.lower() in _OPENERS or first.lower() in _CALENDAR:
                start += len(first) + 1
            mention = parse_mention(text, Span(start, match.end()))
            if mention is None or mention.kind != ActorKind.PERSON or " " not in mention.name:
                continue
            if not skipped.overlaps(mention.span.start, mention.span.end):
                found.append(mention)
    return found


_UPPER = re.compile(r"[A-Z]")
_WORD_END = re.compile(r"[^\w'’-]")


def _runs(text: str, span: Span) -> Iterator[re.Match[str]]:
    """What `_RUN.finditer` finds in the span, trying one start per word: a run
    that fails from a word's first capital fails from its later ones too (they
    share the rest of the word and what follows), and retrying each capital of
    a long word ("AAAA...") would cost the square of its length."""
    position = span.start
    while (capital := _UPPER.search(text, position, span.end)) is not None:
        match = _RUN.match(text, capital.start(), span.end)
        if match is not None:
            yield match
            position = match.end()
            continue
        end = _WORD_END.search(text, capital.start(), span.end)
        position = end.start() if end is not None else span.end


def name_spans(
    text: str, spans: Sequence[Span], actors: Sequence[ActorRef]
) -> dict[str, list[Span]]:
    """Every place in the spans where a named actor appears by name, alias or,
    for a person, surname alone ("Lavrov" for Sergei Lavrov)."""
    surface: dict[str, str] = {}
    for actor in actors:
        if actor.kind in (ActorKind.GROUP, ActorKind.UNNAMED):
            continue
        for name in (actor.name, *actor.aliases):
            surface.setdefault(name, actor.key)
        if actor.kind == ActorKind.PERSON and " " in actor.name:
            surface.setdefault(actor.name.split()[-1], actor.key)
    if not surface:
        return {}
    names = _Surface(surface)
    found: dict[str, list[Span]] = {}
    for span in spans:
        for match in names.matches(text, span):
            found.setdefault(surface[match.text(text)], []).append(match)
    return found


_NOT_WORD = re.compile(r"[^\w-]")


class _Surface:
    """Names to find as whole words: one dict look-up per word boundary, not one
    regex branch per name (an alternation of thousands of names costs thousands
    of steps at every position of the text)."""

    def __init__(self, names: dict[str, str]) -> None:
        self._names = names
        self._longest = max(map(len, names))
        first_chars = "".join(sorted({re.escape(name[0]) for name in names if name}))
        self._starts = re.compile(r"(?<![\w-])[" + first_chars + "]" if first_chars else "(?!)")

    def matches(self, text: str, span: Span) -> Iterator[Span]:
        """Each longest name standing as whole words in the span, left to right."""
        position = span.start
        while (first := self._starts.search(text, position, span.end)) is not None:
            start = first.start()
            limit = min(span.end, start + self._longest)
            ends = [m.start() for m in _NOT_WORD.finditer(text, start + 1, limit + 1)]
            if limit == span.end:
                ends.append(span.end)
            end = next((e for e in reversed(ends) if text[start:e] in self._names), None)
            if end is None:
                position = start + 1
                continue
            yield Span(start, end)
            position = end


def pronoun_kinds(pronoun: str) -> frozenset[ActorKind]:
    """Which actor kinds a pronoun may stand for."""
    word = pronoun.casefold()
    if word in {"i", "we"}:  # the writer or a quoted speaker: not resolvable here
        return frozenset()
    if word in {"he", "she", "his", "her"}:
        return frozenset({ActorKind.PERSON})
    if word in {"it", "its"}:
        return frozenset({ActorKind.ORGANIZATION, ActorKind.GOVERNMENT, ActorKind.MEDIA})
    return frozenset(ActorKind) - {ActorKind.MEDIA}


def canonical_key(name: str) -> str:
    """A stable key for a name inside one extraction."""
    return re.sub(r"\s+", " ", name.casefold().removeprefix("the ")).strip()


class ActorTable:
    """Collects mentions and merges them into actors (surname = full name)."""

    def __init__(self) -> None:
        self._mentions: list[Mention] = []
        self._people: dict[str, None] = {}  # person names in order, no repeats
        # Per tail of words ("Lavrov",): the first longest person name ending so.
        self._by_tail: dict[tuple[str, ...], str] = {}

    def add(self, mention: Mention) -> None:
        if mention.pronoun:
            return
        self._mentions.append(mention)
        if mention.kind == ActorKind.PERSON and mention.name not in self._people:
            self._people[mention.name] = None
            words = tuple(mention.name.split())
            for size in range(1, len(words) + 1):
                best = self._by_tail.get(words[-size:])
                if best is None or len(best.split()) < len(words):
                    self._by_tail[words[-size:]] = mention.name
        if mention.affiliation is not None:
            self.add(mention.affiliation)

    def key_of(self, mention: Mention) -> str:
        """The actor key a (non-pronoun) mention resolves to."""
        if mention.kind != ActorKind.PERSON:
            return canonical_key(mention.name)
        return canonical_key(self._full_name(mention.name))

    def _full_name(self, name: str) -> str:
        """The longest person name ending with `name` ("Sergei Lavrov" for "Lavrov")."""
        words = tuple(name.split())
        longest = self._by_tail.get(words) if words else None
        return longest if longest is not None and len(longest.split()) > len(words) else name

    def actors(self, extra_spans: dict[str, list[Span]] | None = None) -> tuple[ActorRef, ...]:
        """One ActorRef per key, in order of first mention."""
        grouped: dict[str, list[Mention]] = {}
        for mention in self._mentions:
            grouped.setdefault(self.key_of(mention), []).append(mention)
        extra = extra_spans or {}
        return tuple(self._actor(key, group, extra.get(key, [])) for key, group in grouped.items())

    def _actor(self, key: str, group: Sequence[Mention], extra: Iterable[Span]) -> ActorRef:
        names = [m.name for m in group]
        canonical = max(names, key=lambda n: len(n.split()))
        title = next((m.title for m in group if m.title), None)
        affiliation = next(
            (self.key_of(m.affiliation) for m in group if m.affiliation is not None), None
        )
        aliases = tuple(sorted({n for n in names if n != canonical}))
        spans = tuple(sorted({m.span for m in group} | set(extra)))
        kind = group[0].kind if canonical == names[0] else next(
            m.kind for m in group if m.name == canonical
        )
        return ActorRef(key, canonical, kind, title, aliases, affiliation, spans)
