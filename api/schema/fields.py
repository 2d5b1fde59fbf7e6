"""`resolver(...)`: `@strawberry.field(description=...)` as a decorator mypy --strict accepts."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

import strawberry

R = TypeVar("R", bound=Callable[..., object])


def resolver(description: str, *, name: str | None = None) -> Callable[[R], R]:
    """A field resolved by the decorated method, documented with `description`."""

    def decorate(function: R) -> R:
        return cast(R, strawberry.field(function, description=description, name=name))

    return decorate
