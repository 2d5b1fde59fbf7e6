"""Relay connections over keyset pages.

A cursor is opaque to clients: base64 of the JSON list of the row's sort values
(dates tagged), ending with its id. `after`/`before` become keyset conditions in
`api.loaders`; nothing is skipped with OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

import strawberry

from api.context import Context
from api.loaders.listings import C, Listing, M, Page, Position, SortValue, Window
from api.schema.errors import InvalidArgument
from api.schema.fields import resolver

T = TypeVar("T")
DEFAULT_PAGE = 20
MAX_PAGE = 100

First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Return the first n rows (0 to {MAX_PAGE}); "
        f"{DEFAULT_PAGE} when neither first nor last is given."
    ),
]
After = Annotated[
    str | None, strawberry.argument(description="Only rows after this cursor (an edge's cursor).")
]
Last = Annotated[
    int | None,
    strawberry.argument(description=f"Return the last n rows (0 to {MAX_PAGE}); not with first."),
]
Before = Annotated[
    str | None, strawberry.argument(description="Only rows before this cursor (an edge's cursor).")
]


@strawberry.type(description="Where a page sits in its connection (Relay cursor pagination).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More rows follow this page (with `last`: true when `before` was given)."
    )
    has_previous_page: bool = strawberry.field(
        description="More rows precede this page (with `first`: true when `after` was given)."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first edge.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last edge.")


@strawberry.type(description="A row of a connection with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from here.")
    node: T = strawberry.field(description="The row.")


@dataclass(frozen=True)
class _Slice(Generic[T]):
    """A loaded page as GraphQL values."""

    nodes: list[T]
    edges: list[Edge[T]]
    page_info: PageInfo


@dataclass(frozen=True)
class Scope(Generic[C]):
    """The whole list a connection pages: its listing, criteria and parent (`ROOT` for a
    top-level list); what its aggregates (`api.schema.aggregates`) are computed over."""

    listing: Listing[Any, C]
    criteria: C
    parent: int


@strawberry.type(description="One page of a list, with cursors to fetch the neighbouring pages.")
class Connection(Generic[T]):
    """Loads its page only if edges, nodes or pageInfo are asked for, its count only if
    totalCount is: both through the request's loaders, so sibling connections batch."""

    _load_page: strawberry.Private[Callable[[], Awaitable[_Slice[T]]]]
    _load_count: strawberry.Private[Callable[[], Awaitable[int]]]
    _scope: strawberry.Private[Scope[Any]]

    @resolver(description="The rows of this page with cursors.")
    async def edges(self) -> list[Edge[T]]:
        return (await self._load_page()).edges

    @resolver(description="The rows of this page.")
    async def nodes(self) -> list[T]:
        return (await self._load_page()).nodes

    @resolver(description="Whether more pages exist, and cursors.")
    async def page_info(self) -> PageInfo:
        return (await self._load_page()).page_info

    @resolver(description="How many rows the whole list has (ignores paging).")
    async def total_count(self) -> int:
        return await self._load_count()


def encode_cursor(position: Position) -> str:
    """The opaque cursor of a sort position.

    Non-ASCII text stays UTF-8 (not \\u escapes) so that the SQL compiler (api.compiler)
    can build the same bytes with the databases' JSON functions; decoding accepts both."""
    values = [{"d": v.isoformat()} if isinstance(v, dt.date) else v for v in position]
    text = json.dumps(values, separators=(",", ":"), ensure_ascii=False)
    return base64.urlsafe_b64encode(text.encode()).decode()


def decode_cursor(cursor: str) -> Position:
    """The sort position in a cursor; InvalidArgument if it is not a cursor."""
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
        if isinstance(values, list):
            return tuple(_sort_value(value) for value in values)
    except (ValueError, UnicodeError, binascii.Error, TypeError, KeyError):
        pass
    raise InvalidArgument(f"{cursor!r} is not a cursor; use an edge's `cursor` from this list")


def _sort_value(value: object) -> SortValue:
    if isinstance(value, dict):
        return dt.date.fromisoformat(value["d"])
    if isinstance(value, (int, str)) and not isinstance(value, bool):
        return value
    raise TypeError(value)


def window_of(
    listing: Listing[M, C],
    criteria: C,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Window:
    """Validate Relay arguments into a `Window`; clear errors for bad values."""
    if first is not None and last is not None:
        raise InvalidArgument("pass either `first` or `last`, not both")
    size = _page_size("last", last) if last is not None else _page_size("first", first)
    return Window(
        size=size,
        forward=last is None,
        after=_position(listing, criteria, after),
        before=_position(listing, criteria, before),
    )


def _page_size(name: str, value: int | None) -> int:
    if value is None:
        return DEFAULT_PAGE
    if not 0 <= value <= MAX_PAGE:
        raise InvalidArgument(f"`{name}` must be between 0 and {MAX_PAGE}, got {value}")
    return value


def _position(listing: Listing[M, C], criteria: C, cursor: str | None) -> Position | None:
    if cursor is None:
        return None
    position = decode_cursor(cursor)
    if not listing.fits(criteria, position):
        raise InvalidArgument(f"{cursor!r} is a cursor of another list or order")
    return position


async def connection(
    info: strawberry.Info[Context, None],
    listing: Listing[M, C],
    criteria: C,
    parent: int,
    convert: Callable[[M], T],
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    make: type[Connection[Any]] = Connection,
) -> Connection[T]:
    """The page of `listing` under `parent` that the Relay arguments ask for, batched;
    `make`: the connection class (a subclass with more fields, e.g. aggregates)."""
    window = window_of(listing, criteria, first, after, last, before)
    loaders = info.context.loaders
    loaded: list[_Slice[T]] = []

    async def load_page() -> _Slice[T]:
        if not loaded:  # edges, nodes and pageInfo share one (cached) load and conversion
            page = await loaders.page(listing, criteria, window).load(parent)
            if not loaded:
                loaded.append(_slice(page, window, convert))
        return loaded[0]

    async def load_count() -> int:
        return await loaders.count(listing, criteria).load(parent)

    scope = Scope(listing, criteria, parent)
    made: Connection[T] = make(_load_page=load_page, _load_count=load_count, _scope=scope)
    return made


def _slice(page: Page[M], window: Window, convert: Callable[[M], T]) -> _Slice[T]:
    nodes = [convert(row) for row in page.rows]
    cursors = [encode_cursor(position) for position in page.positions]
    if window.forward:
        has_next, has_previous = page.has_more, window.after is not None
    else:
        has_next, has_previous = window.before is not None, page.has_more
    info = PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
    edges = [Edge(cursor=c, node=n) for c, n in zip(cursors, nodes, strict=True)]
    return _Slice(nodes=nodes, edges=edges, page_info=info)
