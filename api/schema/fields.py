"""`resolver(...)` and `subscription(...)`: `@strawberry.field` and `@strawberry.subscription`
with a description, as decorators mypy --strict accepts."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar, cast

import strawberry

R = TypeVar("R", bound=Callable[..., object])


def resolver(
    description: str, *, name: str | None = None, reads: Mapping[str, object] | None = None
) -> Callable[[R], R]:
    """A field resolved by the decorated method, documented with `description`; `reads`:
    its catalogue metadata (`api.schema.catalogue.reads(...)`), for the query compiler."""

    def decorate(function: R) -> R:
        field = strawberry.field(function, description=description, name=name, metadata=reads)
        return cast(R, field)

    return decorate


def subscription(description: str) -> Callable[[R], R]:
    """A subscription field streamed by the decorated async generator method."""

    def decorate(function: R) -> R:
        return cast(R, strawberry.subscription(function, description=description))

    return decorate
