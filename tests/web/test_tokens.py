"""Bearer tokens: the name of the matching token, compared in constant time."""
from __future__ import annotations

import hmac

import pytest

from api.web import tokens
from api.web.tokens import bearer_name

TOKENS = (("alice", "alice-secret"), ("bot", "bot-secret"))


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("Bearer alice-secret", "alice"),
        ("bearer bot-secret", "bot"),
        ("  Bearer   bot-secret  ", "bot"),
        ("Bearer alice-secret-and-more", None),
        ("Bearer alice", None),
        ("Basic alice-secret", None),
        ("alice-secret", None),
        ("Bearer ", None),
        ("", None),
        (None, None),
    ],
)
def test_the_token_name_or_none(header: str | None, expected: str | None) -> None:
    assert bearer_name(header, TOKENS) == expected


def test_no_tokens_configured_matches_nothing() -> None:
    assert bearer_name("Bearer alice-secret", ()) is None


def test_every_token_is_compared_with_compare_digest(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[bytes, bytes]] = []
    compare = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        calls.append((a, b))
        return compare(a, b)

    monkeypatch.setattr(tokens.hmac, "compare_digest", spy)
    assert bearer_name("Bearer alice-secret", TOKENS) == "alice"
    # the first token matches, and the second is still compared: timing says nothing
    assert calls == [(b"alice-secret", b"alice-secret"), (b"alice-secret", b"bot-secret")]
