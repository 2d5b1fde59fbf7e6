// GraphiQL in a real browser: Debian's chromium, headless, driven by playwright-core.
//
// Loads /graphql, runs the editor's query (typing one if the editor holds none),
// waits until the result pane shows a statement the API serves, saves a screenshot.
// Usage: node tests/js/graphiql.mjs http://HOST:PORT/graphql SCREENSHOT.png [CHROMIUM]
// Prints a JSON summary on stdout; exits non-zero with the reason otherwise.
import { withPage } from './chromium.mjs';

const FALLBACK_QUERY = '{ statements(first: 5) { nodes { text speaker { name } } } }';
const STATEMENTS = '{ statements(first: 100) { nodes { text } } }';
const TIMEOUT_MS = 20_000;

async function seedNeedles(url) {
  // The start of every statement as the JSON result pane prints it (quotes escaped).
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: STATEMENTS }),
  });
  const { data } = await response.json();
  return data.statements.nodes.map((node) => JSON.stringify(node.text).slice(1, 31));
}

const normalise = (text) => text.replace(/\u00a0/g, ' ');

async function editorText(page) {
  const editor = page.locator('.graphiql-query-editor').first();
  return normalise(await editor.innerText());
}

async function run(page) {
  const button = page.locator('.graphiql-execute-button').first();
  if (await button.count()) {
    await button.click();
  } else {
    await page.locator('.graphiql-query-editor').first().click();
    await page.keyboard.press('Control+Enter');
  }
}

async function typeQuery(page) {
  await page.locator('.graphiql-query-editor').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // insertText sends no key events, so the editor's bracket auto-closing stays out of it.
  await page.keyboard.insertText(FALLBACK_QUERY);
}

async function waitForStatement(page, needles) {
  const pane = page.locator('.graphiql-response').first();
  const deadline = Date.now() + TIMEOUT_MS;
  let shown = '';
  while (Date.now() < deadline) {
    shown = normalise(await pane.innerText().catch(() => ''));
    const found = needles.find((needle) => shown.includes(needle));
    if (found) return found;
    await page.waitForTimeout(200);
  }
  throw new Error(`no seed statement in the result pane after ${TIMEOUT_MS} ms; it shows:\n${shown.slice(0, 500)}`);
}

async function main(url, screenshot, executablePath) {
  const needles = await seedNeedles(url);
  const failed = [];
  return withPage(executablePath, async (page) => {
    page.on('requestfailed', (request) => failed.push(request.url()));
    await page.goto(url, { waitUntil: 'load' });
    try {
      await page.locator('.graphiql-query-editor').first().waitFor({ timeout: TIMEOUT_MS });
    } catch {
      throw new Error(`GraphiQL did not render within ${TIMEOUT_MS} ms; failed requests: ${failed.join(', ') || 'none'}`);
    }
    const initial = await editorText(page);
    const typed = !/\{/.test(initial.replace(/#.*$/gm, ''));
    if (typed) await typeQuery(page);
    await run(page);
    const found = await waitForStatement(page, needles);
    await page.screenshot({ path: screenshot });
    return { found, typed, failedRequests: failed };
  });
}

const [url, screenshot, executablePath = '/usr/bin/chromium'] = process.argv.slice(2);
if (!url || !screenshot) {
  console.error('usage: node tests/js/graphiql.mjs http://HOST:PORT/graphql SCREENSHOT.png [CHROMIUM]');
  process.exit(2);
}
main(url, screenshot, executablePath).then(
  (summary) => console.log(JSON.stringify(summary)),
  (error) => { console.error(error.message ?? error); process.exit(1); },
);
