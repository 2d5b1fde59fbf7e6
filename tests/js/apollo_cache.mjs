// A real @apollo/client (core, no React) against the served API: its normalised
// InMemoryCache must read a nested query back exactly as the server answered it.
//
// The cache keys objects by their global `id` alone (dataIdFromObject), which is
// only sound if ids are unique across types; and it needs `__typename` on
// interface (`Node`) and union (`SearchResult`) members to match fragments.
// Usage: node tests/js/apollo_cache.mjs http://127.0.0.1:PORT/graphql
// Prints a JSON summary on stdout; exits non-zero on the first broken expectation.
import assert from 'node:assert/strict';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';

const POSSIBLE_TYPES = gql`
  { __schema { types { kind name possibleTypes { name } } } }
`;

const SEARCH = gql`
  query Search($text: String!) {
    search(query: $text, first: 10) {
      __typename
      ... on Node { id }
      ... on Statement {
        text
        kind
        speaker { id name affiliation { id name } }
        article { id title }
        locations { id name parent { id name } }
      }
      ... on Article { title }
    }
  }
`;

const NODES = gql`
  query Nodes($article: ID!, $actor: ID!, $location: ID!, $statement: ID!) {
    article: node(id: $article) { __typename id ... on Article { title } }
    actor: node(id: $actor) { __typename id ... on Actor { name } }
    location: node(id: $location) { __typename id ... on Location { name } }
    statement: node(id: $statement) { __typename id ... on Statement { text } }
  }
`;

const STATEMENT = gql`
  fragment StatementCard on Statement { text speaker { name affiliation { name } } }
`;

const ACTOR_NAME = gql`fragment ActorName on Actor { name }`;

async function possibleTypes(uri) {
  // Fetched from the server, as Apollo's docs recommend, rather than written by hand.
  const client = new ApolloClient({ link: new HttpLink({ uri }), cache: new InMemoryCache() });
  const { data } = await client.query({ query: POSSIBLE_TYPES });
  const found = {};
  for (const type of data.__schema.types) {
    if (type.possibleTypes) found[type.name] = type.possibleTypes.map((t) => t.name);
  }
  return found;
}

function globalId(typeName, pk) {
  return Buffer.from(`${typeName}:${pk}`).toString('base64');
}

async function main(uri) {
  const types = await possibleTypes(uri);
  assert.deepEqual(types.SearchResult.sort(), ['Actor', 'Article', 'Location', 'Statement']);
  const cache = new InMemoryCache({
    possibleTypes: types,
    dataIdFromObject: (object) => (typeof object.id === 'string' ? object.id : undefined),
  });
  const client = new ApolloClient({ link: new HttpLink({ uri }), cache });

  const search = await client.query({ query: SEARCH, variables: { text: 'armed groups terrorists' } });
  const readBack = cache.readQuery({ query: SEARCH, variables: { text: 'armed groups terrorists' } });
  assert.deepEqual(readBack, search.data, 'the nested search reads back from the cache as served');
  const statement = search.data.search.find((r) => r.__typename === 'Statement');
  assert.ok(statement, 'search found a Statement');

  // Row 1 of every type: four different global ids, four cache entries of four types.
  const ids = {
    article: globalId('Article', 1), actor: globalId('Actor', 1),
    location: globalId('Location', 1), statement: globalId('Statement', 1),
  };
  const nodes = await client.query({ query: NODES, variables: ids });
  assert.deepEqual(cache.readQuery({ query: NODES, variables: ids }), nodes.data);
  const entries = cache.extract();
  const typenames = Object.fromEntries(
    Object.entries(ids).map(([field, id]) => [field, entries[id]?.__typename]),
  );
  assert.deepEqual(typenames, { article: 'Article', actor: 'Actor', location: 'Location', statement: 'Statement' });

  const card = cache.readFragment({ id: statement.id, fragment: STATEMENT });
  // One Actor entry serves every query that reaches it: renaming it shows through the search.
  cache.writeFragment({ id: statement.speaker.id, fragment: ACTOR_NAME, data: { name: 'Renamed', __typename: 'Actor' } });
  const renamed = cache.readQuery({ query: SEARCH, variables: { text: 'armed groups terrorists' } });
  const speakerAfter = renamed.search.find((r) => r.id === statement.id).speaker.name;

  return {
    statement: { id: statement.id, text: card.text, speaker: card.speaker.name,
                 affiliation: card.speaker.affiliation?.name ?? null },
    searchTypes: search.data.search.map((r) => r.__typename),
    typenames,
    speakerAfterRename: speakerAfter,
    cacheKeysAreIds: Object.keys(entries).filter((k) => k !== 'ROOT_QUERY').every((k) => entries[k].id === k),
  };
}

const uri = process.argv[2];
if (!uri) {
  console.error('usage: node tests/js/apollo_cache.mjs http://HOST:PORT/graphql');
  process.exit(2);
}
main(uri).then(
  (summary) => console.log(JSON.stringify(summary)),
  (error) => { console.error(error); process.exit(1); },
);
