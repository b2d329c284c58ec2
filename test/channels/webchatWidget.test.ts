import type { Page } from 'playwright-core';
import { webChatPageRoutes, publicDir } from '../../src/channels/webchat/pageRoutes';
import { createLogger } from '../../src/logger';
import { createHttpService } from '../../src/server';
import { type BrowserSession, launchChromium } from '../support/browser';
import { content, item } from '../support/guidedChat';
import { type RunningService, startService } from '../support/service';

const { messages } = content;
const [firstStep, secondStep] = content.dialogs.procedures.get('stuck_in_car')!.steps.map((step) => item(step.say[0]));

/** The start of a message as Web Chat shows it: its markdown renderer curls the quotes. */
function shownAs(text: string): RegExp {
  const escaped = text.slice(0, 60).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(escaped.replace(/'/g, "['\u2019]"));
}

/** A message in Web Chat's transcript. */
const said = (page: Page, text: string) => page.locator('.webchat__bubble__content', { hasText: shownAs(text) });

/** A suggested action under the bot's last message. */
const suggested = (page: Page, title: string) =>
  page.getByRole('toolbar', { name: 'Suggested actions' }).getByRole('button', { name: title });

describe('the chat page in a real browser (Chromium)', () => {
  let running: RunningService;
  let browser: BrowserSession;
  beforeAll(async () => {
    // Either may fail (Chromium not installed): keep what started, so afterAll stops it and jest exits.
    const [service, chromium] = await Promise.allSettled([startService(), launchChromium()]);
    if (service.status === 'fulfilled') running = service.value;
    if (chromium.status === 'fulfilled') browser = chromium.value;
    for (const started of [service, chromium]) if (started.status === 'rejected') throw started.reason;
  });
  afterAll(async () => {
    await browser?.close();
    await running?.service.stop();
  });

  it('runs a guided release over the self-hosted Direct Line, and a reload shows the history', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${running.baseUrl}/`);
    await said(page, messages.welcome).first().waitFor();

    await page.getByRole('textbox', { name: 'Message input box' }).fill('my charging cable is stuck in the car');
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
