import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Frame, Page } from 'playwright-core';
import { webChatPageRoutes, publicDir } from '../../src/channels/webchat/pageRoutes';
import { createLogger } from '../../src/logger';
import { createHttpService } from '../../src/server';
import { type BrowserSession, launchChromium } from '../support/browser';
import { content, item } from '../support/guidedChat';
import { type RunningService, startService } from '../support/service';
import { waitFor } from '../support/waitFor';

const { messages } = content;
const [firstStep, secondStep] = content.dialogs.procedures.get('stuck_in_car')!.steps.map((step) => item(step.say[0]));
const secret = 'browser-test-secret-of-at-least-32-bytes';

/** The start of a message as Web Chat shows it: its markdown renderer curls the quotes. */
function shownAs(text: string): RegExp {
  const escaped = text.slice(0, 60).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped.replace(/'/g, "['\u2019]"));
}

/** A message in Web Chat's transcript. */
const said = (page: Page | Frame, text: string) => page.locator('.webchat__bubble__content', { hasText: shownAs(text) });

/** A suggested action under the bot's last message. */
const suggested = (page: Page, title: string) =>
  page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name: title });

const messageBox = (page: Page | Frame) => page.getByRole('textbox', { name: 'Message input box' });

/** A site of its own origin (localhost, where the service is 127.0.0.1) with the embed snippet of `chat.baseUrl` on it. */
async function siteWithEmbed() {
  const chat = { baseUrl: '' };
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end(
      `<!doctype html><html lang="en"><title>Charger maker</title><h1>Our chargers</h1><script src="${chat.baseUrl}/embed.js" async></script></html>`,
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    chat,
    url: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('the chat page in a real browser (Chromium)', () => {
  let running: RunningService;
  let browser: BrowserSession;
  let site: Awaited<ReturnType<typeof siteWithEmbed>>;
  let otherSite: Awaited<ReturnType<typeof siteWithEmbed>>;
  beforeAll(async () => {
    // Either may fail (Chromium not installed): keep what started, so afterAll stops it and jest exits.
    const [service, chromium] = await Promise.allSettled([
      startService({ WEBCHAT_TOKEN_SECRET: secret, WEBCHAT_TOKENS_PER_MINUTE: '1000' }, { captureLogs: true }),
      launchChromium(),
    ]);
    if (service.status === 'fulfilled') running = service.value;
    if (chromium.status === 'fulfilled') browser = chromium.value;
    for (const started of [service, chromium]) if (started.status === 'rejected') throw started.reason;
    site = await siteWithEmbed();
    otherSite = await siteWithEmbed();
    otherSite.chat.baseUrl = running.baseUrl;
  });
  afterAll(async () => {
    await Promise.all([site?.close(), otherSite?.close()]);
    await browser?.close();
    await running?.service.stop();
  });

  it('runs a guided release over the stream, with the message box focused, and a reload shows the history', async () => {
    const page = await browser.context.newPage();
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.goto(`${running.baseUrl}/`);
    await said(page, messages.welcome).first().waitFor();
    await waitFor(
      () => page.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Message input box'),
      'focus on the message box',
    );
    expect(sockets[0]).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/v3\/directline\/conversations\/[^/]+\/stream/);

    await page.keyboard.type('my charging cable is stuck in the car');
    await page.keyboard.press('Enter');
    await said(page, firstStep).first().waitFor();

    await suggested(page, messages.buttons.stillStuck).click();
    await said(page, secondStep).first().waitFor();

    await page.reload();
    await said(page, secondStep).first().waitFor();
    await said(page, firstStep).first().waitFor();
    await said(page, 'my charging cable is stuck in the car').first().waitFor();
    expect(await said(page, messages.welcome).count()).toBe(1);
    await page.close();
  });

  it('after a sleep longer than the token’s life, the page renews it and the conversation goes on with its history', async () => {
    const page = await browser.context.newPage();
    const renewals: number[] = [];
    page.on('response', (response) => {
      if (response.url().endsWith('/api/webchat/token') && response.request().headers().authorization) renewals.push(response.status());
    });
    await page.clock.install();
    await page.goto(`${running.baseUrl}/`);
    await said(page, messages.welcome).first().waitFor();
    await messageBox(page).fill('my charging cable is stuck in the car');
    await page.keyboard.press('Enter');
    await said(page, firstStep).first().waitFor();

    // The laptop sleeps for 40 minutes: the page's clock and the service's both move on.
    const realNow = Date.now.bind(Date);
    const sleep = jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 40 * 60_000);
    try {
      await page.clock.fastForward('40:00');
      await waitFor(() => renewals.length > 0, 'the renewal of the expired token');
      expect(renewals).toEqual([200]);
      await waitFor(async () => (await said(page, firstStep).count()) > 0 && (await messageBox(page).count()) > 0, 'the renewed chat');
      await suggested(page, messages.buttons.stillStuck).click();
      await said(page, secondStep).first().waitFor();
      expect(await said(page, messages.welcome).count()).toBe(1);
      await said(page, 'my charging cable is stuck in the car').first().waitFor();
    } finally {
      sleep.mockRestore();
      await page.close();
    }
  });

  it('when the chat cannot start (429), says so and gives the other ways to reach a person', async () => {
    const limited = await startService({ WEBCHAT_TOKENS_PER_MINUTE: '1' });
    const page = await browser.context.newPage();
    try {
      await fetch(`${limited.baseUrl}/api/webchat/token`, { method: 'POST' });
      await page.goto(`${limited.baseUrl}/`);
      await page.getByRole('alert').getByText('too many chats from your network').waitFor();
      await page.getByText('You can still reach a person').waitFor();
    } finally {
      await page.close();
      await limited.service.stop();
    }
  });

  it('embedded on an allowed site: opening moves focus into the chat, Escape closes it, the launcher’s label follows', async () => {
    const embedding = await startService({ WEBCHAT_TOKEN_SECRET: secret, WEBCHAT_EMBED_ORIGINS: site.url });
    const page = await browser.context.newPage();
    try {
      site.chat.baseUrl = embedding.baseUrl;
      await page.goto(site.url);
      const launcher = page.getByRole('button', { name: 'Cable stuck? Chat with us' });
      await launcher.click();
      const chat = page.frameLocator('iframe[title="Charging cable help"]');
      await chat
        .locator('.webchat__bubble__content', { hasText: shownAs(messages.welcome) })
        .first()
        .waitFor();
      const closeButton = page.getByRole('button', { name: 'Close the chat' });
      expect(await closeButton.getAttribute('aria-expanded')).toBe('true');
      const frame = page.frames().find((candidate) => candidate.url().startsWith(embedding.baseUrl))!;
      await waitFor(
        () => frame.evaluate(() => document.hasFocus() && document.activeElement?.getAttribute('aria-label') === 'Message input box'),
        'focus in the chat',
      );

      await page.keyboard.press('Escape');
      await waitFor(async () => !(await page.locator('iframe[title="Charging cable help"]').isVisible()), 'the chat closed');
      expect(await launcher.getAttribute('aria-expanded')).toBe('false');
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cable stuck? Chat with us');

      await launcher.click();
      await waitFor(
        () => frame.evaluate(() => document.activeElement?.getAttribute('aria-label') === 'Message input box'),
        'focus back in the chat',
      );
    } finally {
      await page.close();
      await embedding.service.stop();
    }
  });

  it('embedded on a site not in WEBCHAT_EMBED_ORIGINS: the browser refuses the frame and the log says why', async () => {
    const page = await browser.context.newPage();
    try {
      await page.goto(otherSite.url);
      await page.getByRole('button', { name: 'Cable stuck? Chat with us' }).click();
      await waitFor(
        () =>
          running.logs.some(
            (line) => String(line.msg).includes('not in WEBCHAT_EMBED_ORIGINS: the browser refuses it') && line.site === otherSite.url,
          ),
        'the refusal in the log',
      );
    } finally {
      await page.close();
    }
  });

  it('says what to install when Web Chat is not installed', async () => {
    const logger = createLogger({ logLevel: 'silent', env: 'test' });
    const http = createHttpService({
      logger,
      maxBodyBytes: 1024,
      shutdownGraceMs: 1000,
      keepAliveTimeoutMs: 5_000,
      readinessChecks: [],
      routes: [webChatPageRoutes({ publicDir, webChatBundle: undefined })],
    });
    const port = await http.listen(0, '127.0.0.1');
    try {
      const page = await browser.context.newPage();
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.getByRole('alert').getByText('npm install --include=dev botframework-webchat').waitFor();
      await page.close();
    } finally {
      await http.shutdown();
    }
  });
});
