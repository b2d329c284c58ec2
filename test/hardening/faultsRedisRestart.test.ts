import { confirmTicket, driver, handoffTurns, referenceIn, serviceWithFaultableDependencies, whenReady } from '../support/faults';
import { content } from '../support/guidedChat';
import { waitFor } from '../support/waitFor';

const { buttons, nextStep, stateUnavailable } = content.messages;

const { redis, endpoint, baseUrl } = serviceWithFaultableDependencies();

/** Stops Redis, lets `whileDown` run against the outage, starts it again and waits until the service is ready. */
async function restartRedis(whileDown: () => Promise<void> = async () => {}): Promise<void> {
  await redis().stop();
  await whileDown();
  await redis().start();
  await whenReady(baseUrl());
}

describe('Redis restarted during a conversation', () => {
  it('the conversation continues afterwards from the step it had reached', async () => {
    const interrupted = driver(baseUrl);
    const undisturbed = driver(baseUrl);
    const opening = await interrupted.say('my cable is stuck in the car');
    expect(opening.texts).toEqual((await undisturbed.say('my cable is stuck in the car')).texts);

    await restartRedis(async () => {
      // Meanwhile the driver is told that the bot cannot keep track, and nothing is processed.
      expect(await interrupted.say(buttons.stillStuck)).toEqual({ status: 200, texts: [stateUnavailable] });
    });

    const resumed = await interrupted.say(buttons.stillStuck);
    expect(resumed.texts[0]).toBe(nextStep);
    expect(resumed.texts).toEqual((await undisturbed.say(buttons.stillStuck)).texts);
  });

  it('a ticket queued while the ticket system was down is delivered once Redis is back and the system is up', async () => {
    endpoint().state.down = true;
    const driverInNeed = driver(baseUrl);
    for (const text of handoffTurns) await driverInNeed.say(text);
    const reference = referenceIn((await driverInNeed.say(confirmTicket)).texts);
    await waitFor(() => endpoint().state.requests >= 2, 'the first delivery attempts');

    await restartRedis();
    const attemptsBeforeUp = endpoint().state.requests;
    await waitFor(() => endpoint().state.requests > attemptsBeforeUp, 'delivery attempts after the restart');
    endpoint().state.down = false;

    await waitFor(() => endpoint().arrivals.size === 1, 'the ticket at the endpoint');
    expect(endpoint().references).toEqual([reference]);
    expect([...endpoint().arrivals.values()]).toEqual([1]);
  });
});
