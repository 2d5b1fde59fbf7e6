"""The closed vocabularies shared by extraction, tables and the API. Imports nothing."""
from __future__ import annotations

from enum import StrEnum


class ActorKind(StrEnum):
    PERSON = "PERSON"
    ORGANIZATION = "ORGANIZATION"
    GOVERNMENT = "GOVERNMENT"
    MEDIA = "MEDIA"
    GROUP = "GROUP"
    UNNAMED = "UNNAMED"


class StatementKind(StrEnum):
    DIRECT = "DIRECT"
    INDIRECT = "INDIRECT"
    MIXED = "MIXED"


class LocationKind(StrEnum):
    COUNTRY = "COUNTRY"
    REGION = "REGION"
    CITY = "CITY"
    DISTRICT = "DISTRICT"
    OTHER = "OTHER"


class ExtractionMode(StrEnum):
    """How articles are read: the transformer tagger with the rules, or the rules and CRF."""

    ACCURATE = "accurate"
    FAST = "fast"
