// A real @apollo/client with its persisted-query link (hashes by GET, as a frontend
// would send them so HTTP caches can keep the answers) against the served API.
//
// Two clients (two browsers) ask the same query: the first sends the hash alone by
// GET, is told PersistedQueryNotFound, and retries by POST with the query; the second
// sends the hash alone and is answered. Every request is recorded as sent.
// Usage: node tests/js/apollo_persisted.mjs http://127.0.0.1:PORT/graphql
// Prints a JSON summary on stdout; exits non-zero on the first broken expectation.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client/core/index.js';
import { createPersistedQueryLink } from '@apollo/client/link/persisted-queries/index.js';

const QUERY = gql`
  query PersistedLavrov($name: String!) {
    actors(filter: { search: $name }, first: 1) { nodes { name title } }
  }
`;

const sent = [];

async function recordingFetch(url, options = {}) {
  const method = options.method ?? 'GET';
  const params = new URL(url).searchParams;
  const body = typeof options.body === 'string' ? JSON.parse(options.body) : {};
  const extensions = body.extensions ?? JSON.parse(params.get('extensions') ?? '{}');
  const response = await fetch(url, options);
  sent.push({
    method,
    query: typeof (body.query ?? params.get('query')) === 'string',
    hash: typeof extensions.persistedQuery?.sha256Hash === 'string',
    status: response.status,
    etag: response.headers.get('etag') !== null,
  });
  return response;
}

function browser(uri) {
  const persisted = createPersistedQueryLink({
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    useGETForHashedQueries: true,
  });
  return new ApolloClient({
    link: persisted.concat(new HttpLink({ uri, fetch: recordingFetch })),
    cache: new InMemoryCache(),
  });
}

const uri = process.argv[2];
assert.ok(uri, 'usage: node tests/js/apollo_persisted.mjs URL');
const first = await browser(uri).query({ query: QUERY, variables: { name: 'lavrov' } });
const second = await browser(uri).query({ query: QUERY, variables: { name: 'lavrov' } });
assert.deepEqual(second.data, first.data);
console.log(JSON.stringify({ actors: first.data.actors.nodes, sent }));
