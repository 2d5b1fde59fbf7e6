"""Token buckets and client keys for the rate limit (api/web/limits.py)."""
from __future__ import annotations

import pytest
from starlette.datastructures import Headers

from api.settings import RateLimit
from api.web import limits
from api.web.limits import TokenBuckets, client_key


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_bucket_allows_a_burst_then_refills_evenly() -> None:
    clock = Clock()
    buckets = TokenBuckets(RateLimit(requests=3, per_seconds=60.0), clock)
    assert [buckets.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a") == pytest.approx(20.0)
    assert buckets.take("b") == 0.0  # another client has its own bucket
    clock.now += 20
    assert buckets.take("a") == 0.0
    assert buckets.take("a") == pytest.approx(20.0)


def test_idle_buckets_are_forgotten_when_there_are_too_many(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(limits, "MAX_CLIENTS", 2)
    clock = Clock()
    buckets = TokenBuckets(RateLimit(requests=1, per_seconds=10.0), clock)
    buckets.take("a")
    clock.now += 5
    buckets.take("b")
    clock.now += 5  # "a" has refilled; "b" has not
    buckets.take("c")
    assert sorted(buckets._buckets) == ["b", "c"]
    assert buckets.take("b") == pytest.approx(5.0)


@pytest.mark.parametrize(
    ("authorization", "key"),
    [
        ("", "address:203.0.113.9"),
        ("Basic dXNlcjpwYXNz", "address:203.0.113.9"),
        ("Bearer ", "address:203.0.113.9"),
        ("Bearer s3cret", "token:1ec1c26b50d5d3c58d9583181af8076655fe00756bf7285940ba3670f99fcba0"),
    ],
)
def test_a_client_is_its_bearer_token_or_its_address(authorization: str, key: str) -> None:
    scope = {"client": ("203.0.113.9", 5000)}
    headers = Headers({"authorization": authorization} if authorization else {})
    assert client_key(scope, headers) == key
