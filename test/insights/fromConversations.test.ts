import { randomUUID } from 'node:crypto';
import type { InsightsSummary } from '../../src/insights/summary';
import { messageActivity, postActivity } from '../support/http';
import { type RunningService, startService } from '../support/service';
import { waitFor } from '../support/waitFor';

/** Real conversations over POST /api/messages; what the support team then reads at GET /api/insights. */
describe('insights recorded from conversations over the real endpoint', () => {
  let running: RunningService;
  const chat = () => {
    const id = `insights-${randomUUID()}`;
    return async (text: string) => (await postActivity(running.baseUrl, messageActivity(id, text))).replies;
  };
  const summary = async () => (await (await fetch(`${running.baseUrl}/api/insights?days=1`)).json()) as InsightsSummary;
  const procedure = (body: InsightsSummary, name: string) => body.procedures.find((p) => p.procedure === name);

  beforeAll(async () => {
    running = await startService({});
    // Freed at the second step of the car procedure, rated 4.
    const freed = chat();
    await freed('the plug is stuck in my car');
    await freed('no, still stuck');
    await freed('yes it came out');
    await freed('4');
    // Which end asked, then the charger end through to an installer, with contact details given.
    const handedOff = chat();
    await handedOff('my cable is stuck');
    await handedOff('the charger');
    await handedOff('already stopped it');
    await handedOff('nope');
    await handedOff('no luck');
    await handedOff('Priya Natarajan');
    await handedOff('priya.n@example.com or 07700 900431');
    await handedOff('LS1 4AP');
    // Nothing the bot can place: the message is kept for review, its phone number and email redacted.
    const puzzled = chat();
    await puzzled('qwop zlorb grindle, text 07700 900999 or mail zed@example.com');
    await waitFor(
      async () => (await summary()).handoffs?.socket_stuck_after_reset === 1 && (await summary()).ratings['4'] === 1,
      'the events to be stored',
    );
  });
  afterAll(() => running.service.stop());

  it('counts the runs, the steps reached and freed, the handoff and the rating', async () => {
    const body = await summary();
    const car = procedure(body, 'stuck_in_car')!;
    expect(car).toMatchObject({ started: 1, resolved: 1, handedOff: 0 });
    expect(car.steps.find((s) => s.step === 'end_session')).toMatchObject({ reached: 1, freed: 0 });
    expect(car.steps.find((s) => s.step === 'unlock_car')).toMatchObject({ reached: 1, freed: 1 });
    // "Which end?" answered "the charger": the first run continued into the charger's.
    expect(procedure(body, 'cable_stuck')).toMatchObject({ started: 1, resolved: 0, handedOff: 0, abandoned: 0 });
    expect(procedure(body, 'stuck_in_charger')).toMatchObject({ started: 1, handedOff: 1 });
    expect(body.ratings['4']).toBe(1);
    expect(body.handoffs).toEqual({ socket_stuck_after_reset: 1 });
  });

  it('keeps what was not understood with personal details redacted, and never an answer to a contact question', async () => {
    const { misunderstood } = await summary();
    const texts = misunderstood.map((entry) => entry.text);
    expect(texts.some((text) => text.startsWith('qwop zlorb grindle'))).toBe(true);
    const all = JSON.stringify(misunderstood);
    for (const personal of ['07700 900999', 'zed@example.com', 'Priya', 'Natarajan', 'priya.n@example.com', '07700 900431', 'LS1 4AP'])
      expect(all).not.toContain(personal);
  });
});
