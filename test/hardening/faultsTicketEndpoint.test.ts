import { confirmTicket, driver, handoffTurns, referenceIn, serviceWithFaultableDependencies } from '../support/faults';
import { waitFor } from '../support/waitFor';

const { endpoint, baseUrl } = serviceWithFaultableDependencies();
const metric = async (pattern: RegExp) => Number((await (await fetch(`${baseUrl()}/metrics`)).text()).match(pattern)?.[1] ?? 0);

/** Several drivers at once, each asking for a person and confirming the ticket; their references. */
async function driversRaiseTickets(count: number): Promise<string[]> {
  return Promise.all(
    Array.from({ length: count }, async () => {
      const driverInNeed = driver(baseUrl);
      for (const text of handoffTurns) await driverInNeed.say(text);
      return referenceIn((await driverInNeed.say(confirmTicket)).texts);
    }),
  );
}

describe('the ticket endpoint failing for a while', () => {
  it('gets every ticket there exactly once afterwards', async () => {
    endpoint().failNext(40);
    const references = await driversRaiseTickets(6);

    await waitFor(() => endpoint().arrivals.size === references.length, 'every ticket at the endpoint');
    // Nothing more is on its way: the queue is empty.
    await waitFor(async () => (await metric(/^evc_ticket_queue_depth\{state="active"\} (\d+)$/m)) === 0, 'an idle queue');
    expect(await metric(/^evc_ticket_queue_depth\{state="waiting"\} (\d+)$/m)).toBe(0);
    expect(await metric(/^evc_ticket_queue_depth\{state="delayed"\} (\d+)$/m)).toBe(0);

    expect([...endpoint().arrivals.values()]).toEqual(references.map(() => 1));
    expect([...endpoint().references].sort()).toEqual([...references].sort());
    expect(endpoint().state.requests).toBeGreaterThan(40);
    expect(await metric(/^evc_tickets_delivered_total\{destination="webhook"\} (\d+)$/m)).toBe(references.length);
    expect(await metric(/^evc_tickets_retried_total\{destination="webhook"\} (\d+)$/m)).toBe(40);
    // At 0 from the start, not absent, so that an alert on its increase sees the first ticket given up.
    const scraped = await (await fetch(`${baseUrl()}/metrics`)).text();
    for (const reason of ['refused', 'attempts_exhausted', 'invalid_ticket']) {
      expect(scraped).toMatch(new RegExp(`^evc_tickets_dead_lettered_total\\{destination="webhook",reason="${reason}"\\} 0$`, 'm'));
    }
  });

  it('gets them there once when it is down for a period while drivers raise them, and back up later', async () => {
    endpoint().arrivals.clear();
    endpoint().references.length = 0;
    endpoint().state.down = true;
    const references = await driversRaiseTickets(4);
    const requestsWhileDown = endpoint().state.requests;
    await waitFor(() => endpoint().state.requests >= requestsWhileDown + 10, 'retries while the endpoint is down');
    endpoint().state.down = false;

    await waitFor(() => endpoint().arrivals.size === references.length, 'every ticket at the endpoint');
    await waitFor(async () => (await metric(/^evc_ticket_queue_depth\{state="active"\} (\d+)$/m)) === 0, 'an idle queue');
    expect([...endpoint().arrivals.values()]).toEqual(references.map(() => 1));
    expect([...endpoint().references].sort()).toEqual([...references].sort());
  });
});
