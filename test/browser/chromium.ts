/**
 * Headless Chromium for the browser tier: the system's executable (Debian's `chromium`, or
 * SDRAIN_CHROMIUM), driven by playwright-core, which never downloads a browser. A fresh profile
 * directory per launch, nothing fetched in the background. Pages load only file:// URLs and
 * scripts from node_modules; any other request fails the test (see blockNetwork).
 */
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.SDRAIN_CHROMIUM ?? '/usr/bin/chromium';

export interface Browser {
  context: BrowserContext;
  /** Requests to anything but file:// or about:, made by any page. */
  outside: string[];
  page(): Promise<Page>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`Cannot run the browser tests: no Chromium at ${CHROMIUM} (scripts/ci-browser.sh installs Debian's chromium; or set SDRAIN_CHROMIUM)`);
  const profile = mkdtempSync(join(tmpdir(), 'sdrain-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 },
  });
  const outside: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://') || url.startsWith('about:') || url.startsWith('data:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  return {
    context,
    outside,
    page: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
