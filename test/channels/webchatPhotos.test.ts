import { type BrowserSession, launchChromium } from '../support/browser';
import { content } from '../support/guidedChat';
import { pngPhoto } from '../support/photos';
import { type RunningService, startService } from '../support/service';

const { messages } = content;

/** The start of a message as Web Chat shows it: its markdown renderer curls the quotes. */
const shownAs = (text: string) =>
  new RegExp(
    text
      .slice(0, 50)
      .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      .replace(/'/g, "['\u2019]"),
  );

describe('a photo sent from the chat page in a real browser (Chromium)', () => {
  let running: RunningService;
  let browser: BrowserSession;
  beforeAll(async () => {
    const [service, chromium] = await Promise.allSettled([
      startService({ WEBCHAT_TOKEN_SECRET: 'browser-test-secret-of-at-least-32-bytes' }),
      launchChromium(),
    ]);
    if (service.status === 'fulfilled') running = service.value;
    if (chromium.status === 'fulfilled') browser = chromium.value;
    for (const started of [service, chromium]) if (started.status === 'rejected') throw started.reason;
  });
  afterAll(async () => {
    await browser?.close();
    await running?.service.stop();
  });

  it('attaches a PNG with the upload button, within the page CSP, and sees it sent and the bot acknowledge it', async () => {
    const page = await browser.context.newPage();
    const refusedByPolicy: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) refusedByPolicy.push(message.text());
    });
    await page.goto(`${running.baseUrl}/`);
    await page
      .locator('.webchat__bubble__content', { hasText: shownAs(messages.welcome) })
      .first()
      .waitFor();

    await page.locator('input[type="file"]').setInputFiles({ name: 'bent-pin.png', mimeType: 'image/png', buffer: pngPhoto });
    // Web Chat shows the photo in its send box; Send posts it, through Direct Line's upload.
    await page.locator('.webchat__attachment-icon--checked').waitFor();
    await page.getByRole('textbox', { name: 'Message input box' }).press('Enter');
    await page
      .locator('.webchat__bubble__content', { hasText: shownAs(messages.photoReceived) })
      .first()
      .waitFor({ timeout: 15_000 });
    await page.getByText('You attached').first().waitFor();
    expect(refusedByPolicy).toEqual([]);
  });
});
