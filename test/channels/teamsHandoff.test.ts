import { randomUUID } from 'node:crypto';
import nock from 'nock';
import { content } from '../support/guidedChat';
import { messageActivity, postActivity, textsOf } from '../support/http';
import { mockOutsideHttp } from '../support/outsideHttp';
import { type RunningService, startService } from '../support/service';
import { cardText, cardsIn, ourTenant, staff, teamsMessage, teamsSubmit } from '../support/teams';
import { waitFor } from '../support/waitFor';

const { messages } = content;
const { handoff } = messages;
const forCustomer = handoff.customerQuestions;
const webhook = 'https://installers.example.test';
mockOutsideHttp('127.0.0.1');

describe('a handoff in Microsoft Teams', () => {
  let running: RunningService;
  const received: Record<string, unknown>[] = [];

  beforeAll(async () => {
    nock(webhook)
      .post('/tickets')
      .reply(201, (_uri, body) => {
        received.push(body as Record<string, unknown>);
        return { id: 'installer-1' };
      })
      .persist();
    // No Redis: tickets go to the webhook in-process.
    running = await startService({
      REDIS_URL: undefined,
      TEAMS_ALLOWED_TENANT_IDS: ourTenant,
      TICKET_WEBHOOK_URL: `${webhook}/tickets`,
      TICKET_WEBHOOK_SECRET: 'test-secret',
    });
  });
  afterAll(async () => {
    await running.service.stop();
  });

  const post = async (activity: ReturnType<typeof teamsMessage>) => (await postActivity(running.baseUrl, activity)).replies;

  it("takes the customer's details in one form, re-asks only what did not fit, and raises the ticket as the staff member", async () => {
    const conversation = `teams-handoff-${randomUUID()}`;
    await post(teamsMessage(conversation, 'my cable is stuck in the car'));

    // Asking for a person from the step card: the form asks about the customer, every question at once.
    const [form] = cardsIn(await post(teamsSubmit(conversation, { answer: messages.buttons.person })));
    expect(cardText(form)).toContain(messages.handoffNextForStaff);
    expect(form.body.filter((block) => block.type === 'Input.Text').map(({ id, label }) => ({ id, label }))).toEqual([
      { id: 'name', label: forCustomer.name.ask },
      { id: 'reach', label: forCustomer.reach.ask },
      { id: 'site', label: forCustomer.site.ask },
      { id: 'charger', label: forCustomer.charger.ask },
      { id: 'vehicle', label: forCustomer.vehicle.ask },
    ]);
    expect(form.actions?.map((action) => action.title)).toEqual([handoff.buttons.send, handoff.buttons.cancel]);

    // One field does not fit: only that one is asked again, with the helpful message.
    const sent = { contactForm: true, name: 'Jo Customer', reach: 'jo at example', site: 'York', charger: '', vehicle: 'Nissan Leaf' };
    const [again] = cardsIn(await post(teamsSubmit(conversation, sent)));
    expect(again.body.filter((block) => block.type === 'Input.Text').map((block) => block.id)).toEqual(['reach']);
    expect(again.body).toContainEqual(expect.objectContaining({ text: forCustomer.reach.retry, color: 'Attention' }));

    const [summary] = cardsIn(await post(teamsSubmit(conversation, { contactForm: true, reach: '07700 900123' })));
    expect(summary.body.find((block) => block.type === 'FactSet')?.facts).toEqual([
      { title: handoff.summaryLabels.name, value: 'Jo Customer' },
      { title: handoff.summaryLabels.phone, value: '+447700900123' },
      { title: handoff.summaryLabels.town, value: 'York' },
      { title: handoff.summaryLabels.vehicle, value: 'Nissan Leaf' },
    ]);
    expect(summary.actions?.map((action) => action.data)).toEqual(
      [handoff.buttons.create, handoff.buttons.change, handoff.buttons.cancel].map((answer) => ({ answer })),
    );

    const confirmation = textsOf(await post(teamsSubmit(conversation, { answer: handoff.buttons.create })));
    const reference = confirmation.join('\n').match(/EVC-[2-9A-HJKMNP-Z]{6}/)![0];
    await waitFor(() => received.some((ticket) => ticket.reference === reference));
    expect(received.find((ticket) => ticket.reference === reference)).toMatchObject({
      channel: 'msteams',
      raisedBy: { entraObjectId: staff.aadObjectId, name: staff.name },
      contact: { name: 'Jo Customer', phone: '+447700900123' },
      site: { town: 'York' },
      vehicle: { make: 'Nissan', model: 'Leaf' },
    });
  });

  it('leaves drivers on other channels as they were: their own details, one typed question at a time, no raisedBy', async () => {
    const conversation = `web-handoff-${randomUUID()}`;
    const say = async (text: string, extra = {}) =>
      postActivity(running.baseUrl, messageActivity(conversation, text, { from: staff, ...extra }));
    await say('my cable is stuck in the car');
    const asked = (await say(messages.buttons.person)).replies;
    expect(cardsIn(asked)).toEqual([]);
    expect(textsOf(asked)).toEqual([expect.any(String), messages.handoffNext, handoff.questions.name.ask]);

    // A Teams-shaped form posted here answers nothing.
    const formHere = await say('', { value: { contactForm: true, name: 'Jo Customer', reach: '07700 900123', site: 'York' } });
    expect(textsOf(formHere.replies)).toEqual([handoff.questions.name.retry]);

    for (const text of ['Sam Taylor', 'sam@example.com', 'Leeds', handoff.buttons.skip, handoff.buttons.skip]) await say(text);
    const reference = textsOf((await say(handoff.buttons.create)).replies)
      .join('\n')
      .match(/EVC-[2-9A-HJKMNP-Z]{6}/)![0];
    await waitFor(() => received.some((ticket) => ticket.reference === reference));
    const ticket = received.find((t) => t.reference === reference)!;
    expect(ticket).toMatchObject({ channel: 'test', contact: { name: 'Sam Taylor', email: 'sam@example.com' } });
    expect(ticket).not.toHaveProperty('raisedBy');
  });
});
