import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/** The machine's Chromium or Chrome, found by the global setup (test/environment/prerequisites.ts). */
function chromiumPath(): string {
  const found = process.env.CHROMIUM_PATH;
  if (!found) throw new Error('CHROMIUM_PATH is not set: run the tests through jest, whose global setup finds Chromium');
  return found;
}

/** The installed Chromium, headless, with the flags that keep it off the network; a fresh profile each time. */
export interface BrowserSession {
  context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<BrowserSession> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}
