"""The services some tests need (PostgreSQL, Redis, Node.js, Chromium): skipped locally,
saying why, when one is missing; an error where the run requires it (CI).

A run requires services by `pytest --require-services postgresql,redis,node,browser` or
`QUOTEGRAPH_TEST_REQUIRE=postgresql,redis,node,browser` (`.ci/run` sets it). Every test
that reaches a service is counted, and the counts are printed at the end of the run; a
required service that no test reached fails the run too.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pytest

SERVICES = ("postgresql", "redis", "node", "browser")
REQUIRE_VARIABLE = "QUOTEGRAPH_TEST_REQUIRE"


@dataclass
class Ledger:
    """Which services this run requires, and which tests reached each one."""

    required: frozenset[str] = frozenset()
    current: str = ""  # the node id of the test being set up or run
    reached: dict[str, set[str]] = field(default_factory=lambda: {s: set() for s in SERVICES})
    ran: Counter[str] = field(default_factory=Counter)


LEDGER = Ledger()


def parse_required(raw: str) -> frozenset[str]:
    """`postgresql,redis` -> the set of services; an unknown name is a usage error."""
    names = frozenset(part.strip().lower() for part in raw.split(",") if part.strip())
    unknown = sorted(names - set(SERVICES))
    if unknown:
        raise pytest.UsageError(
            f"{REQUIRE_VARIABLE} / --require-services: unknown service {', '.join(unknown)}; "
            f"use a comma-separated list of {', '.join(SERVICES)}"
        )
    return names


def need(service: str, problem: str | None) -> None:
    """Go on when `problem` is None (and count the test); otherwise skip the calling test
    with the problem as its reason, or fail it when this run requires `service`."""
    assert service in SERVICES, service
    if problem is None:
        LEDGER.reached[service].add(LEDGER.current)
        return
    if service in LEDGER.required:
        pytest.fail(
            f"{service} is required in this run ({REQUIRE_VARIABLE}) but unavailable: {problem}",
            pytrace=False,
        )
    pytest.skip(problem)


def record_call(nodeid: str) -> None:
    """Count a test that ran (reached its call phase) against each service it reached."""
    for service in SERVICES:
        if nodeid in LEDGER.reached[service]:
            LEDGER.ran[service] += 1


def summary() -> str:
    """One line: how many tests of each service ran."""
    counts = ", ".join(f"{service} {LEDGER.ran[service]}" for service in SERVICES)
    required = ",".join(sorted(LEDGER.required)) or "none"
    return f"tests that ran per service: {counts} (required: {required})"


def unreached() -> list[str]:
    """Required services no test ran against: a run that proves nothing about them."""
    return [service for service in SERVICES
            if service in LEDGER.required and LEDGER.ran[service] == 0]
