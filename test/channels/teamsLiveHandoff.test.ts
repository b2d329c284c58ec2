import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { fillTemplate } from '../../src/content/messages';
import { whenRedisReady } from '../../src/state/redisClient';
import { deleteKeysUnder } from '../../src/state/redisKeys';
import { connectTestClient, sharedRedisUrl } from '../state/redisTestKit';
import { type ActivityPage, directLineClient } from '../support/directLine';
import { type FakeBotConnector, fakeBotConnector } from '../support/fakeBotConnector';
import { type LocalTicketEndpoint, localTicketEndpoint } from '../support/faults';
import { content, item } from '../support/guidedChat';
import { messageActivity, postActivity, textsOf } from '../support/http';
import { officialClient } from '../support/officialDirectLine';
import { type RunningService, startService } from '../support/service';
import { type CardJson, cardText, channelThreadActivity, otherTenant, ourTenant, supportStaff, supportTeam } from '../support/teams';
import { waitFor } from '../support/waitFor';

const { messages } = content;
const { live, liveStaff, handoff } = messages;
const responseTime = 'within 24 hours';
const { priya, tom } = supportStaff;

/** What the driver answers to the handoff's questions, then "yes, create it". */
const handoffAnswers = ['Sam Taylor', 'sam@example.com', 'LS1 4AP', handoff.buttons.skip, handoff.buttons.skip, handoff.buttons.create];
const referenceIn = (texts: string[]) => texts.join('\n').match(/EVC-[2-9A-HJKMNP-Z]{6}/)?.[0];
const buttonsOf = (card: CardJson | undefined) => card?.actions?.map((action) => ({ title: action.title, data: action.data })) ?? [];

function liveEnv(connector: FakeBotConnector, tickets: LocalTicketEndpoint, hours = 'always') {
  return {
    LIVE_AGENTS_TEAMS_CHANNEL_ID: supportTeam.channelId,
    LIVE_AGENTS_TEAMS_TENANT_ID: ourTenant,
    LIVE_AGENTS_TEAMS_SERVICE_URL: connector.url,
    LIVE_AGENTS_HOURS: hours,
    TICKET_WEBHOOK_URL: tickets.url,
    TICKET_WEBHOOK_SECRET: 'installers-webhook-secret',
  };
}

/** Posts what a person does in the support channel to an instance, as Teams does: replies go to the fake connector. */
async function staffDoes(running: RunningService, activity: Partial<Activity>): Promise<void> {
  const answer = await fetch(`${running.baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  expect(answer.status).toBe(200);
}

describe('a live handoff to the support team in Teams: a driver on the self-hosted Direct Line, two instances on one Redis', () => {
  const keyPrefix = `test-live-${randomUUID()}:`;
  let connector: FakeBotConnector;
  let tickets: LocalTicketEndpoint;
  let first: RunningService;
  let second: RunningService;
  const clients: ReturnType<typeof officialClient>[] = [];

  beforeAll(async () => {
    [connector, tickets] = await Promise.all([fakeBotConnector(), localTicketEndpoint()]);
    const env = {
      REDIS_URL: sharedRedisUrl,
      REDIS_KEY_PREFIX: keyPrefix,
      WEBCHAT_TOKEN_SECRET: 'shared-secret-of-both-instances-0123456789',
      ...liveEnv(connector, tickets),
    };
    [first, second] = await Promise.all([startService(env, { captureLogs: true }), startService(env, { captureLogs: true })]);
    await Promise.all([first, second].map((running) => whenRedisReady(running.service.runtime.redis!, 5000)));
  });
  afterAll(async () => {
    clients.forEach((client) => client.end());
    await Promise.all([first.service.stop(), second.service.stop()]);
    const redis = await connectTestClient();
    await deleteKeysUnder(redis, keyPrefix);
    await redis.quit();
    await Promise.all([connector.close(), tickets.close()]);
  });

  it('offers the ticket as a thread with its card, takes it over, relays both ways, ends it and hands the driver back to the bot', async () => {
    const session = await directLineClient(first.baseUrl).session();
    const driver = officialClient({ domain: `${first.baseUrl}/v3/directline`, token: session.token });
    clients.push(driver);
    await driver.until(messages.welcome.slice(0, 40), 'the greeting');

    // The driver asks for a person; the ticket is made and offered to the support channel.
    await driver.post('my cable is stuck in my car, i want to talk to a person');
    for (const answer of handoffAnswers) await driver.post(answer);
    await driver.until(fillTemplate(live.offered, { minutes: 10, responseTime }), 'the offer of a person');
    const reference = referenceIn(driver.texts())!;
    expect(reference).toBeDefined();

    const [thread] = connector.threads();
    expect(thread.call.body).toMatchObject({
      isGroup: true,
      tenantId: ourTenant,
      channelData: { channel: { id: supportTeam.channelId }, tenant: { id: ourTenant } },
    });
    expect(thread.conversationId).toBe(`${supportTeam.channelId};messageid=${thread.cardId}`);
    expect(cardText(thread.card)).toContain(fillTemplate(liveStaff.cardTitle, { reference }));
    expect(cardText(thread.card)).toContain('**Driver:** Skip');
    expect(thread.card.body.find((block) => block.type === 'FactSet')?.facts).toEqual(
      expect.arrayContaining([
        { title: liveStaff.labels.reference, value: reference },
        { title: liveStaff.labels.reason, value: 'customer request' },
        { title: liveStaff.labels.contact, value: 'Sam Taylor, sam@example.com' },
        { title: liveStaff.labels.site, value: 'LS1 4AP' },
      ]),
    );
    expect(buttonsOf(thread.card)).toEqual([
      { title: liveStaff.buttons.takeOver, data: { liveHandoff: 'accept', reference } },
      { title: liveStaff.buttons.end, data: { liveHandoff: 'end', reference } },
    ]);

    // Priya takes it over, through the other instance: the driver's stream on the first gets it at once.
    const inThread = (from: Activity['from'], what: { text: string } | { value: Record<string, unknown> }) =>
      channelThreadActivity(connector.url, thread.conversationId, from, what);
    await staffDoes(second, inThread(priya, { value: { liveHandoff: 'accept', reference } }));
    await driver.until(fillTemplate(live.joined, { name: 'Priya' }), 'Priya joining');
    expect(cardText(connector.cardOf(thread.conversationId)!)).toMatch(
      /Priya Sharma took this chat over at \{\{TIME\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\}\}/,
    );
    expect(buttonsOf(connector.cardOf(thread.conversationId))).toEqual([
      { title: liveStaff.buttons.end, data: { liveHandoff: 'end', reference } },
    ]);
    expect(connector.textsIn(thread.conversationId)).toEqual([liveStaff.joined]);

    // Tom is too late, and cannot write to the driver either.
    await staffDoes(first, inThread(tom, { value: { liveHandoff: 'accept', reference } }));
    await staffDoes(first, inThread(tom, { text: 'I can help too' }));
    expect(connector.textsIn(thread.conversationId).slice(1)).toEqual([
      fillTemplate(liveStaff.alreadyTaken, { name: priya.name }),
      fillTemplate(liveStaff.notYours, { name: priya.name }),
    ]);

    // The driver writes: it goes to the thread, and the bot stays quiet.
    const log = directLineClient(first.baseUrl);
    const seen = ((await log.poll(session.token, session.conversationId)).body as ActivityPage).watermark;
    await driver.post('still stuck, the car is a kia <b>e-Niro</b>');
    await waitFor(
      () => connector.textsIn(thread.conversationId).includes('**Driver:** still stuck, the car is a kia \\<b\\>e-Niro\\</b\\>'),
      "the driver's message in the thread",
    );
    const afterDriver = ((await log.poll(session.token, session.conversationId, seen)).body as ActivityPage).activities;
    expect(afterDriver.filter((activity) => activity.type === 'message').map((activity) => activity.from?.role)).toEqual(['user']);

    // Priya answers in the thread (mentioning the bot), through the other instance.
    await staffDoes(second, inThread(priya, { text: 'Try holding the unlock button on the fob for 3 seconds.' }));
    await driver.until('**Priya:** Try holding the unlock button on the fob for 3 seconds.', "Priya's answer");
    expect(driver.texts()).not.toContain('I can help too');

    // A hazard: the bot gives the safety instruction at once, and the thread sees it highlighted.
    await driver.post('wait there is smoke coming from the charge port');
    await driver.until(item('safety_instruction').slice(0, 40), 'the safety instruction');
    await waitFor(
      () => connector.textsIn(thread.conversationId).some((text) => text.startsWith('⚠️ **Driver, possible hazard:** wait there is smoke')),
      'the hazard in the thread',
    );

    // Priya ends the chat by typing "end": the driver is back with the bot, which asks about the cable.
    await staffDoes(first, inThread(priya, { text: 'end' }));
    await driver.until(fillTemplate(live.left, { name: 'Priya' }), 'Priya leaving');
    expect(buttonsOf(connector.cardOf(thread.conversationId))).toEqual([]);
    expect(cardText(connector.cardOf(thread.conversationId)!)).toContain('Priya Sharma ended the chat at');
    const transcript = connector.textsIn(thread.conversationId).at(-1)!;
    expect(transcript.split('\n\n')).toEqual([
      fillTemplate(liveStaff.transcriptTitle, { reference }),
      `**Bot:** ${fillTemplate(live.joined, { name: 'Priya' })}`,
      '**Driver:** still stuck, the car is a kia \\<b\\>e-Niro\\</b\\>',
      '**Priya:** Try holding the unlock button on the fob for 3 seconds.',
      '**Driver:** wait there is smoke coming from the charge port',
      `**Bot:** ${item('safety_instruction')}`,
    ]);

    // The installers get the live part added to the ticket, after the ticket itself.
    await waitFor(() => tickets.bodies.some((body) => body.kind === 'live_chat'), 'the ticket update');
    const [ticket, update] = tickets.bodies;
    expect(ticket).toMatchObject({ reference, reason: 'customer_request', channel: 'webchat' });
    expect(update).toMatchObject({ kind: 'live_chat', reference, ticketId: ticket.id, staff: { name: priya.name } });
    expect((update.transcript as { from: string }[]).map((entry) => entry.from)).toEqual(['bot', 'user', 'staff', 'user', 'bot']);

    // The bot has the chat again.
    await driver.post('yes its out now thanks');
    await driver.until(messages.ratingPrompt, 'the rating question');
    // Nothing the staff did reached the bot as a message of its own: no welcome, no tenant refusal (no tenant is allowed here).
    expect(connector.textsIn(thread.conversationId)).not.toContain(messages.welcome);
    expect(connector.textsIn(thread.conversationId)).not.toContain(messages.teamsTenantRefused);
  });

  it("refuses the card's buttons from another tenant or another channel, and logs it; nothing changes", async () => {
    const [thread] = connector.threads();
    const reference = thread.card.actions![0].data as { reference: string };
    const before = connector.calls.length;
    await staffDoes(
      first,
      channelThreadActivity(
        connector.url,
        thread.conversationId,
        tom,
        { value: { liveHandoff: 'accept', reference: reference.reference } },
        { tenant: otherTenant },
      ),
    );
    const elsewhere = '19:general-0000@thread.tacv2;messageid=1';
    await staffDoes(
      second,
      channelThreadActivity(connector.url, elsewhere, tom, { value: { liveHandoff: 'accept', reference: reference.reference } }),
    );
    expect(connector.calls.slice(before).map((call) => [call.conversationId, call.body.text])).toEqual([
      [thread.conversationId, liveStaff.refused],
      [elsewhere, liveStaff.refused],
    ]);
    const refusals = [...first.logs, ...second.logs].filter(
      (line) => line.msg === "live handoff action refused: not from the support team's channel",
    );
    expect(refusals).toHaveLength(2);
    expect(refusals[0]).toMatchObject({ level: 40, tenant: otherTenant });
  });
});

describe('a live handoff for a driver on another channel (proactive turns), state in memory', () => {
  let connector: FakeBotConnector;
  let tickets: LocalTicketEndpoint;
  let running: RunningService;
  beforeAll(async () => {
    [connector, tickets] = await Promise.all([fakeBotConnector(), localTicketEndpoint()]);
    // A driver's connector that cannot be reached is given up on soon.
    running = await startService({ REDIS_URL: undefined, CONNECTOR_TIMEOUT_MS: '300', ...liveEnv(connector, tickets) });
  });
  afterAll(async () => {
    await running.service.stop();
    await Promise.all([connector.close(), tickets.close()]);
  });

  /** A driver on a channel of its own, whose connector is `serviceUrl`; the replies to its own messages come back in the response. */
  async function driverAskingForAPerson(serviceUrl: string) {
    const conversationId = `driver-${randomUUID()}`;
    const say = async (text: string) =>
      textsOf((await postActivity(running.baseUrl, messageActivity(conversationId, text, { serviceUrl }))).replies);
    await say('my cable is stuck in my car, i want to talk to a person');
    let said: string[] = [];
    for (const answer of handoffAnswers) said = await say(answer);
    const reference = referenceIn(said)!;
    const thread = connector.threads().find((started) => cardText(started.card).includes(reference))!;
    return {
      conversationId,
      say,
      reference,
      thread,
      inThread: (from: Activity['from'], what: { text: string } | { value: Record<string, unknown> }) =>
        channelThreadActivity(connector.url, thread.conversationId, from, what),
    };
  }

  it("delivers the staff's words to the driver's channel connector, once however often Teams redelivers them", async () => {
    const driver = await driverAskingForAPerson(connector.url);
    await staffDoes(running, driver.inThread(priya, { value: { liveHandoff: 'accept', reference: driver.reference } }));
    expect(connector.textsIn(driver.conversationId)).toEqual([fillTemplate(live.joined, { name: 'Priya' })]);
    await staffDoes(running, driver.inThread(priya, { value: { liveHandoff: 'accept', reference: driver.reference } }));
    expect(connector.textsIn(driver.thread.conversationId)).toEqual([liveStaff.joined, liveStaff.alreadyYours]);

    const message = driver.inThread(priya, { text: 'Is the charger showing a red light?' });
    await staffDoes(running, message);
    await staffDoes(running, message);
    expect(connector.textsIn(driver.conversationId)).toEqual([
      fillTemplate(live.joined, { name: 'Priya' }),
      '**Priya:** Is the charger showing a red light?',
    ]);

    expect(await driver.say('no, it is green')).toEqual([]);
    expect(connector.textsIn(driver.thread.conversationId)).toContain('**Driver:** no, it is green');

    await staffDoes(running, driver.inThread(priya, { value: { liveHandoff: 'end', reference: driver.reference } }));
    expect(connector.textsIn(driver.conversationId).at(-1)).toBe(fillTemplate(live.left, { name: 'Priya' }));
    await staffDoes(running, driver.inThread(priya, { value: { liveHandoff: 'end', reference: driver.reference } }));
    expect(connector.textsIn(driver.thread.conversationId).at(-1)).toBe(liveStaff.alreadyEnded);
  });

  it("keeps nobody on the ticket when the driver's chat cannot be reached, so the next press tries again", async () => {
    const unreachable = 'http://127.0.0.1:9/';
    const driver = await driverAskingForAPerson(unreachable);
    await staffDoes(running, driver.inThread(priya, { value: { liveHandoff: 'accept', reference: driver.reference } }));
    expect(connector.textsIn(driver.thread.conversationId)).toEqual([liveStaff.unreachable]);
    expect(buttonsOf(connector.cardOf(driver.thread.conversationId))[0]?.title).toBe(liveStaff.buttons.takeOver);
    await staffDoes(running, driver.inThread(tom, { text: 'hello?' }));
    expect(connector.textsIn(driver.thread.conversationId).at(-1)).toBe(liveStaff.notTaken);
  });

  it('closes a request nobody took: End chat before Take over leaves the driver with the ticket', async () => {
    const driver = await driverAskingForAPerson(connector.url);
    await staffDoes(running, driver.inThread(tom, { value: { liveHandoff: 'end', reference: driver.reference } }));
    expect(cardText(connector.cardOf(driver.thread.conversationId)!)).toContain('Tom Baker closed this request at');
    expect(buttonsOf(connector.cardOf(driver.thread.conversationId))).toEqual([]);
    expect(connector.textsIn(driver.conversationId)).toEqual([]);
    await staffDoes(running, driver.inThread(priya, { value: { liveHandoff: 'accept', reference: driver.reference } }));
    expect(connector.textsIn(driver.thread.conversationId).at(-1)).toBe(liveStaff.alreadyEnded);
  });
});

describe("outside the support team's hours", () => {
  const dayWords = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  // Three days from now, a minute at 03:00 UTC: never now, whenever the test runs.
  const onDutyDay = (new Date().getUTCDay() + 3) % 7;
  const hours = `${dayWords[onDutyDay].slice(0, 3)} 03:00-03:01 UTC`;
  let connector: FakeBotConnector;
  let tickets: LocalTicketEndpoint;
  let running: RunningService;
  beforeAll(async () => {
    [connector, tickets] = await Promise.all([fakeBotConnector(), localTicketEndpoint()]);
    running = await startService({ REDIS_URL: undefined, ...liveEnv(connector, tickets, hours) });
  });
  afterAll(async () => {
    await running.service.stop();
    await Promise.all([connector.close(), tickets.close()]);
  });

  it('starts no thread: the ticket only, and the driver is told when staff are next on duty', async () => {
    const conversationId = `closed-${randomUUID()}`;
    const say = async (text: string) => textsOf((await postActivity(running.baseUrl, messageActivity(conversationId, text))).replies);
    await say('my cable is stuck in my car, i want to talk to a person');
    let said: string[] = [];
    for (const answer of handoffAnswers) said = await say(answer);
    expect(said).toContain(fillTemplate(live.closed, { next: `${dayWords[onDutyDay]} at 03:00`, responseTime }));
    await waitFor(() => tickets.references.includes(referenceIn(said)!), 'the ticket at the installers');
    expect(connector.calls).toEqual([]);
  });
});
