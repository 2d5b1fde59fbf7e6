"""Service skips: a reason locally, an error where the run requires the service (CI)."""
from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter

import pytest

from tests import services
from tests.conftest import ROOT

CLOSED_PORT_URL = "postgresql://postgres@127.0.0.1:1/nowhere"  # nothing listens on port 1
ONE_POSTGRES_TEST = "tests/test_ingest.py::test_same_body_twice_adds_nothing"


@pytest.fixture
def ledger(monkeypatch: pytest.MonkeyPatch) -> services.Ledger:
    """A fresh ledger for the test, the run's own restored afterwards."""
    fresh = services.Ledger(current="tests/x.py::test_x")
    monkeypatch.setattr(services, "LEDGER", fresh)
    return fresh


def test_a_missing_service_skips_with_its_reason_when_not_required(
    ledger: services.Ledger,
) -> None:
    with pytest.raises(pytest.skip.Exception, match=r"^Redis is down$"):
        services.need("redis", "Redis is down")


def test_a_missing_required_service_fails_naming_it_and_the_reason(
    ledger: services.Ledger,
) -> None:
    ledger.required = frozenset({"redis"})
    with pytest.raises(pytest.fail.Exception) as failure:
        services.need("redis", "Redis is down")
    assert str(failure.value) == (
        "redis is required in this run (QUOTEGRAPH_TEST_REQUIRE) but unavailable: Redis is down"
    )


def test_a_reached_service_counts_the_test_once_it_runs(ledger: services.Ledger) -> None:
    ledger.required = frozenset({"postgresql", "browser"})
    services.need("postgresql", None)
    services.record_call("tests/x.py::test_x")
    services.record_call("tests/x.py::test_other")
    assert ledger.ran == Counter({"postgresql": 1})
    assert services.unreached() == ["browser"]
    assert services.summary() == (
        "tests that ran per service: postgresql 1, redis 0, node 0, browser 0 "
        "(required: browser,postgresql)"
    )


def test_required_services_are_parsed_and_unknown_ones_refused() -> None:
    assert services.parse_required(" PostgreSQL, redis,,") == {"postgresql", "redis"}
    assert services.parse_required("") == frozenset()
    with pytest.raises(pytest.UsageError, match="unknown service mysql; use a comma-separated"):
        services.parse_required("postgresql,mysql")


def _pytest(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != services.REQUIRE_VARIABLE}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT, env={**environ, **env}, capture_output=True, text=True, timeout=120,
        check=False,
    )


def test_an_unreachable_required_postgresql_fails_the_run() -> None:
    run = _pytest(ONE_POSTGRES_TEST, TEST_DATABASE_URL=CLOSED_PORT_URL,
                  QUOTEGRAPH_TEST_REQUIRE="postgresql")
    assert run.returncode == pytest.ExitCode.TESTS_FAILED, run.stdout
    assert "1 passed, 1 error" in run.stdout
    assert "postgresql is required in this run (QUOTEGRAPH_TEST_REQUIRE) but unavailable: " \
        f"PostgreSQL at TEST_DATABASE_URL={CLOSED_PORT_URL} is not reachable" in run.stdout
    assert "FAILED: postgresql is required (QUOTEGRAPH_TEST_REQUIRE) but no test ran" in run.stdout


def test_the_same_run_only_skips_locally() -> None:
    run = _pytest(ONE_POSTGRES_TEST, TEST_DATABASE_URL=CLOSED_PORT_URL)
    assert run.returncode == pytest.ExitCode.OK, run.stdout
    assert "1 passed, 1 skipped" in run.stdout
    assert "tests that ran per service: postgresql 0, redis 0, node 0, browser 0 " \
        "(required: none)" in run.stdout


def test_a_run_that_collects_nothing_fails_when_services_are_required() -> None:
    run = _pytest("--require-services", "redis", "-k", "no_test_has_this_name", "tests/test_docs.py")
    assert run.returncode == pytest.ExitCode.NO_TESTS_COLLECTED, run.stdout
    assert "FAILED: redis is required" in run.stdout
