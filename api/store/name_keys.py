"""The matching form of names, shared by ingest and human corrections. Imports nothing."""

from __future__ import annotations


def name_key(name: str) -> str:
    """The matching form of a name: casefolded, single-spaced."""
    return " ".join(name.casefold().split())
