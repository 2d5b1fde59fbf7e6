"""The compiled SQL path answers every supported query byte for byte as Strawberry does.

Each case runs through `schema.execute` (resolvers and loaders) and through the
compiler on the same database; the `data` must serialise to the same bytes, and
the compiler must take every case meant for it and leave the others to Strawberry.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import col
from sqlmodel import select as select_rows
from sqlmodel.ext.asyncio.session import AsyncSession

from api.adapters.strawberry import graphql_schema
from api.compiler import Compiler
from api.context import build_context
from api.load.seed import seed_paths
from api.schema import schema
from api.store.models import Article, Quote, Statement
from api.store.quotes import recount
from tests.articles import CEASEFIRE
from tests.conftest import SEED_FILE
from tests.schema.helpers import gid
from tests.test_seed_graphql import ACTOR_SEARCH, ARTICLE, LAVROV, TOTALS

pytestmark = pytest.mark.anyio

Q1 = (
    "{ articles(first: 50) { nodes { id title publishedAt statements(first: 10) { nodes { "
    "id text kind speaker { id name title affiliation { name } } } } "
    "locations { nodes { name } } } } }"
)
Q2 = (
    "query($id: ID!) { actor(id: $id) { name statements(first: 50) { nodes { "
    "text kind article { title publishedAt } locations { name } } } } }"
)
Q3 = (
    "query($q: String!) { statements(filter: {search: $q}, first: 20) { nodes { "
    "id text speaker { name } article { title publishedAt } } } }"
)
Q4 = (
    "query($loc: ID!, $from: Date, $to: Date) { statements(filter: {locationId: $loc, "
    "publishedFrom: $from, publishedTo: $to}, first: 50) { nodes { "
    "text speaker { name } article { publishedAt } } } }"
)
Q5 = (
    "query($id: ID!) { node(id: $id) { id ... on Statement { text kind speaker { name title } } } }"
)
PAGE_INFO = "pageInfo { hasNextPage hasPreviousPage startCursor endCursor __typename }"
FEED = f"""query($first: Int, $after: String, $last: Int, $before: String) {{
  statements(first: $first, after: $after, last: $last, before: $before) {{
    totalCount __typename edges {{ __typename cursor node {{ id text }} }} {PAGE_INFO} }} }}"""
ARTICLE_PAGES = f"""query($first: Int, $last: Int, $after: String, $order: ArticleOrder!) {{
  articles(orderBy: $order, first: $first, last: $last, after: $after) {{
    edges {{ cursor node {{ title publishedAt }} }} {PAGE_INFO} }} }}"""
NESTED_PAGES = f"""query($first: Int, $last: Int) {{ articles {{ nodes {{
  statements(first: $first, last: $last) {{ totalCount nodes {{ text }} {PAGE_INFO} }}
  actors(last: $last) {{ edges {{ cursor node {{ name }} }} {PAGE_INFO} }}
  locations(first: $first) {{ edges {{ cursor node {{ name }} }} }} }} }} }}"""
EVERY_FIELD = """{ statements(first: 30) { nodes {
  __typename id text kind cue speakerText span { start end __typename } speakerSpan { end start }
  parts { start end __typename }
  speaker { __typename id name kind title aliases statementCount affiliation { id name }
            members { totalCount nodes { name } } articles(first: 1) { nodes { title } } }
  medium { name } article { id title standfirst publishedAt publisher url readingTimeMinutes
  creditLine contentHash } mentions { id name } locations { id name kind countryCode
  parent { name parent { name } } children { name } } } } }"""
FRAGMENTS = """query($withText: Boolean!, $skipSpeaker: Boolean = false) {
  first: statements(first: 3) { ...page }
  again: statements(first: 3) { nodes { kind } ...page }
  actors(first: 5, filter: {kind: PERSON}) { nodes { ... on Actor { name } ...actor } }
}
fragment page on StatementConnection { nodes { id text @include(if: $withText)
  speaker @skip(if: $skipSpeaker) { ...actor } ... on Statement { kind } } }
fragment actor on Actor { id title name }"""
PLACES = """query($id: ID!) { location(id: $id) { name kind countryCode parent { name }
  children { name } statements(first: 5) { totalCount nodes { text } }
  articles(first: 5, orderBy: TITLE_ASC) { edges { cursor node { title } } } } }"""
MERGED = """{ articles(first: 2) { totalCount } articles(first: 2) { nodes { title } }
  articles(first: 2) { ... on ArticleConnection { nodes { id } } } }"""
LOOKUPS = """query($article: ID!, $statement: ID!, $actor: ID!) {
  article(id: $article) { title statements(first: 2) { nodes { text } } }
  statement(id: $statement) { text } actor(id: $actor) { name }
  node(id: $actor) { __typename id ... on Actor { name } ... on Statement { text } } }"""
FILTERS = """query($kind: StatementKind, $speaker: ID) {
  statements(first: 50, filter: {kind: $kind, speakerId: $speaker}) { totalCount nodes { text } }
  actors(filter: {search: "LAVROV"}) { nodes { name } }
  locations(filter: {countryCode: "sy"}) { totalCount nodes { name } } }"""
GROUP_FIELDS = """keys count distinctCount { speakers articles publishers __typename } __typename
  speaker { id name } affiliation { name } medium { name } location { id name } publisher kind
  publishedAt"""
GROUPED = f"""query($by: [StatementGroupBy!]!, $order: StatementGroupOrder, $first: Int,
                  $filter: StatementFilter) {{
  statements(filter: $filter, first: 2) {{ totalCount nodes {{ id }}
    aggregates {{ __typename count distinctCount {{ speakers articles publishers }} }}
    groupedAggregates(groupBy: $by, orderBy: $order, first: $first) {{ {GROUP_FIELDS} }} }} }}"""
GROUPED_NESTED = f"""query($actor: ID!, $place: ID!, $article: ID!, $by: [StatementGroupBy!]!,
                         $filter: StatementFilter) {{
  actor(id: $actor) {{ name statements(filter: $filter) {{ aggregates {{ count }}
    groupedAggregates(groupBy: $by) {{ {GROUP_FIELDS} }} }} }}
  location(id: $place) {{ statements(filter: $filter) {{
    aggregates {{ count distinctCount {{ articles }} }}
    groupedAggregates(groupBy: $by, orderBy: KEYS_DESC, first: 3) {{ keys count }} }} }}
  article(id: $article) {{ statements {{ groupedAggregates(groupBy: $by) {{ keys count }} }} }}
  articles {{ nodes {{ title statements(filter: $filter) {{
    aggregates {{ count distinctCount {{ speakers publishers }} }}
    groupedAggregates(groupBy: $by, first: 2) {{ keys count speaker {{ name }} }} }}
    actors {{ nodes {{ name statements {{ aggregates {{ count }}
      byKind: groupedAggregates(groupBy: [KIND]) {{ keys count }} }} }} }} }} }} }}"""
GROUP_BY = [
    "SPEAKER", "AFFILIATION", "MEDIUM", "PUBLISHER", "KIND", "LOCATION",
    "PUBLISHED_AT_TRUNCATED_TO_DAY", "PUBLISHED_AT_TRUNCATED_TO_WEEK",
    "PUBLISHED_AT_TRUNCATED_TO_MONTH", "PUBLISHED_AT_TRUNCATED_TO_YEAR",
]
QUOTE_GROUP_FIELDS = """keys count distinctCount { speakers __typename } __typename
  sum { appearances articleCount __typename } speaker { id name } firstSeenOn"""
QUOTE_GROUPED = f"""query($by: [QuoteGroupBy!]!, $order: StatementGroupOrder, $first: Int,
                        $filter: QuoteFilter) {{
  quotes(filter: $filter, first: 2) {{ totalCount nodes {{ id }}
    aggregates {{ __typename count distinctCount {{ speakers }} sum {{ appearances articleCount }} }}
    groupedAggregates(groupBy: $by, orderBy: $order, first: $first) {{ {QUOTE_GROUP_FIELDS} }} }} }}"""
QUOTE_GROUPED_NESTED = f"""query($actor: ID!, $by: [QuoteGroupBy!]!, $filter: QuoteFilter) {{
  actor(id: $actor) {{ name quotes(filter: $filter) {{ aggregates {{ count sum {{ appearances }} }}
    groupedAggregates(groupBy: $by) {{ {QUOTE_GROUP_FIELDS} }} }} }}
  actors {{ nodes {{ name quotes(filter: $filter) {{
    aggregates {{ count distinctCount {{ speakers }} sum {{ articleCount }} }}
    groupedAggregates(groupBy: $by, orderBy: KEYS_DESC, first: 2) {{ keys count }} }} }} }} }}"""
QUOTE_GROUP_BY = [
    "SPEAKER", "FIRST_SEEN_TRUNCATED_TO_DAY", "FIRST_SEEN_TRUNCATED_TO_WEEK",
    "FIRST_SEEN_TRUNCATED_TO_MONTH", "FIRST_SEEN_TRUNCATED_TO_YEAR",
]
CAPTIONS = "{ articles { nodes { captions { __typename credit text } } } }"
# Every statement's parts: stored lists (the seed's quotations split by "he said"), and
# the NULL that stands for the one part [start, end).
PARTS = """{ articles { nodes { statements(first: 50) { nodes {
  text parts { to: end from: start ... on Span { start } } } } } } }"""
COORDINATES = "{ locations { nodes { latitude longitude } } }"
SEARCH = '{ search(query: "aleppo") { __typename } }'
QUOTES = """{ quotes(first: 50) { totalCount nodes { __typename id text firstSeenOn
  appearanceCount articleCount publishers speaker { id name } firstSeen { id text }
  appearances(first: 3) { totalCount nodes { id text quote { id } article { publisher } }
    pageInfo { hasNextPage endCursor } } } } }"""
QUOTE_PAGES = f"""query($order: QuoteOrder!, $first: Int, $last: Int, $after: String,
  $filter: QuoteFilter) {{ quotes(orderBy: $order, first: $first, last: $last, after: $after,
  filter: $filter) {{ totalCount edges {{ cursor node {{ id text firstSeenOn }} }}
  {PAGE_INFO} }} }}"""
APPEARANCE_PAGES = f"""query($id: ID!, $order: AppearanceOrder!, $first: Int, $last: Int,
  $after: String) {{ node(id: $id) {{ ... on Quote {{ publishers appearances(orderBy: $order,
  first: $first, last: $last, after: $after) {{ totalCount edges {{ cursor node {{ text }} }}
  {PAGE_INFO} }} }} }} }}"""
QUOTE_LINKS = """query($id: ID!, $lavrov: ID!) { quote(id: $id) { text speaker { name } }
  actor(id: $lavrov) { quotes(first: 5) { totalCount nodes { text publishers } }
    statements(first: 20) { nodes { text quote { text appearanceCount firstSeen { id } } } } }
  statements(first: 50) { nodes { quote { id } } } }"""
MUTATION = 'mutation { deleteStatement(id: "x") { __typename } }'
INTROSPECTION = "{ __schema { queryType { name } } }"

# A dated and an undated article beside the seed: the undated sorts as the oldest (its
# cursor holds 0001-01-01), the accented title sorts among the others by title.
RECORDS = [
    {
        "title": "Écoles fermées à Alep",
        "body": 'Schools shut in Aleppo.\n\n"We cannot teach under fire," a teacher told AFP.\n',
    },
    {
        "title": "Lavrov rules out a ceasefire",
        "body": 'Talks stalled on Monday.\n\n"We will not stop now," Lavrov told Reuters.\n',
        "publishedAt": "2016-12-07",
        "publisher": "Example Wire",
    },
]


async def _seed(engine: AsyncEngine, folder: Path) -> None:
    (folder / "ceasefire.txt").write_text(CEASEFIRE, encoding="utf-8")
    (folder / "records.json").write_text(json.dumps(RECORDS), encoding="utf-8")
    report = await seed_paths(engine, [SEED_FILE.parent, folder])
    assert (report.created, report.errors) == (4, [])
    async with engine.begin() as connection:
        ids = (await connection.scalars(select(col(Statement.id)).order_by("id"))).all()
        deleted = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        await connection.execute(  # a tombstone, and a statement whose speaker is unknown
            update(Statement).where(col(Statement.id) == ids[2]).values(deleted_at=deleted)
        )
        await connection.execute(
            update(Statement).where(col(Statement.id) == ids[3]).values(speaker_id=None)
        )
    await _quote(engine)


async def _quote(engine: AsyncEngine) -> None:
    """Quotes set by hand (not by the clustering): a speaker's statements make one quote,
    each statement without a speaker or deleted its own (the tombstone's is hidden). The
    seed article gets a publisher, so that a quote has two (one of them "Example Wire")."""
    async with AsyncSession(engine) as session, session.begin():
        await session.exec(
            update(Article).where(col(Article.id) == 1).values(publisher="AFP")
        )
        rows = (await session.exec(select_rows(Statement).order_by(col(Statement.id)))).all()
        touched = {row.quote_id for row in rows if row.quote_id is not None}
        quote_of: dict[int, int] = {}
        for row in rows:
            assert row.id is not None
            alone = row.speaker_id is None or row.deleted_at is not None
            key = -row.id if alone else row.speaker_id
            if key not in quote_of:
                quote = Quote(text="")
                session.add(quote)
                await session.flush()
                assert quote.id is not None
                quote_of[key] = quote.id
            row.quote_id = quote_of[key]
        await recount(session, touched | set(quote_of.values()))


async def _strawberry(engine: AsyncEngine, query: str, variables: dict[str, Any]) -> Any:
    context = build_context(engine)
    result = await schema.execute(query, variable_values=variables, context_value=context)
    assert not result.errors, (query, result.errors)
    return result.data


async def _ids(engine: AsyncEngine) -> dict[str, Any]:
    """Ids and cursors the cases need, read through Strawberry."""
    data = await _strawberry(
        engine,
        """{ actors(filter: {search: "lavrov"}) { nodes { id } }
             locations(filter: {search: "aleppo"}) { nodes { id name } }
             articles { nodes { id } } statements(first: 6) { edges { cursor node { id } } }
             titles: articles(orderBy: TITLE_ASC) { edges { cursor } }
             quotes(first: 3) { edges { cursor node { id } } } }""",
        {},
    )
    edges = data["statements"]["edges"]
    return {
        "lavrov": data["actors"]["nodes"][0]["id"],
        "aleppo": next(n["id"] for n in data["locations"]["nodes"] if n["name"] == "Aleppo"),
        "article": data["articles"]["nodes"][0]["id"],
        "statement": edges[0]["node"]["id"],
        "cursors": [edge["cursor"] for edge in edges],
        "title_cursor": data["titles"]["edges"][0]["cursor"],
        "quote": data["quotes"]["edges"][0]["node"]["id"],
        "quote_cursor": data["quotes"]["edges"][1]["cursor"],
        "hidden_quote": gid("Quote", await _hidden_quote(engine)),
    }


async def _hidden_quote(engine: AsyncEngine) -> int:
    """The quote whose only statement is the tombstone (no read shows it)."""
    async with engine.connect() as connection:
        hidden = await connection.scalar(select(col(Quote.id)).where(col(Quote.appearances) == 0))
    assert isinstance(hidden, int)
    return hidden


def _compiled_cases(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    cursors = ids["cursors"]
    cases = [
        ("q1", Q1, {}),
        ("q2", Q2, {"id": ids["lavrov"]}),
        ("q3", Q3, {"q": "aleppo"}),
        ("q3 no match", Q3, {"q": "zzzz"}),
        ("q4", Q4, {"loc": ids["aleppo"], "from": "2016-12-01", "to": "2016-12-06"}),
        ("q4 no dates", Q4, {"loc": ids["aleppo"]}),
        ("q5", Q5, {"id": ids["statement"]}),
        ("q5 actor", Q5, {"id": ids["lavrov"]}),
        ("q5 missing", Q5, {"id": "U3RhdGVtZW50Ojk5OTk5"}),  # Statement:99999
        ("seed actor search", ACTOR_SEARCH, {"q": "lavrov"}),
        ("seed totals", TOTALS, {}),
        ("seed lavrov", LAVROV, {}),
        ("seed article", ARTICLE, {}),
        ("captions", CAPTIONS, {}),
        ("parts", PARTS, {}),
        ("every field", EVERY_FIELD, {}),
        ("fragments", FRAGMENTS, {"withText": True}),
        ("fragments skipped", FRAGMENTS, {"withText": False, "skipSpeaker": True}),
        ("places", PLACES, {"id": ids["aleppo"]}),
        ("merged", MERGED, {}),
        ("lookups", LOOKUPS, {"article": ids["article"], "statement": ids["statement"],
                              "actor": ids["lavrov"]}),
        ("filters", FILTERS, {"kind": "DIRECT", "speaker": ids["lavrov"]}),
        ("filters null", FILTERS, {"kind": None}),
        ("feed after", FEED, {"first": 2, "after": cursors[1]}),
        ("feed before", FEED, {"last": 2, "before": cursors[5]}),
        ("feed between", FEED, {"first": 10, "after": cursors[0], "before": cursors[4]}),
        ("feed last after", FEED, {"last": 10, "after": cursors[2]}),
        ("titles after", ARTICLE_PAGES, {"order": "TITLE_ASC", "after": ids["title_cursor"]}),
        ("quotes", QUOTES, {}),
        ("hidden quote", QUOTE_LINKS, {"id": ids["hidden_quote"], "lavrov": ids["lavrov"]}),
        ("hidden node", Q5, {"id": ids["hidden_quote"]}),
        ("quote links", QUOTE_LINKS, {"id": ids["quote"], "lavrov": ids["lavrov"]}),
        ("quotes after", QUOTE_PAGES, {"order": "APPEARANCES_DESC", "after": ids["quote_cursor"]}),
        ("quotes by speaker", QUOTE_PAGES,
         {"order": "FIRST_SEEN_ASC", "filter": {"speakerId": ids["lavrov"]}}),
        ("quotes searched", QUOTE_PAGES, {"order": "FIRST_SEEN_DESC", "filter": {"search": "we"}}),
        ("quotes seen", QUOTE_PAGES,
         {"order": "FIRST_SEEN_ASC", "filter": {"seenFrom": "2016-12-06", "seenTo": "2016-12-07"}}),
    ]
    for order in ("APPEARANCES_DESC", "FIRST_SEEN_ASC", "FIRST_SEEN_DESC"):
        for page in ({"first": 2}, {"last": 2}, {"first": 0}, {"last": 100}):
            cases.append((f"quotes {order} {page}", QUOTE_PAGES, {"order": order, **page}))
    for order in ("FIRST_SEEN_ASC", "PUBLISHED_AT_DESC"):
        for page in ({"first": 1}, {"last": 2}, {"first": 100}):
            cases.append((f"appearances {order} {page}", APPEARANCE_PAGES,
                          {"id": ids["quote"], "order": order, **page}))
    for size in (0, 1, 2, 3, 7, 100):
        cases.append((f"feed first {size}", FEED, {"first": size}))
        cases.append((f"feed last {size}", FEED, {"last": size}))
        cases.append((f"nested first {size}", NESTED_PAGES, {"first": size}))
        cases.append((f"nested last {size}", NESTED_PAGES, {"last": size}))
        for order in ("PUBLISHED_AT_DESC", "PUBLISHED_AT_ASC", "TITLE_ASC"):
            cases.append((f"{order} first {size}", ARTICLE_PAGES, {"order": order, "first": size}))
            cases.append((f"{order} last {size}", ARTICLE_PAGES, {"order": order, "last": size}))
    cases.extend(_random_pages(cursors))
    cases.extend(_aggregate_cases(ids))
    cases.extend(_quote_aggregate_cases(ids))
    return cases


def _aggregate_cases(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """Every groupBy value alone and beside another, each order, `first`, filters (search
    included), and lists nested under an actor, a place, an article and many articles."""
    cases: list[tuple[str, str, dict[str, Any]]] = []
    for i, by in enumerate(GROUP_BY):
        cases.append((f"grouped {by}", GROUPED, {"by": [by]}))
        other = GROUP_BY[(i + 3) % len(GROUP_BY)]
        cases.append((f"grouped {by} {other}", GROUPED, {"by": [by, other], "first": 4}))
        for order in ("COUNT_ASC", "KEYS_ASC", "KEYS_DESC"):
            cases.append((f"grouped {by} {order}", GROUPED, {"by": [by], "order": order}))
        cases.append((f"nested {by}", GROUPED_NESTED, {
            "actor": ids["lavrov"], "place": ids["aleppo"], "article": ids["article"], "by": [by],
        }))
    filters: list[dict[str, Any]] = [
        {"search": "aleppo"}, {"search": "zzzz"}, {"kind": "DIRECT"},
        {"speakerId": ids["lavrov"]}, {"locationId": ids["aleppo"], "publishedFrom": "2016-12-01"},
    ]
    for n, filter in enumerate(filters):
        by = ["SPEAKER", "PUBLISHED_AT_TRUNCATED_TO_MONTH"]
        cases.append((f"grouped filter {n}", GROUPED, {"by": by, "filter": filter}))
        cases.append((f"nested filter {n}", GROUPED_NESTED, {
            "actor": ids["lavrov"], "place": ids["aleppo"], "article": ids["article"],
            "by": ["LOCATION", "KIND"], "filter": filter,
        }))
    cases.append(("grouped first 0", GROUPED, {"by": ["KIND"], "first": 0}))
    cases.append(("grouped first 1000", GROUPED, {"by": ["SPEAKER", "KIND"], "first": 1000}))
    cases.append(("grouped all", GROUPED, {"by": GROUP_BY, "order": "KEYS_ASC"}))
    return cases


def _quote_aggregate_cases(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The same for quote lists: every groupBy value alone and beside SPEAKER, each order,
    `first`, filters (search included), and an actor's quotes and every actor's."""
    cases: list[tuple[str, str, dict[str, Any]]] = []
    for by in QUOTE_GROUP_BY:
        cases.append((f"quotes grouped {by}", QUOTE_GROUPED, {"by": [by]}))
        cases.append((f"quotes grouped {by} SPEAKER", QUOTE_GROUPED,
                      {"by": [by, "SPEAKER"], "first": 3}))
        for order in ("COUNT_ASC", "KEYS_ASC", "KEYS_DESC"):
            cases.append((f"quotes grouped {by} {order}", QUOTE_GROUPED,
                          {"by": [by], "order": order}))
        cases.append((f"quotes nested {by}", QUOTE_GROUPED_NESTED,
                      {"actor": ids["lavrov"], "by": [by]}))
    filters: list[dict[str, Any]] = [
        {"search": "we"}, {"search": "zzzz"}, {"speakerId": ids["lavrov"]},
        {"seenFrom": "2016-12-06", "seenTo": "2016-12-07"},
    ]
    for n, filter in enumerate(filters):
        by = ["SPEAKER", "FIRST_SEEN_TRUNCATED_TO_MONTH"]
        cases.append((f"quotes grouped filter {n}", QUOTE_GROUPED, {"by": by, "filter": filter}))
        cases.append((f"quotes nested filter {n}", QUOTE_GROUPED_NESTED,
                      {"actor": ids["lavrov"], "by": by, "filter": filter}))
    cases.append(("quotes grouped first 0", QUOTE_GROUPED, {"by": ["SPEAKER"], "first": 0}))
    cases.append(("quotes grouped all", QUOTE_GROUPED, {"by": QUOTE_GROUP_BY, "order": "KEYS_ASC"}))
    return cases


def _random_pages(cursors: list[str]) -> list[tuple[str, str, dict[str, Any]]]:
    """Pages of the feed with random sizes, directions and cursors (seeded: the same
    cases every run)."""
    rng = random.Random(5)
    cases = []
    for n in range(30):
        variables: dict[str, Any] = {rng.choice(["first", "last"]): rng.randint(0, 12)}
        if rng.random() < 0.5:
            variables["after"] = rng.choice(cursors)
        if rng.random() < 0.5:
            variables["before"] = rng.choice(cursors)
        cases.append((f"random page {n} {variables}", FEED, variables))
    return cases


def _fallback_cases(ids: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        ("bad cursor", FEED, {"first": 2, "after": "not-a-cursor"}),
        ("cursor of another list", ARTICLE_PAGES,
         {"order": "TITLE_ASC", "after": ids["cursors"][0]}),
        ("page too large", FEED, {"first": 500}),
        ("first and last", FEED, {"first": 1, "last": 1}),
        ("id of another type", Q2, {"id": ids["statement"]}),
        ("not an id", Q5, {"id": "nope"}),
        ("missing variable", Q5, {}),
        ("coordinates", COORDINATES, {}),
        ("quote history", "{ quotes { nodes { history { action } } } }", {}),
        ("cursor of another quote order", QUOTE_PAGES,
         {"order": "FIRST_SEEN_ASC", "after": ids["quote_cursor"]}),
        ("search", SEARCH, {}),
        ("mutation", MUTATION, {}),
        ("introspection", INTROSPECTION, {}),
        ("syntax error", "{ statements { ", {}),
        ("groups too many", GROUPED, {"by": ["KIND"], "first": 1001}),
        ("groups of nothing", GROUPED, {"by": []}),
        ("quote groups too many", QUOTE_GROUPED, {"by": ["SPEAKER"], "first": 1001}),
        ("unknown field", "{ statements { nope } }", {}),
    ]


async def test_compiled_answers_equal_strawberrys(engine: AsyncEngine, tmp_path: Path) -> None:
    await _seed(engine, tmp_path)
    ids = await _ids(engine)
    compiler = Compiler(graphql_schema(schema), engine)
    mismatches = []
    try:
        for name, query, variables in _compiled_cases(ids):
            expected = orjson.dumps(await _strawberry(engine, query, variables))
            compiled = await compiler.execute(query, variables, None, build_context(engine))
            if compiled is None:
                mismatches.append(f"{name}: not compiled")
            elif orjson.dumps(compiled.data) != expected:
                mismatches.append(f"{name}:\n  strawberry {expected!r}\n  compiled   "
                                  f"{orjson.dumps(compiled.data)!r}")
    finally:
        await compiler.close()
    assert not mismatches, "\n".join(mismatches)


async def test_what_the_compiler_leaves_to_strawberry(engine: AsyncEngine, tmp_path: Path) -> None:
    await _seed(engine, tmp_path)
    ids = await _ids(engine)
    compiler = Compiler(graphql_schema(schema), engine)
    try:
        taken = [
            name
            for name, query, variables in _fallback_cases(ids)
            if await compiler.execute(query, variables, None, build_context(engine)) is not None
        ]
    finally:
        await compiler.close()
    assert taken == []
