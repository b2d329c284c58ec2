import type { Activity } from 'botbuilder';
import { loadConfig } from '../../src/config';
import { fillTemplate } from '../../src/content/messages';
import type { HandoffReason } from '../../src/tickets/ticket';
import { loadRecognizer } from '../../src/nlu/model';
import * as ticketContract from '../../src/tickets/ticket';
import { ticketId, type Ticket } from '../../src/tickets/ticket';
import { content, guidedChat, handoffOpening, item, memoryTicketDelivery } from '../support/guidedChat';

const recognizer = loadRecognizer();
const { messages } = content;
const { buttons } = messages;
const handoff = messages.handoff;
const { questions } = handoff;
const responseTime = loadConfig({}).tickets.responseTime;

const created = (reference: string) => fillTemplate(handoff.created, { reference, responseTime });
const alreadyCreated = (reference: string) => fillTemplate(handoff.alreadyCreated, { reference, responseTime });
const summary = (...lines: [keyof typeof handoff.summaryLabels, string][]) =>
  fillTemplate(handoff.summary, {
    details: lines.map(([label, value]) => fillTemplate(handoff.summaryLine, { label: handoff.summaryLabels[label], value })).join('\n'),
  });
const referencePattern = /EVC-[2-9A-HJKMNP-Z]{6}/;

/** Three steps into the car procedure, then whatever brings the handoff. */
const inTheCarThen = (message: string) => ['my cable is stuck in the car', buttons.stillStuck, message];

/** A message path from hello to the handoff, for each reason. */
// `procedure_exhausted` is the guide's safety valve for a procedure that leads round in circles: no
// procedure of dialogs/ reaches it (test/content/dialogs.test.ts builds one that does).
const pathTo: Record<Exclude<HandoffReason, 'procedure_exhausted'>, string[]> = {
  emergency_release_failed: ['my cable is stuck in the car', ...Array(4).fill(buttons.stillStuck)],
  socket_stuck_after_reset: ['the plug is stuck in my wallbox', 'no', 'no', 'no'],
  pin_damaged: inTheCarThen('the pin looks bent'),
  dashboard_error: inTheCarThen('there is an error on the dashboard now'),
  safety_hazard: inTheCarThen('I can smell burning'),
  customer_request: inTheCarThen(buttons.person),
};

async function chatUntilHandoff(reason: keyof typeof pathTo, delivery = memoryTicketDelivery()) {
  const bot = await guidedChat(recognizer, { ticketDelivery: delivery });
  let opening = { texts: [] as string[], buttons: [] as string[] };
  for (const text of pathTo[reason]) opening = await bot.user(text);
  return { bot, delivery, opening };
}

/** Answers whatever the handoff asks with valid details, skipping the optional ones, up to the summary. */
async function answerEverything(bot: Awaited<ReturnType<typeof guidedChat>>, first: string) {
  const answers: Record<string, string> = {
    [questions.name.ask]: 'Sam Taylor',
    [questions.reach.ask]: '07700 900123',
    [questions.site.ask]: 'sw1a1aa',
  };
  let asked = first;
  for (let turn = 0; turn < 6 && !asked.startsWith(handoff.summary.split('\n')[0]); turn += 1) {
    asked = (await bot.user(answers[asked] ?? handoff.buttons.skip)).texts.at(-1)!;
  }
  return asked;
}

describe('the handoff for each reason ends with a ticket and its reference', () => {
  it.each(Object.keys(pathTo) as (keyof typeof pathTo)[])('%s', async (reason) => {
    const { bot, delivery, opening } = await chatUntilHandoff(reason);
    expect(opening.texts.slice(-3)).toEqual(handoffOpening(reason));
    await answerEverything(bot, opening.texts.at(-1)!);
    const done = await bot.user(handoff.buttons.create);

    const [ticket] = delivery.tickets();
    expect(delivery.tickets()).toHaveLength(1);
    expect(ticket).toMatchObject({ reason, contact: { name: 'Sam Taylor', phone: '+447700900123' }, site: { postcode: 'SW1A 1AA' } });
    expect(done.texts).toEqual([created(ticket.reference)]);
  });

  it.each([
    ['a long but valid tag', 'zh-Hant-TW-u-nu-hanidec', 'zh-Hant-TW-u-nu-hanidec'],
    ['an underscore', 'en_US', 'en-US'],
    ['an empty one', '', 'en-GB'],
    ['none at all', undefined, 'en-GB'],
    ['one that is not a language tag', 'x'.repeat(40), 'en-GB'],
  ])('whatever locale the channel sends (%s), the ticket is created with a usable one', async (_, locale, expected) => {
    const { bot, delivery, opening } = await chatUntilHandoff('customer_request');
    await answerEverything(bot, opening.texts.at(-1)!);
    const done = await bot.user(handoff.buttons.create, { locale });
    expect(done.texts[0]).toMatch(referencePattern);
    expect(delivery.tickets()[0].locale).toBe(expected);
  });

  it('a safety hazard: the safety instruction first, then only name, contact and place', async () => {
    const { bot, delivery, opening } = await chatUntilHandoff('safety_hazard');
    expect(opening.texts).toEqual([item('safety_instruction'), ...handoffOpening('safety_hazard')]);
    await bot.user('Sam Taylor');
    await bot.user('07700 900123');
    expect((await bot.user('Leeds')).texts).toEqual([summary(['name', 'Sam Taylor'], ['phone', '+447700900123'], ['town', 'Leeds'])]);
    await bot.user(handoff.buttons.create);
    expect(delivery.tickets()[0]).toMatchObject({ reason: 'safety_hazard', vehicle: {}, charger: {} });
  });
});

describe('the questions', () => {
  it('asks one at a time, offers Skip only for the optional ones, and sums up before creating anything', async () => {
    const { bot, delivery, opening } = await chatUntilHandoff('customer_request');
    expect(opening.buttons).toEqual([handoff.buttons.cancel]);
    expect(await bot.user('Sam Taylor')).toEqual({ texts: [questions.reach.ask], buttons: [handoff.buttons.cancel] });
    expect((await bot.user('Sam@Example.COM')).texts).toEqual([questions.site.ask]);
    expect(await bot.user('sw1a 1aa')).toEqual({ texts: [questions.charger.ask], buttons: [handoff.buttons.skip, handoff.buttons.cancel] });
    expect((await bot.user('Wallbox Pulsar Plus')).texts).toEqual([questions.vehicle.ask]);
    const shown = await bot.user('Tesla Model 3');
    expect(shown.texts).toEqual([
      summary(
        ['name', 'Sam Taylor'],
        ['email', 'sam@example.com'],
        ['postcode', 'SW1A 1AA'],
        ['charger', 'Wallbox Pulsar Plus'],
        ['vehicle', 'Tesla Model 3'],
      ),
    ]);
    expect(shown.buttons).toEqual([handoff.buttons.create, handoff.buttons.change, handoff.buttons.cancel]);
    expect(delivery.tickets()).toEqual([]);
    await bot.user(handoff.buttons.create);
    expect(delivery.tickets()[0]).toMatchObject({
      vehicle: { make: 'Tesla', model: 'Model 3' },
      charger: { model: 'Wallbox Pulsar Plus' },
    });
  });

  it('asks again, helpfully, when an answer does not fit, and normalises what fits', async () => {
    const { bot, delivery } = await chatUntilHandoff('customer_request');
    expect((await bot.user('1234')).texts).toEqual([questions.name.retry]);
    expect((await bot.user('  Sam   Taylor ')).texts).toEqual([questions.reach.ask]);
    expect((await bot.user('sam@')).texts).toEqual([questions.reach.retry]);
    expect((await bot.user('12345')).texts).toEqual([questions.reach.retry]);
    expect((await bot.user('+44 (0)7700 900123')).texts).toEqual([questions.site.ask]);
    expect((await bot.user('12 ??')).texts).toEqual([questions.site.retry]);
    expect((await bot.user('ls1 4ap')).texts).toEqual([questions.charger.ask]);
    await bot.user(handoff.buttons.skip);
    await bot.user(handoff.buttons.skip);
    await bot.user(handoff.buttons.create);
    expect(delivery.tickets()[0]).toMatchObject({ contact: { name: 'Sam Taylor', phone: '+447700900123' }, site: { postcode: 'LS1 4AP' } });
  });

  it('takes an email and a phone number in one answer', async () => {
    const { bot } = await chatUntilHandoff('customer_request');
    await bot.user('Sam Taylor');
    await bot.user('sam@example.com or 07700 900123');
    await bot.user('Leeds');
    await bot.user(handoff.buttons.skip);
    expect((await bot.user(handoff.buttons.skip)).texts).toEqual([
      summary(['name', 'Sam Taylor'], ['email', 'sam@example.com'], ['phone', '+447700900123'], ['town', 'Leeds']),
    ]);
  });

  it('skips the optional questions with the button or in words', async () => {
    const { bot, delivery } = await chatUntilHandoff('customer_request');
    await bot.user('Sam Taylor');
    await bot.user('07700 900123');
    await bot.user('Leeds');
    expect((await bot.user(handoff.buttons.skip)).texts).toEqual([questions.vehicle.ask]);
    expect((await bot.user("I don't know")).texts).toEqual([
      summary(['name', 'Sam Taylor'], ['phone', '+447700900123'], ['town', 'Leeds']),
    ]);
    await bot.user(handoff.buttons.create);
    expect(delivery.tickets()[0]).toMatchObject({ vehicle: {}, charger: {} });
  });

  it('prefills the car make named earlier and asks only for the model', async () => {
    const delivery = memoryTicketDelivery();
    const bot = await guidedChat(recognizer, { ticketDelivery: delivery });
    await bot.user('the cable is stuck in my Nissan');
    await bot.user(buttons.person);
    await bot.user('Sam Taylor');
    await bot.user('07700 900123');
    await bot.user('Leeds');
    expect((await bot.user(handoff.buttons.skip)).texts).toEqual([fillTemplate(questions.vehicle.askModel, { make: 'Nissan' })]);
    expect((await bot.user('Leaf')).texts[0]).toContain('Car: Nissan Leaf');
    await bot.user(handoff.buttons.create);
    expect(delivery.tickets()[0]).toMatchObject({ vehicle: { make: 'Nissan', model: 'Leaf' }, entities: { vehicleMake: 'Nissan' } });
  });
});

describe('correcting and cancelling', () => {
  async function atSummary() {
    const { bot, delivery } = await chatUntilHandoff('customer_request');
    await bot.user('Sam Taylor');
    await bot.user('sam@example.com');
    await bot.user('Leeds');
    await bot.user(handoff.buttons.skip);
    await bot.user(handoff.buttons.skip);
    return { bot, delivery };
  }

  it('"change my email" at the summary asks that question again, then shows the summary again', async () => {
    const { bot, delivery } = await atSummary();
    expect((await bot.user('change my email')).texts).toEqual([questions.reach.ask]);
    expect((await bot.user('sam.taylor@example.org')).texts).toEqual([
      summary(['name', 'Sam Taylor'], ['email', 'sam.taylor@example.org'], ['town', 'Leeds']),
    ]);
    await bot.user(handoff.buttons.create);
    expect(delivery.tickets()[0].contact).toEqual({ name: 'Sam Taylor', email: 'sam.taylor@example.org' });
  });

  it('"Change something" offers each question as a choice', async () => {
    const { bot, delivery } = await atSummary();
    const choices = await bot.user(handoff.buttons.change);
    expect(choices).toEqual({
      texts: [handoff.whichToChange],
      buttons: [
        ...['name', 'reach', 'site', 'charger', 'vehicle'].map((q) => questions[q as keyof typeof questions].label),
        handoff.buttons.cancel,
      ],
    });
    expect((await bot.user(questions.site.label)).texts).toEqual([questions.site.ask]);
    expect((await bot.user('SW1A 1AA')).texts[0]).toContain('Postcode: SW1A 1AA');
    await bot.user(handoff.buttons.create);
    expect(delivery.tickets()[0].site).toEqual({ postcode: 'SW1A 1AA' });
  });

  it('cancel at a question ends the handoff politely, creates nothing, and the next message starts afresh', async () => {
    const { bot, delivery } = await chatUntilHandoff('customer_request');
    await bot.user('Sam Taylor');
    expect((await bot.user('cancel')).texts).toEqual([handoff.cancelled]);
    expect(delivery.submissions()).toBe(0);
    expect((await bot.user('my cable is stuck in the car')).texts[0]).toBe(messages.scenarios.stuck_in_car.intro.replace('{car}', 'car'));
  });

  it('the Cancel button at the summary creates nothing', async () => {
    const { bot, delivery } = await atSummary();
    expect((await bot.user(handoff.buttons.cancel)).texts).toEqual([handoff.cancelled]);
    expect(delivery.submissions()).toBe(0);
  });
});

describe('one ticket per conversation and reason', () => {
  async function confirmedTwice() {
    const { bot, delivery, opening } = await chatUntilHandoff('emergency_release_failed');
    await answerEverything(bot, opening.texts.at(-1)!);
    const first = await bot.user(handoff.buttons.create);
    const again = await bot.user(handoff.buttons.create);
    return { bot, delivery, first, again };
  }

  it('a repeated "yes, create it" shows the same reference and creates nothing new', async () => {
    const { delivery, first, again } = await confirmedTwice();
    const reference = first.texts[0].match(referencePattern)![0];
    expect(again.texts).toEqual([alreadyCreated(reference)]);
    expect(delivery.submissions()).toBe(1);
    expect(delivery.tickets().map((ticket) => ticket.reference)).toEqual([reference]);
  });

  it('after the ticket, other messages go on as usual', async () => {
    const { bot } = await confirmedTwice();
    expect((await bot.user('thank you')).texts).toEqual([messages.youreWelcome]);
  });

  it('a "yes" redelivered after the ticket was submitted shows the reference of the first submission', async () => {
    const delivery = memoryTicketDelivery();
    const { bot, opening } = await chatUntilHandoff('emergency_release_failed', delivery);
    await answerEverything(bot, opening.texts.at(-1)!);
    // The first delivery of this "yes" submitted the ticket, then the turn was lost before its state was saved.
    const firstSubmission = { id: ticketId(bot.conversationId, 'emergency_release_failed'), reference: 'EVC-7K2Q9M' } as Ticket;
    await delivery.submit(firstSubmission);
    expect((await bot.user(handoff.buttons.create)).texts).toEqual([created('EVC-7K2Q9M')]);
    expect(delivery.tickets()).toHaveLength(1);
  });

  it('a later handoff for the same reason gives the existing reference instead of asking again', async () => {
    const { bot, delivery, first } = await confirmedTwice();
    const reference = first.texts[0].match(referencePattern)![0];
    await bot.user('thanks');
    for (const text of pathTo.emergency_release_failed.slice(0, -1)) await bot.user(text);
    expect((await bot.user(buttons.stillStuck)).texts).toEqual([
      fillTemplate(messages.handoffStarting, { reason: messages.handoffReasons.emergency_release_failed }),
      alreadyCreated(reference),
    ]);
    expect(delivery.tickets()).toHaveLength(1);
  });

  it('a ticket that breaks the contract is not created, and every answer is kept for another try', async () => {
    const working = memoryTicketDelivery();
    const { bot, opening } = await chatUntilHandoff('customer_request', working);
    await answerEverything(bot, opening.texts.at(-1)!);
    jest.spyOn(ticketContract, 'buildTicket').mockImplementationOnce(() => ticketContract.ticketSchema.parse({}));
    const refused = await bot.user(handoff.buttons.create);
    expect(refused.texts).toEqual([handoff.notCreated]);
    expect((await bot.user(handoff.buttons.create)).texts[0]).toMatch(referencePattern);
    expect(working.tickets()[0].contact).toEqual({ name: 'Sam Taylor', phone: '+447700900123' });
  });

  it('when the ticket cannot be submitted, says so and keeps every answer for another try', async () => {
    const working = memoryTicketDelivery();
    let down = true;
    const flaky = {
      ...working,
      submit: async (ticket: Ticket) => (down ? Promise.reject(new Error('queue unreachable')) : working.submit(ticket)),
    };
    const { bot, opening } = await chatUntilHandoff('customer_request', flaky);
    await answerEverything(bot, opening.texts.at(-1)!);
    const refused = await bot.user(handoff.buttons.create);
    expect(refused).toEqual({
      texts: [handoff.notCreated],
      buttons: [handoff.buttons.create, handoff.buttons.change, handoff.buttons.cancel],
    });
    down = false;
    expect((await bot.user(handoff.buttons.create)).texts[0]).toMatch(referencePattern);
    expect(working.tickets()[0].contact).toEqual({ name: 'Sam Taylor', phone: '+447700900123' });
  });
});

describe('handoff.initiate for live-agent hubs', () => {
  it('follows the reference, with the ticket and the conversation so far as the transcript', async () => {
    const { bot, delivery, opening } = await chatUntilHandoff('emergency_release_failed');
    await answerEverything(bot, opening.texts.at(-1)!);
    await bot.user(handoff.buttons.create);
    const [ticket] = delivery.tickets();
    const event = bot.activities.at(-1) as Activity;
    expect(event).toMatchObject({ type: 'event', name: 'handoff.initiate' });
    expect(event.value).toEqual({
      ticketId: ticket.id,
      reference: ticket.reference,
      reason: 'emergency_release_failed',
      scenario: 'stuck_in_car',
    });
    const transcript = event.attachments![0].content.activities as Activity[];
    expect(transcript[0]).toMatchObject({ type: 'message', text: 'my cable is stuck in the car', from: { id: 'user-1' } });
    expect(transcript.map((activity) => activity.text)).toEqual(ticket.transcript.map((turn) => turn.text));
    expect(bot.activities.filter((activity) => activity.type === 'event')).toHaveLength(1);
  });
});
