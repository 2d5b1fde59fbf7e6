// A GraphiQL subscription in a real browser (Debian's chromium, headless, playwright-core).
//
// Types `statementAdded` into GraphiQL's editor and runs it (over the page's websocket),
// then stores articles with the ingestArticle mutation until the result pane shows one
// of their statements (graphql-transport-ws gives no sign that a subscription started).
// Usage: node tests/js/graphiql_subscription.mjs URL/graphql TOKEN SCREENSHOT.png [CHROMIUM]
// Prints a JSON summary on stdout; exits non-zero with the reason otherwise.
import { withPage } from './chromium.mjs';

const SUBSCRIPTION = 'subscription { statementAdded { text speaker { name } } }';
const INGEST = 'mutation ($body: String!) { ingestArticle(input: {body: $body}) { __typename } }';
const TIMEOUT_MS = 30_000;

async function ingest(url, token, n) {
  const body = `Budget day ${n}\n\nMayor Jane Roe said budget number ${n} would be balanced.`;
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: INGEST, variables: { body } }),
  });
  const { data } = await response.json();
  if (data?.ingestArticle?.__typename !== 'IngestArticleSuccess') {
    throw new Error(`ingestArticle failed: ${JSON.stringify(data)}`);
  }
}

async function main(url, token, screenshot, executablePath) {
  return withPage(executablePath, async (page) => {
    await page.goto(url, { waitUntil: 'load' });
    const editor = page.locator('.graphiql-query-editor').first();
    await editor.waitFor({ timeout: TIMEOUT_MS });
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(SUBSCRIPTION);
    // GraphiQL parses the editor after a debounce; run only once it knows the operation
    // is a subscription, or it sends it over HTTP.
    await page.waitForTimeout(1000);
    await page.locator('.graphiql-execute-button').first().click();
    const pane = page.locator('.graphiql-response').first();
    const deadline = Date.now() + TIMEOUT_MS;
    for (let n = 1; Date.now() < deadline; n += 1) {
      await ingest(url, token, n);
      await page.waitForTimeout(500);
      const shown = (await pane.innerText().catch(() => '')).replace(/\u00a0/g, ' ');
      const found = shown.match(/budget number (\d+) would be balanced/);
      if (found && shown.includes('Jane Roe')) {
        await page.screenshot({ path: screenshot });
        return { shown: found[0], ingested: n };
      }
    }
    await page.screenshot({ path: screenshot });
    const last = (await pane.innerText().catch(() => '')).slice(0, 400);
    throw new Error(`no new statement reached GraphiQL within ${TIMEOUT_MS} ms; the result pane shows:\n${last}`);
  });
}

const [url, token, screenshot, executablePath = '/usr/bin/chromium'] = process.argv.slice(2);
if (!url || !token || !screenshot) {
  console.error('usage: node tests/js/graphiql_subscription.mjs URL/graphql TOKEN SCREENSHOT.png [CHROMIUM]');
  process.exit(2);
}
main(url, token, screenshot, executablePath).then(
  (summary) => console.log(JSON.stringify(summary)),
  (error) => { console.error(error.message ?? error); process.exit(1); },
);
