"""Deterministic synthetic news corpus: `python -m bench.corpus --articles N --out DIR`.

Every article comes from templates and word lists in this module (never from a
real corpus): a headline, a standfirst, a reading time and a date line, then
paragraphs of direct quotes ("...," Foreign Minister Anna Petrova told AFP),
later references by surname or pronoun, and indirect speech. A cast of actors
with titles and affiliations speaks with Zipf-skewed popularity; cities sit in
countries the gazetteer knows; dates spread over six years; each article's record
names its publisher (a made-up outlet). Article `i` depends only on the seed and
`i`, so the same N and seed give byte-identical texts, and a small corpus is the
prefix of a larger one.

`load(database_url, articles)` stores articles through the real path: the
extractor (`api.load.seed.extract`, in a process pool) and `api.load.ingest.ArticleWriter`.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import hashlib
import random
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TypeVar

from tqdm import tqdm

from api.load.bulk import load_articles
from api.load.ingest import ArticleInput
from api.store.db import create_engine, upgrade

DEFAULT_ARTICLES = 10_000
DEFAULT_SEED = 5
CAST = 400  # distinct named speakers
FIRST_DAY = dt.date(2014, 1, 1)
DAYS = 6 * 365

MALE = ["Sergei", "Ahmed", "John", "Pierre", "Hans", "Omar", "Igor", "David", "Karim", "Luis",
        "Marco", "Yusuf", "Dmitri", "Samuel", "Tariq", "Michael", "Hassan", "Viktor", "Paul",
        "Nabil", "George", "Ali", "Oleg", "Robert", "Khalid"]
FEMALE = ["Maria", "Anna", "Fatima", "Sophie", "Laila", "Elena", "Sarah", "Nadia", "Claire",
          "Amira", "Olga", "Helen", "Rania", "Ingrid", "Leila", "Julia", "Mona", "Irina",
          "Catherine", "Samira", "Natalia", "Emma", "Yasmin", "Greta", "Dalia"]
SURNAMES = [
    "Petrov", "Haddad", "Morrison", "Lefebvre", "Keller", "Rahman", "Volkov", "Whitfield",
    "Nasser", "Moreno", "Bianchi", "Demir", "Sokolov", "Okafor", "Qureshi", "Brennan", "Karimi",
    "Lindqvist", "Dubois", "Mansour", "Hartley", "Farouk", "Ivanenko", "Castillo", "Yilmaz",
    "Abboud", "Novak", "Schreiber", "Hakimi", "Lombardi", "Aziz", "Fedorov", "Gallagher",
    "Khoury", "Romano", "Sadeghi", "Thornton", "Vasquez", "Zubair", "Marchetti", "Orlov",
    "Barzani", "Fischer", "Jaber", "Kowalski", "Laurent", "Mahmoud", "Nikolaev", "Osman",
    "Pellegrini", "Rashid", "Sterling", "Tahir", "Ulrich", "Wagner", "Yousef", "Zakaria",
    "Ashford", "Baraka", "Carver", "Delacroix", "Eriksen", "Ferreira", "Greenberg", "Halabi",
    "Ismail", "Jovanovic", "Kasparian", "Lowell", "Medina", "Nordin", "Obeid", "Pryor",
    "Quintero", "Rahimi", "Salazar", "Tanaka", "Vance", "Whitaker", "Yaziji", "Zoric",
]
TITLES = ["Foreign Minister", "Defence Minister", "Prime Minister", "Interior Minister",
          "President", "Ambassador", "General", "Governor", "Mayor", "Senator",
          "Deputy Foreign Minister", "Health Minister", "Special Envoy", "Colonel"]
ORGANISATIONS = ["the UN", "the Red Cross", "NATO", "the European Union", "Amnesty International",
                 "Human Rights Watch", "the World Health Organization", "the Arab League",
                 "the African Union", "Doctors Without Borders"]
MINISTRIES = ["Foreign Ministry", "Defence Ministry", "Interior Ministry", "Health Ministry"]
ROLES = ["a spokesperson for", "an adviser to", "a senior official at", "the envoy of"]
MEDIA = ["AFP", "Reuters", "the BBC", "CNN", "Al Jazeera", "the Associated Press", "Le Monde",
         "Der Spiegel", "The Guardian", "Sky News"]
# The outlets that publish the articles (made up, so none is mistaken for a medium quoted
# in a text): an article's record names one, drawn from a stream of its own.
PUBLISHERS = ["Meridian Post", "Harbour Gazette", "Northern Chronicle", "Capital Dispatch",
              "Coastal Herald", "Frontier Times", "Valley Courier", "Evening Ledger"]
# (city, country) pairs the gazetteer knows, busiest first: the main city of an
# article is drawn with Zipf weights over this order.
PLACES = [
    ("Aleppo", "Syria"), ("Damascus", "Syria"), ("Moscow", "Russia"), ("Geneva", "Switzerland"),
    ("Beirut", "Lebanon"), ("Baghdad", "Iraq"), ("Homs", "Syria"), ("Ankara", "Turkey"),
    ("Kabul", "Afghanistan"), ("Tehran", "Iran"), ("Cairo", "Egypt"), ("Paris", "France"),
    ("Berlin", "Germany"), ("London", "United Kingdom"), ("Amman", "Jordan"),
    ("Istanbul", "Turkey"), ("Mosul", "Iraq"), ("Riyadh", "Saudi Arabia"), ("Doha", "Qatar"),
    ("Tripoli", "Libya"), ("Idlib", "Syria"), ("Vienna", "Austria"), ("Brussels", "Belgium"),
    ("Rome", "Italy"), ("Madrid", "Spain"), ("Athens", "Greece"), ("Warsaw", "Poland"),
    ("Kiev", "Ukraine"), ("Tunis", "Tunisia"), ("Algiers", "Algeria"),
]
TOPICS = ["ceasefire", "convoy", "offensive", "blockade", "referendum", "sanctions", "evacuation",
          "negotiations", "airstrikes", "reconstruction", "elections", "embargo", "truce",
          "withdrawal", "inquiry", "pipeline", "summit", "accord", "deployment", "refugees"]
SUBJECTS = ["We", "Our government", "The international community", "Nobody in {country}",
            "The people of {city}", "Our forces", "This administration", "The delegation",
            "Our allies", "The opposition", "Everyone at the table", "The families in {city}"]
VERB_PHRASES = ["will not accept", "must support", "cannot ignore", "are ready to discuss",
                "have always opposed", "will continue to back", "should not underestimate",
                "are deeply concerned about", "will never abandon", "fully welcome",
                "strongly condemn", "need more time to study"]
OBJECTS = ["the {topic} in {city}", "any {topic} imposed from outside", "a lasting {topic}",
           "the proposed {topic}", "the {topic} agreed last month", "a fair {topic}",
           "the latest {topic} around {city}", "this {topic} and its consequences"]
TAILS = ["", " in the coming weeks", " under any circumstances", " at this stage",
         " without firm guarantees", " before the winter", " as long as civilians suffer",
         " whatever the cost", " for the sake of {country}"]
SECOND_SENTENCES = ["This is not a game.", "The situation is extremely serious.",
                    "We have said this many times.", "History will judge us.",
                    "Time is running out.", "There is no military solution.",
                    "The world is watching {city}.", "Our patience has limits."]
DIRECT_CUES = ["said", "added", "warned", "insisted", "stressed", "declared", "claimed",
               "explained", "argued", "noted"]
INDIRECT_CUES = ["said", "warned", "insisted", "argued", "stressed", "added", "claimed"]
CLAUSES = ["the {topic} in {city} would go ahead as planned",
           "talks in {city} could collapse within days",
           "{country} would not take part in the {topic}",
           "the {topic} had been delayed by fighting near {city}",
           "aid would reach {city} before the end of the week",
           "the government in {country} was responsible for the {topic}",
           "more observers were needed in {city}"]
NARRATIVE = ["Fighting continued around {city} on {weekday}, and several roads into the city were closed.",
             "The {topic} has dominated talks between {country} and its neighbours for months.",
             "Thousands of people have fled {city} since the start of the year, most of them women and children.",
             "The mood among diplomats in {city} was tense as the talks dragged into the night.",
             "The meeting in {city} lasted more than four hours and ended without a joint statement.",
             "Convoys of trucks were seen leaving {city} early in the morning.",
             "Prices of bread and fuel in {city} have doubled since the {topic} began.",
             "The last round of talks on the {topic} broke up in {city} in the spring."]
HEADLINES = ["{country} rejects {topic} plan amid warnings over {city}",
             "Talks on {topic} stall as fighting spreads near {city}",
             "{surname} defends {topic} as pressure mounts in {city}",
             "Officials clash over {topic} in {city}",
             "New {topic} proposal divides leaders in {country}"]
T = TypeVar("T")
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


@dataclass(frozen=True)
class Speaker:
    """One named actor of the cast: how the text introduces and refers to them."""

    first: str
    surname: str
    female: bool
    title: str | None
    affiliation: str | None  # a phrase after the name: "a spokesperson for the UN"

    @property
    def name(self) -> str:
        return f"{self.first} {self.surname}"

    @property
    def pronoun(self) -> str:
        return "she" if self.female else "he"

    def introduction(self) -> str:
        """The first mention: "Foreign Minister Anna Petrov" or "Omar Haddad, an adviser to NATO,"."""
        if self.title is not None:
            return f"{self.title} {self.name}"
        return f"{self.name}, {self.affiliation},"


@cache
def cast(seed: int = DEFAULT_SEED) -> tuple[Speaker, ...]:
    """The speakers, most popular first; unique surnames, so "Petrov" names one actor."""
    rng = random.Random(f"cast:{seed}")
    surnames = rng.sample(SURNAMES, len(SURNAMES))
    speakers = []
    for n in range(CAST):
        female = rng.random() < 0.35
        first = rng.choice(FEMALE if female else MALE)
        # Past the first len(surnames) speakers, surnames are double-barrelled, each pair
        # used once: a second "Petrov" would merge into the first by surname.
        surname = _surname(surnames, n)
        speakers.append(Speaker(first, surname, female, *_role(rng)))
    return tuple(speakers)


def _surname(surnames: list[str], n: int) -> str:
    base, block = n % len(surnames), n // len(surnames)
    if block == 0:
        return surnames[base]
    return f"{surnames[base]}-{surnames[(base + 7 * block) % len(surnames)]}"


def _role(rng: random.Random) -> tuple[str | None, str | None]:
    roll = rng.random()
    if roll < 0.5:
        return rng.choice(TITLES), None
    if roll < 0.8:
        verb = rng.choice(ROLES)
        return None, f"{verb} {rng.choice(ORGANISATIONS)}"
    country = rng.choice(PLACES)[1]
    return None, f"of {country}'s {rng.choice(MINISTRIES)}"


def _zipf(count: int, exponent: float) -> list[float]:
    return [1 / (rank**exponent) for rank in range(1, count + 1)]


@cache
def _weights() -> tuple[list[float], list[float]]:
    return _zipf(CAST, 1.1), _zipf(len(PLACES), 0.9)


class _Article:
    """Writes one article from its own random stream."""

    def __init__(self, seed: int, index: int) -> None:
        self.rng = random.Random(f"article:{seed}:{index}")
        self.index = index
        self.speakers = cast(seed)
        speaker_weights, place_weights = _weights()
        self.cast = self._distinct(self.speakers, speaker_weights, self.rng.randint(3, 6))
        self.places = self._distinct(PLACES, place_weights, 3)
        self.topic = self.rng.choice(TOPICS)
        self.date = FIRST_DAY + dt.timedelta(days=self.rng.randrange(DAYS))
        self.introduced: set[str] = set()

    def _distinct(self, items: Sequence[T], weights: list[float], count: int) -> list[T]:
        chosen: list[T] = []
        while len(chosen) < count:
            item = self.rng.choices(items, weights)[0]
            if item not in chosen:
                chosen.append(item)
        return chosen

    def fill(self, template: str) -> str:
        city, country = self.rng.choice(self.places[:2]) if self.rng.random() < 0.8 else self.places[2]
        return template.format(
            city=city, country=country, topic=self.topic if self.rng.random() < 0.7
            else self.rng.choice(TOPICS), weekday=self.rng.choice(WEEKDAYS),
            surname=self.cast[0].surname,
        )

    def text(self) -> str:
        city, country = self.places[0]
        headline = self.fill(self.rng.choice(HEADLINES))
        standfirst = (f"Leaders in {country} traded warnings over the {self.topic} "
                      f"as diplomats gathered in {city}.")
        minutes = self.rng.randint(3, 6)
        date = self.date.strftime("%d %B, %Y")
        paragraphs = [self._paragraph() for _ in range(self.rng.randint(10, 14))]
        return "\n\n".join([headline, f"{standfirst}\n{minutes} min read\n{date}", *paragraphs]) + "\n"

    def _paragraph(self) -> str:
        sentences = [self.fill(self.rng.choice(NARRATIVE)) for _ in range(self.rng.randint(0, 2))]
        previous: Speaker | None = None
        for _ in range(self.rng.randint(1, 3)):
            # A speaker often goes on: the second quote then says "he said".
            again = previous is not None and self.rng.random() < 0.3
            speaker = previous if again and previous else self.rng.choice(self.cast)
            if self.rng.random() < 0.3:
                sentences.append(self._indirect(speaker))
            else:
                sentences.append(self._direct(speaker, pronoun_ok=again))
            previous = speaker
        return " ".join(sentences)

    def _reference(self, speaker: Speaker, *, pronoun_ok: bool) -> str:
        """Full introduction first, then surname, or a pronoun right after a mention."""
        if speaker.name not in self.introduced:
            self.introduced.add(speaker.name)
            return speaker.introduction()
        if pronoun_ok and self.rng.random() < 0.3:
            return speaker.pronoun
        return speaker.surname

    def _quote(self) -> str:
        subject = self.fill(self.rng.choice(SUBJECTS))
        words = f"{subject} {self.rng.choice(VERB_PHRASES)} {self.fill(self.rng.choice(OBJECTS))}"
        body = words + self.fill(self.rng.choice(TAILS))
        if self.rng.random() < 0.6:
            return f"{body}. {self.fill(self.rng.choice(SECOND_SENTENCES))}"
        return body

    def _direct(self, speaker: Speaker, *, pronoun_ok: bool) -> str:
        quote = self._quote().removesuffix(".")  # the comma before the cue replaces it
        who = self._reference(speaker, pronoun_ok=pronoun_ok)
        if self.rng.random() < 0.25:
            return f'"{quote}," {who} told {self.rng.choice(MEDIA)}.'
        cue = self.rng.choice(DIRECT_CUES)
        medium = f", according to {self.rng.choice(MEDIA)}" if self.rng.random() < 0.15 else ""
        return f'"{quote}," {who} {cue}{medium}.'

    def _indirect(self, speaker: Speaker) -> str:
        who = self._reference(speaker, pronoun_ok=False)
        clause = self.fill(self.rng.choice(CLAUSES))
        return f"{who[0].upper()}{who[1:]} {self.rng.choice(INDIRECT_CUES)} that {clause}."


def article(index: int, seed: int = DEFAULT_SEED) -> ArticleInput:
    """Article `index` of the corpus for `seed` (its own random stream)."""
    writer = _Article(seed, index)
    # Its own stream: the texts stay what they were before articles had publishers.
    publisher = random.Random(f"publisher:{seed}:{index}").choice(PUBLISHERS)
    return ArticleInput(body=writer.text(), source=f"bench-{seed}-{index:06d}.txt",
                        publisher=publisher)


def corpus(count: int, seed: int = DEFAULT_SEED) -> Iterator[ArticleInput]:
    """The first `count` articles of the corpus for `seed`."""
    return (article(index, seed) for index in range(count))


def digest(count: int, seed: int = DEFAULT_SEED) -> str:
    """SHA-256 over every text and publisher in order: what the determinism test pins and
    the benchmark's databases are marked with (a record's change reloads them too)."""
    hasher = hashlib.sha256()
    for item in corpus(count, seed):
        hasher.update(item.body.encode("utf-8"))
        hasher.update(f"\0{item.publisher}\0".encode())
    return hasher.hexdigest()


def write_files(folder: Path, count: int, seed: int = DEFAULT_SEED) -> int:
    """Write the corpus as .txt files that `python -m api seed DIR` reads; how many."""
    folder.mkdir(parents=True, exist_ok=True)
    for item in corpus(count, seed):
        (folder / item.source).write_text(item.body, encoding="utf-8")
    return count


# --- re-reports: the same quotations across articles, with their ground truth -----------

# Quotations are built from their own phrases (not the templates above, whose stock
# phrases every speaker shares), so two quotations share a run of words only when a
# distractor is made to.
Q_OPENERS = ["What we saw in {city} on {weekday}", "The {thing} taken in {city}",
             "Every family that fled {city}", "The {thing} that reached {city}",
             "The silence of {org} over {city}", "The {thing} signed in {city} in {month}",
             "The bombing of the {place} in {city}", "Our talks with {org} in {city}"]
Q_MIDDLES = ["will be remembered as {adj} {noun}", "has left {number} {people} without {noun}",
             "proves that {noun} cannot be {bought}", "shows how little {noun} is left",
             "is a {adj} insult to {people}", "was the {adj} moment of my {number} years",
             "tells you everything about {noun}", "should shame every {people} in {capital}"]
Q_ENDINGS = ["and nobody in {capital} will admit it", "unless {org} acts before {month}",
             "whatever the {people} tell you", "and we owe {people} an honest account",
             "and {month} will prove it", ""]
Q_THINGS = ["decision", "convoy", "agreement", "offer", "promise", "report", "plan", "deal"]
Q_PLACES = ["hospital", "school", "market", "bakery", "bridge", "stadium"]
Q_BOUGHT = ["bought with promises", "imposed by force", "delivered by convoy", "ordered from abroad"]
Q_PEOPLE = ["children", "doctors", "teachers", "farmers", "nurses", "pensioners", "generals"]
Q_ADJECTIVES = ["shameful", "historic", "bitter", "deliberate", "staggering", "quiet", "costly",
                "tragic", "cynical", "decisive"]
Q_NOUNS = ["diplomacy", "leadership", "trust", "medicine", "courage", "justice", "politics",
           "journalism", "humanity", "public service"]
Q_NUMBERS = ["two hundred", "three thousand", "eleven", "forty", "nine hundred", "sixty"]
MONTHS = ["January", "March", "May", "July", "September", "November"]
STOCK = ["We will not comment on that at this stage", "We are studying the proposal very carefully",
         "Our position on this question has not changed"]
OUTLETS = ["AFP", "Reuters", "The Guardian", "Le Monde", "Al Jazeera", "the BBC"]
VARIANTS = ("full", "cut_start", "cut_end", "ellipsis", "repunctuated", "partial", "pronoun")


@dataclass(frozen=True)
class Planted:
    """One statement a re-report article plants: where (its article and the words as
    written there) and what it reports (`label`: the same label, the same quote)."""

    source: str
    at: int  # where the words start in the body
    written: str
    label: str


def rereports(quotations: int = 60, seed: int = DEFAULT_SEED) -> tuple[list[ArticleInput], list[Planted]]:
    """Articles re-reporting `quotations` quotations (each in 2 to 5 articles, cut at
    either end, with an ellipsis, re-punctuated with curly marks, as a partial quote in
    reported speech, by pronoun), with distractors (speakers sharing a stock phrase; a
    speaker's second quotation sharing four words with the first), and what each planted
    statement reports. Deterministic: the same arguments give the same texts."""
    rng = random.Random(f"quotes:{seed}")
    speakers = cast(seed)
    items: list[tuple[Speaker, str, str]] = []  # (speaker, variant, label) per planted quote
    texts: dict[str, str] = {}
    for n in range(quotations):
        speaker = speakers[rng.randrange(len(speakers) // 2)]
        texts[f"q{n}"] = _quotation(rng)
        items.extend((speaker, variant, f"q{n}") for variant in _variants(rng))
        if n % 4 == 0:  # the same speaker's other quotation, sharing four words
            shared = " ".join(texts[f"q{n}"].split()[2:6])
            texts[f"q{n}b"] = f"{_quotation(rng).removesuffix('.')} and {shared.lower()}."
            items.append((speaker, "full", f"q{n}b"))
    for n in range(quotations // 3):
        speaker = speakers[rng.randrange(len(speakers) // 2)]
        phrase = STOCK[n % len(STOCK)]  # a quote of its speaker's: the label names both
        texts[f"stock:{speaker.name}:{phrase}"] = phrase + "."
        items.append((speaker, "full", f"stock:{speaker.name}:{phrase}"))
    rng.shuffle(items)
    articles: list[ArticleInput] = []
    planted: list[Planted] = []
    for index in range(0, len(items), 2):
        source = f"rereport-{seed}-{index // 2:05d}.txt"
        body, written = _rereport(rng, index // 2, items[index : index + 2], texts)
        articles.append(ArticleInput(body=body, source=source, publisher=rng.choice(OUTLETS)))
        planted.extend(Planted(source, at, text, label) for at, text, label in written)
    return articles, planted


def _fill(rng: random.Random, template: str) -> str:
    city, country = rng.choice(PLACES)
    return template.format(
        city=city, capital=rng.choice(PLACES)[0], weekday=rng.choice(WEEKDAYS),
        month=rng.choice(MONTHS), adj=rng.choice(Q_ADJECTIVES), noun=rng.choice(Q_NOUNS),
        number=rng.choice(Q_NUMBERS), country=country, thing=rng.choice(Q_THINGS),
        place=rng.choice(Q_PLACES), bought=rng.choice(Q_BOUGHT), people=rng.choice(Q_PEOPLE),
        org=rng.choice(ORGANISATIONS),
    )


def _quotation(rng: random.Random) -> str:
    opener, middle = _fill(rng, rng.choice(Q_OPENERS)), _fill(rng, rng.choice(Q_MIDDLES))
    ending = _fill(rng, rng.choice(Q_ENDINGS))
    return f"{opener} {middle}{', ' + ending if ending else ''}."


def _variants(rng: random.Random) -> list[str]:
    """How a quotation's 2 to 5 appearances render it: the first in full."""
    return ["full", *rng.sample(VARIANTS[1:], rng.randint(1, 4))]


def _rendered(rng: random.Random, quotation: str, variant: str) -> str:
    """The words a variant quotes (without marks or final stop)."""
    words = quotation.removesuffix(".").split()
    if variant == "cut_start":
        cut = words[rng.randint(2, 3):]
        return " ".join([cut[0].capitalize(), *cut[1:]])
    if variant == "cut_end":
        return " ".join(words[: -rng.randint(2, 3)])
    if variant == "ellipsis":
        at = rng.randint(5, len(words) - 5)
        return " ".join([*words[:at], "\u2026", *words[at + rng.randint(1, 2):]])
    if variant == "repunctuated":
        return " ".join(w.rstrip(",") for w in words).upper() if rng.random() < 0.2 \
            else " ".join(w.rstrip(",") for w in words).replace(" and ", ", and ")
    if variant == "partial":
        at = rng.randint(3, len(words) - 5)
        return " ".join(w.rstrip(",") for w in words[at : at + rng.randint(3, 5)])
    return " ".join(words)


def _rereport(
    rng: random.Random, index: int, items: Sequence[tuple[Speaker, str, str]],
    texts: dict[str, str],
) -> tuple[str, list[tuple[int, str, str]]]:
    """One short article planting `items`; its body and (offset, words, label) triples."""
    city, country = rng.choice(PLACES)
    date = (FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS))).strftime("%d %B, %Y")
    paragraphs = [f"Reaction to the {rng.choice(TOPICS)} in {city}",
                  f"Diplomats in {country} weighed their response on {rng.choice(WEEKDAYS)}.\n"
                  f"2 min read\n{date}"]
    written: list[tuple[int, str, str]] = []
    for speaker, variant, label in items:
        words = _rendered(rng, texts[label], variant)
        paragraph = _placed(rng, speaker, variant, words)
        at = len("\n\n".join([*paragraphs, ""])) + paragraph.index(words)
        paragraphs.append(paragraph)
        written.append((at, words, label))
    paragraphs.append(f"Talks are due to resume in {rng.choice(PLACES)[0]} next week.")
    return "\n\n".join(paragraphs) + "\n", written


def _placed(rng: random.Random, speaker: Speaker, variant: str, words: str) -> str:
    """The paragraph quoting `words`: by name, by pronoun after an introduction, or as
    reported speech with a partial quote; straight or curly marks."""
    opening, closing = ("\u201c", "\u201d") if variant == "repunctuated" or rng.random() < 0.4 \
        else ('"', '"')
    if variant == "partial":
        return (f"{speaker.introduction()} said the {rng.choice(TOPICS)} was "
                f"{opening}{words}{closing}.")
    if variant == "pronoun":
        return (f"{speaker.name} arrived in {rng.choice(PLACES)[0]} on "
                f"{rng.choice(WEEKDAYS)}. {opening}{words},{closing} {speaker.pronoun} said.")
    return f"{opening}{words},{closing} {speaker.introduction()} told {rng.choice(OUTLETS)}."


def pairwise_scores(truth: dict[str, str], found: dict[str, int | None]) -> tuple[float, float]:
    """Pairwise precision and recall of a clustering: `truth` and `found` map each item to
    its true label and to its quote (None: no quote, a cluster of its own). A pair counts
    when both items are in the same cluster; 1.0 where there is no pair to count."""
    items = sorted(truth)
    true_pairs = found_pairs = both = 0
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            same_truth = truth[a] == truth[b]
            same_found = found[a] is not None and found[a] == found[b]
            true_pairs += same_truth
            found_pairs += same_found
            both += same_truth and same_found
    return (both / found_pairs if found_pairs else 1.0, both / true_pairs if true_pairs else 1.0)


# --- loading -----------------------------------------------------------------------------


def load(database_url: str, articles: Sequence[ArticleInput], jobs: int = 2) -> int:
    """Migrate `database_url` and store `articles` the way `python -m api seed --jobs`
    does (`api.load.bulk`: extraction in `jobs` processes, batches written here in corpus
    order, so ids are the same in every database). Statements stored."""
    upgrade(database_url)
    return asyncio.run(_load(database_url, articles, jobs))


async def _load(database_url: str, articles: Sequence[ArticleInput], jobs: int) -> int:
    engine = create_engine(database_url)
    bar = tqdm(total=len(articles), desc="loading", unit="article", file=sys.stderr)
    try:
        report = await load_articles(engine, articles, jobs=jobs, progress=bar)
    finally:
        bar.close()
        await engine.dispose()
    if report.errors:
        raise RuntimeError(f"{len(report.errors)} articles were not stored: {report.errors[0]}")
    return report.statements


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.corpus", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES,
                        help=f"how many articles ({DEFAULT_ARTICLES})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"seed ({DEFAULT_SEED})")
    parser.add_argument("--out", type=Path, required=True, help="folder for the .txt files")
    args = parser.parse_args(argv)
    written = write_files(args.out, args.articles, args.seed)
    print(f"wrote {written} articles to {args.out} (sha256 {digest(args.articles, args.seed)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
