"""Errors that carry the offending value and a next step."""
from __future__ import annotations

from pathlib import Path


class QuotegraphError(Exception):
    """Base class for expected, user-facing failures."""


class SettingsError(QuotegraphError):
    """A setting has a value the program cannot use."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem


class SeedFileError(QuotegraphError):
    """A file given to the seed loader cannot be loaded; names the file."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


class ArchiveError(QuotegraphError):
    """An archive cannot be written or read back; names the file and, where it can, the line."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem
