"""find_places and the look-ups the actor extractor uses."""
from __future__ import annotations

from pathlib import Path

import pytest

from api.extract.article import parse_article
from api.extract.places import (
    capital_country,
    demonym_country,
    find_places,
    is_country,
    lookup_place,
)
from api.extract.results import LocationKind, PlaceRef, Span

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "seeds" / "000_7ab53061f15ddaeb.txt"

ALEPPO = "geonames:170063"


def _places(text: str) -> tuple[PlaceRef, ...]:
    return find_places(text, [Span(0, len(text))])


def _summary(text: str) -> dict[str, tuple[str, LocationKind, str | None, list[str]]]:
    """key -> (name, kind, parent, mention texts)."""
    return {
        p.key: (p.name, p.kind, p.parent, [m.text(text) for m in p.mentions])
        for p in _places(text)
    }


def _mentioned(text: str) -> dict[str, list[str]]:
    return {p.name: [m.text(text) for m in p.mentions] for p in _places(text) if p.mentions}


def test_seed_places_kinds_and_parents() -> None:
    text = SEED.read_text(encoding="utf-8")
    places = find_places(text, parse_article(text).paragraphs)
    assert {p.key: (p.name, p.kind, p.parent) for p in places} == {
        ALEPPO: ("Aleppo", LocationKind.CITY, "country:SY"),
        "qg:sy/east-aleppo": ("East Aleppo", LocationKind.DISTRICT, ALEPPO),
        "country:SY": ("Syria", LocationKind.COUNTRY, None),
        "qg:sy/karam-al-katerji": ("Karam al-Katerji", LocationKind.DISTRICT, ALEPPO),
        "qg:sy/karam-al-rahal": ("Karam al-Rahal", LocationKind.DISTRICT, ALEPPO),
        "geonames:2660646": ("Geneva", LocationKind.CITY, "country:CH"),
        "geonames:524901": ("Moscow", LocationKind.CITY, "country:RU"),
        "geonames:4140963": ("Washington", LocationKind.CITY, "country:US"),
        "country:RU": ("Russia", LocationKind.COUNTRY, None),
        "country:CH": ("Switzerland", LocationKind.COUNTRY, None),
        "country:US": ("United States", LocationKind.COUNTRY, None),
    }


def test_seed_mentions_and_gazetteer_facts() -> None:
    text = SEED.read_text(encoding="utf-8")
    places = {p.name: p for p in find_places(text, parse_article(text).paragraphs)}
    mentions = {name: [m.text(text) for m in p.mentions] for name, p in places.items()}
    assert mentions["East Aleppo"] == [
        "eastern Aleppo", "East Aleppo", "East Aleppo", "eastern Aleppo",
        "eastern Aleppo", "eastern Aleppo", "eastern Aleppo", "East Aleppo",
    ]
    assert mentions["Aleppo"] == ["Aleppo"] * 8
    assert mentions["Russia"] == ["Russia"] * 5
    assert mentions["Moscow"] == ["Moscow", "Moscow"]  # "Moscow-sponsored" counts
    assert mentions["Karam al-Katerji"] == ["Karam\u00a0al-Katerji"]
    assert mentions["Switzerland"] == [] and mentions["United States"] == []
    aleppo = places["Aleppo"]
    assert (aleppo.country_code, round(aleppo.latitude or 0, 2)) == ("SY", 36.2)
    assert places["Syria"].country_code == "SY"


def test_demonyms_and_peoples_are_not_places() -> None:
    text = "The Syrian Army and the Russians left; Syrians fled and Russian jets flew."
    assert _places(text) == ()


def test_unknown_districts_of_a_known_city_are_found_by_pattern() -> None:
    text = (
        "Rebels held the Salaheddin district of Aleppo, and fighting hit Bustan al-Qasr and "
        "Fardous neighbourhoods of Aleppo. Later Salaheddin fell."
    )
    assert _summary(text) == {
        "qg:sy/salaheddin": ("Salaheddin", LocationKind.DISTRICT, ALEPPO, ["Salaheddin"] * 2),
        ALEPPO: ("Aleppo", LocationKind.CITY, "country:SY", ["Aleppo", "Aleppo"]),
        "qg:sy/bustan-al-qasr": (
            "Bustan al-Qasr", LocationKind.DISTRICT, ALEPPO, ["Bustan al-Qasr"]
        ),
        "qg:sy/fardous": ("Fardous", LocationKind.DISTRICT, ALEPPO, ["Fardous"]),
        "country:SY": ("Syria", LocationKind.COUNTRY, None, []),
    }


def test_direction_before_a_city_makes_a_sub_place_but_not_before_a_country() -> None:
    text = "Fighting in eastern Aleppo and West Mosul, southern Syria and Northern Ireland."
    assert _mentioned(text) == {
        "East Aleppo": ["eastern Aleppo"],
        "West Mosul": ["West Mosul"],
        "Syria": ["Syria"],
    }
    assert _summary(text)["qg:iq/west-mosul"][2] == "geonames:99072"  # Mosul


def test_jordan_the_person_is_not_the_country() -> None:
    assert _mentioned("Michael Jordan visited Jordan. Jordan said he loved Amman.") == {
        "Amman": ["Amman"]
    }
    assert _mentioned("Jordan said the border with Syria was closed.") == {"Syria": ["Syria"]}
    assert _mentioned("King Abdullah of Jordan met officials.") == {"Jordan": ["Jordan"]}


def test_washington_the_surname_and_the_newspaper_are_not_places() -> None:
    assert _places("Denzel Washington starred. The Washington Post reported it.") == ()
    assert _mentioned("Officials in Washington said so.") == {"Washington": ["Washington"]}


def test_jordan_river_is_not_jordan() -> None:
    assert _places("The Jordan River is long.") == ()


def test_common_word_towns_at_sentence_start_are_skipped() -> None:
    text = "Reading is fun. Nice work. Split decisions. Mobile phones. Of course. Bath time."
    assert _places(text) == ()


def test_common_word_towns_inside_a_sentence_are_found() -> None:
    text = "He moved to Reading in 2010 and later to Nice."
    assert _mentioned(text) == {"Reading": ["Reading"], "Nice": ["Nice"]}


def test_first_name_towns_used_for_people_are_skipped() -> None:
    assert _places("Victoria Beckham sang. Victoria said no.") == ()
    assert _places("Clinton said it. Hillary Clinton said more. President Obama agreed.") == ()


def test_lowercase_words_never_match() -> None:
    assert _places("we ate turkey in the mobile home near the jordan river") == ()


def test_longest_name_wins() -> None:
    assert _mentioned("He flew from New York City to Kansas City.") == {
        "New York City": ["New York City"],
        "Kansas City": ["Kansas City"],
    }


def test_us_city_parent_is_its_state_and_state_parent_is_united_states() -> None:
    assert _summary("She spoke in Tulsa, Oklahoma.") == {
        "geonames:4553433": ("Tulsa", LocationKind.CITY, "geonames:4544379", ["Tulsa"]),
        "geonames:4544379": ("Oklahoma", LocationKind.REGION, "country:US", ["Oklahoma"]),
        "country:US": ("United States", LocationKind.COUNTRY, None, []),
    }


def test_state_named_like_a_big_city_needs_the_word_state() -> None:
    assert _summary("She moved from New York to Washington State last year.") == {
        "geonames:5128581": ("New York City", LocationKind.CITY, "geonames:5128638", ["New York"]),
        "geonames:5815135": ("Washington", LocationKind.REGION, "country:US", ["Washington State"]),
        "geonames:5128638": ("New York", LocationKind.REGION, "country:US", []),
        "country:US": ("United States", LocationKind.COUNTRY, None, []),
    }


def test_small_town_needs_its_state_or_country_named() -> None:
    assert _places("It's Clinton or Trump.") == ()
    assert _mentioned("In Clinton, Iowa, the mayor spoke.") == {
        "Clinton": ["Clinton"], "Iowa": ["Iowa"]
    }


def test_namesakes_pick_the_bigger_city_unless_the_article_points_elsewhere() -> None:
    assert _summary("Talks in Paris resumed.")["geonames:2988507"][0] == "Paris"  # France
    assert "geonames:4250542" in _summary("He grew up in Springfield, Illinois.")  # not Missouri


def test_georgia_is_the_state_in_a_us_story_and_the_country_otherwise() -> None:
    assert _summary("Officials in Georgia said the U.S. would help.")["geonames:4197000"][1] == (
        LocationKind.REGION
    )
    assert _summary("Officials in Georgia and Tbilisi met.")["country:GE"][1] == (
        LocationKind.COUNTRY
    )


def test_country_aliases_resolve_to_the_country() -> None:
    text = "The U.S. and Britain spoke; America agreed."
    assert _mentioned(text) == {"United States": ["U.S", "America"], "United Kingdom": ["Britain"]}


def test_headline_case_keeps_countries_but_not_unconfirmed_towns() -> None:
    assert _mentioned("Talks in Geneva Stall over Aleppo as Russia Warns Rebels") == {
        "Russia": ["Russia"]
    }


def test_only_the_given_spans_are_scanned() -> None:
    text = "Caption about Aleppo [AFP]\nStory about Moscow."
    assert _mentioned_in(text, [Span(27, len(text))]) == {"Moscow": ["Moscow"]}


def _mentioned_in(text: str, spans: list[Span]) -> dict[str, list[str]]:
    places = find_places(text, spans)
    return {p.name: [m.text(text) for m in p.mentions] for p in places if p.mentions}


@pytest.mark.parametrize("text", ["", "\x00\xff [[[ ]]] al- - .. ,, ", "A", "Aleppo" * 1000])
def test_odd_input_does_not_crash(text: str) -> None:
    assert isinstance(_places(text), tuple)


def test_every_parent_resolves_inside_the_result() -> None:
    text = "From Tulsa, Oklahoma to eastern Aleppo and the Salaheddin district of Aleppo."
    places = _places(text)
    keys = {p.key for p in places}
    assert all(p.parent is None or p.parent in keys for p in places)


@pytest.mark.parametrize(
    ("word", "country"),
    [("Russian", "Russia"), ("American", "United States"), ("Syrians", "Syria"),
     ("British", "United Kingdom"), ("Moscow", None), ("Aleppo", None)],
)
def test_demonym_country(word: str, country: str | None) -> None:
    assert demonym_country(word) == country


@pytest.mark.parametrize(
    ("name", "country"),
    [("Moscow", "Russia"), ("Washington", "United States"), ("Washington D.C.", "United States"),
     ("Damascus", "Syria"), ("Aleppo", None), ("Nowhere", None)],
)
def test_capital_country(name: str, country: str | None) -> None:
    assert capital_country(name) == country


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Syria", True), ("the United States", True), ("U.S.", True), ("Russian", False),
     ("Aleppo", False), ("Nowhere", False)],
)
def test_is_country(name: str, expected: bool) -> None:
    assert is_country(name) is expected


def test_lookup_place_returns_gazetteer_facts_without_mentions() -> None:
    aleppo = lookup_place("Aleppo")
    assert aleppo is not None
    assert (aleppo.key, aleppo.kind, aleppo.parent, aleppo.mentions) == (
        ALEPPO, LocationKind.CITY, "country:SY", ()
    )
    assert lookup_place("Karam al-Katerji") is not None
    assert lookup_place("Nowhere") is None
