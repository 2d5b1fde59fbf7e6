"""Gender from honorifics, titles, first names and pronouns."""
from __future__ import annotations

import pytest

from api.extract.gender import (
    Gender,
    compatible,
    first_name_gender,
    person_gender,
    pronoun_gender,
    title_gender,
)


@pytest.mark.parametrize(
    ("name", "gender"),
    [
        ("Hillary", Gender.FEMALE),
        ("Donald", Gender.MALE),
        ("Bernie", Gender.UNKNOWN),  # "mostly female" in the list: not sure enough
        ("Reince", Gender.UNKNOWN),  # not in the list
        ("J.", Gender.UNKNOWN),  # an initial
        ("hillary", Gender.UNKNOWN),  # not written as a name
    ],
)
def test_first_name_gender(name: str, gender: Gender) -> None:
    assert first_name_gender(name) == gender


def test_title_gender_needs_one_agreeing_title() -> None:
    assert title_gender(["Mrs."]) == Gender.FEMALE
    assert title_gender(["House", "spokesman"]) == Gender.MALE
    assert title_gender(["Mr.", "Mrs."]) == Gender.UNKNOWN
    assert title_gender(["Sen."]) == Gender.UNKNOWN


def test_person_gender_prefers_the_title_to_the_first_name() -> None:
    assert person_gender("Clinton", "Mrs.") == Gender.FEMALE
    assert person_gender("Jane Roe") == Gender.FEMALE
    assert person_gender("Jane Roe", "Mr.") == Gender.MALE
    assert person_gender("Roe") == Gender.UNKNOWN


def test_pronouns_and_compatibility() -> None:
    assert [pronoun_gender(p) for p in ("He", "her", "they")] == [
        Gender.MALE, Gender.FEMALE, Gender.UNKNOWN
    ]
    assert compatible(Gender.MALE, Gender.UNKNOWN)
    assert compatible(Gender.UNKNOWN, Gender.FEMALE)
    assert not compatible(Gender.MALE, Gender.FEMALE)
