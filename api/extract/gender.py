"""Grammatical gender of people, so "she" skips the men named before her.

Gender comes from what the text itself says: an honorific ("Mrs. Clinton"),
a gendered title ("congresswoman"), a first name the gender-guesser list
knows well, or a pronoun that already stood for the person. Anything less
certain is UNKNOWN, and UNKNOWN is compatible with every pronoun.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum
from functools import cache

import gender_guesser.detector


class Gender(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"
    UNKNOWN = "UNKNOWN"


_TITLE_GENDER: dict[str, Gender] = {
    **dict.fromkeys(
        """mr mr. sir lord king prince father brother son husband congressman
        spokesman chairman councilman assemblyman businessman congressmen
        grandfather uncle nephew""".split(),
        Gender.MALE,
    ),
    **dict.fromkeys(
        """mrs mrs. ms ms. miss madam lady queen princess mother sister daughter
        wife congresswoman spokeswoman chairwoman councilwoman assemblywoman
        businesswoman grandmother aunt niece first-lady""".split(),
        Gender.FEMALE,
    ),
}
_PRONOUN_GENDER = {"he": Gender.MALE, "him": Gender.MALE, "his": Gender.MALE,
                   "she": Gender.FEMALE, "her": Gender.FEMALE, "hers": Gender.FEMALE}
_WORD = re.compile(r"[A-Za-z][\w.'’-]*")


@cache
def _detector() -> gender_guesser.detector.Detector:
    # Reading the names list takes ~0.1 s: build it once, on first use.
    return gender_guesser.detector.Detector(case_sensitive=False)


def first_name_gender(name: str) -> Gender:
    """Gender of a first name when the list is sure ("Hillary"); "mostly" is not sure."""
    if len(name) < 2 or not name[0].isupper() or name.endswith("."):
        return Gender.UNKNOWN
    guess = _detector().get_gender(name)
    if guess == "male":
        return Gender.MALE
    if guess == "female":
        return Gender.FEMALE
    return Gender.UNKNOWN


def title_gender(words: Iterable[str]) -> Gender:
    """Gender carried by honorifics or titles ("Mrs.", "congresswoman"), if one agrees."""
    found = {_TITLE_GENDER[w.lower()] for w in words if w.lower() in _TITLE_GENDER}
    return found.pop() if len(found) == 1 else Gender.UNKNOWN


def pronoun_gender(pronoun: str) -> Gender:
    """MALE for he/him/his, FEMALE for she/her, else UNKNOWN."""
    return _PRONOUN_GENDER.get(pronoun.casefold(), Gender.UNKNOWN)


def person_gender(name: str, title: str = "") -> Gender:
    """Gender of a person named `name` under a `title` ("Mrs.", "spokeswoman"),
    else from the first name."""
    titled = title_gender(_WORD.findall(title))
    if titled != Gender.UNKNOWN:
        return titled
    words = name.split()
    return first_name_gender(words[0]) if len(words) > 1 else Gender.UNKNOWN


def compatible(pronoun: Gender, person: Gender) -> bool:
    """Whether a pronoun of one gender can stand for a person of the other."""
    return Gender.UNKNOWN in (pronoun, person) or pronoun == person
