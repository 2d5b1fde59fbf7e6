"""The documentation agrees with the code: every setting is documented, and only settings."""
from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path

from api.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CONFIGURATION = ROOT / "docs" / "configuration.md"
# Variables only the test suite reads (tests/conftest.py, tests/web/conftest.py); they are
# documented beside the settings so one table says what the environment can hold.
TEST_ONLY = {"TEST_REDIS_URL", "QUOTEGRAPH_TEST_REQUIRE"}
_ROW = re.compile(r"^\| `([A-Z][A-Z0-9_]+)` \|", re.MULTILINE)


class _RecordingEnv(Mapping[str, str]):
    """An empty environment that remembers every variable asked for."""

    def __init__(self) -> None:
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> str:
        self.asked.add(key)
        raise KeyError(key)

    def get(self, key: str, default: object = None) -> object:  # type: ignore[override]
        self.asked.add(key)
        return default

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def _read_by_settings() -> set[str]:
    env = _RecordingEnv()
    Settings.from_env(env)
    return env.asked


def _documented() -> set[str]:
    return set(_ROW.findall(CONFIGURATION.read_text(encoding="utf-8")))


def test_the_recording_environment_sees_the_variables_settings_read() -> None:
    asked = _read_by_settings()
    assert {"DATABASE_URL", "QUOTEGRAPH_MAX_COST", "REDIS_URL", "TEST_DATABASE_URL"} <= asked


def test_every_setting_is_documented_in_docs_configuration() -> None:
    undocumented = sorted(_read_by_settings() - _documented())
    assert undocumented == [], f"add a row for each to {CONFIGURATION}"


def test_every_documented_setting_exists() -> None:
    unknown = sorted(_documented() - _read_by_settings() - TEST_ONLY)
    assert unknown == [], f"{CONFIGURATION} documents variables api/settings.py never reads"
