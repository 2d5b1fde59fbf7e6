// Debian's chromium, headless, in a throwaway profile: what the browser tests share.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

// Without the background-networking flags chromium keeps dialling Google on a closed network.
const ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// Runs `use(page)` in a fresh browser and returns its result; the profile is removed after.
export async function withPage(executablePath, use) {
  const profile = mkdtempSync(join(tmpdir(), 'quotegraph-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath, headless: true, args: ARGS, viewport: { width: 1280, height: 800 },
  });
  try {
    return await use(context.pages()[0] ?? (await context.newPage()));
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
}
