// The GraphQL-over-HTTP audit of `graphql-http` against a running server.
// Usage: node tests/js/audit.mjs http://127.0.0.1:8000/graphql
// Prints one JSON object: {"results": [{id, name, status, reason?}, ...]}.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node tests/js/audit.mjs URL');
  process.exit(2);
}

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  const entry = { id: result.id, name: result.name, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    entry.httpStatus = result.response.status;
    entry.body = await result.response.text().catch(() => null);
  }
  results.push(entry);
}
console.log(JSON.stringify({ results }));
