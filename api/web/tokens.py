"""Bearer tokens: which configured token, if any, a request's Authorization header carries."""

from __future__ import annotations

import hmac
from collections.abc import Sequence


def bearer_name(authorization: str | None, tokens: Sequence[tuple[str, str]]) -> str | None:
    """The name of the token in `Authorization: Bearer <token>`, or None.

    Every configured token is compared, each with `hmac.compare_digest`, so the time
    taken says nothing about which token (or how much of one) matched.
    """
    scheme, _, presented = (authorization or "").strip().partition(" ")
    if scheme.lower() != "bearer" or not presented.strip():
        return None
    given = presented.strip().encode("utf-8")
    found: str | None = None
    for name, token in tokens:
        if hmac.compare_digest(given, token.encode("utf-8")):
            found = name
    return found
