import { randomBytes } from 'node:crypto';
import { type BrowserSession, launchChromium } from '../support/browser';
import { type RunningService, startService } from '../support/service';
import { recordSampleConversations } from './sampleConversations';

describe('the insights page in a real browser (Chromium)', () => {
  const token = randomBytes(32).toString('base64');
  let running: RunningService;
  let browser: BrowserSession;
  beforeAll(async () => {
    // Either may fail (Chromium not installed): keep what started, so afterAll stops it and jest exits.
    const [service, chromium] = await Promise.allSettled([startService({ INSIGHTS_TOKEN: token }), launchChromium()]);
    if (service.status === 'fulfilled') running = service.value;
    if (chromium.status === 'fulfilled') browser = chromium.value;
    for (const started of [service, chromium]) if (started.status === 'rejected') throw started.reason;
    recordSampleConversations(running.service.runtime.insights.recorder);
  });
  afterAll(async () => {
    await browser?.close();
    await running?.service.stop();
  });

  it('asks for the token once per tab, then shows the funnel, the handoffs, the ratings and the messages not understood', async () => {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${running.baseUrl}/insights`);

    await page.getByLabel('Insights token').fill('not the token');
    await page.getByRole('button', { name: 'Open' }).click();
    await page.getByLabel('Insights token').waitFor();
    await page.getByLabel('Insights token').fill(token);
    await page.getByRole('button', { name: 'Open' }).click();
    await page.locator('body[data-loaded="7"]').waitFor();

    const figure = (name: string) => page.locator(`[data-figure="${name}"]`).textContent();
    expect(await figure('started')).toBe('4');
    expect(await figure('containment')).toBe('25%');
    expect(await figure('handoffs')).toBe('2');
    expect(await figure('rating')).toBe('4.5');
    expect(await figure('ratings')).toBe('average rating (2 ratings)');
    expect(await figure('misunderstood')).toBe('1');

    const car = page.locator('[data-procedure="stuck_in_car"]');
    expect(await car.getByRole('heading').textContent()).toBe("the car's charge port");
    const fact = (name: string) => car.locator(`[data-field="${name}"]`).textContent();
    expect([await fact('started'), await fact('resolved'), await fact('handedOff'), await fact('abandoned')]).toEqual(['3', '1', '1', '1']);
    const cells = async (selector: string) => (await page.locator(selector).locator('td').allTextContents()).map((text) => text.trim());
    expect(await cells('[data-procedure="stuck_in_car"] tr[data-step="unlock_car"]')).toEqual([
      'Lock and unlock the car',
      '2',
      '1',
      '0',
      '0',
      '1',
    ]);
    expect(await cells('[data-procedure="stuck_in_car"] tr[data-step="end_session"]')).toEqual([
      expect.any(String),
      '2',
      '0',
      '1',
      '1',
      '0',
    ]);
    expect(await cells('#handoffs tr[data-key="pin_damaged"]')).toEqual(['pin damaged', '1']);
    expect(await cells('#ratings tr[data-key="5"]')).toEqual(['5 of 5', '1']);
    expect((await cells('#daily tbody tr')).slice(0, 6)).toEqual([new Date().toISOString().slice(0, 10), '4', '25%', '2', '4.5', '1']);
    expect(await cells('#misunderstood tbody tr')).toEqual([
      expect.any(String),
      'erm the kona charger thing is doing the beepy thing',
      'start',
      'not recognised',
      'cable_stuck 31%, out_of_scope 22%',
    ]);

    // The token stays for the tab: a reload shows the figures without asking again.
    await page.reload();
    await page.locator('body[data-loaded="7"]').waitFor();
    expect(await page.getByLabel('Insights token').isVisible()).toBe(false);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download messages for labelling' }).click();
    expect((await download).suggestedFilename()).toMatch(/^misunderstood-\d{4}-\d\d-\d\d\.txt$/);
    // The 401s before the token and with the wrong one are the only errors the console saw (no script or policy error).
    expect(problems).toEqual([expect.stringContaining('401'), expect.stringContaining('401')]);
    await page.close();
  });
});
