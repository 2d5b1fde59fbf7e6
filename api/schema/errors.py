"""Errors a client caused; their messages are shown, everything else is masked."""

from __future__ import annotations

from api.errors import QuotegraphError


class InvalidArgument(QuotegraphError):
    """An argument cannot be used: a malformed id or cursor, a page size out of range."""
