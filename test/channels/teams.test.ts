import type { Activity } from 'botbuilder';
import { messageActivity, postActivity } from '../support/http';
import { content, item } from '../support/guidedChat';
import { type RunningService, startService } from '../support/service';
import { cardText, cardsIn, otherTenant, ourTenant, staff, teamsBot as bot, teamsMessage, teamsSubmit } from '../support/teams';

const { messages } = content;
const carSteps = content.dialogs.procedures.get('stuck_in_car')!.steps;

describe('the bot in Microsoft Teams', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ TEAMS_ALLOWED_TENANT_IDS: `${otherTenant.slice(0, 8)}-not-it, ${ourTenant}` });
  });
  afterAll(() => running.service.stop());

  it('shows a step as an Adaptive Card whose buttons submit the answers', async () => {
    const { status, replies } = await postActivity(running.baseUrl, teamsMessage('teams-1', messages.buttons.car));
    expect(status).toBe(200);
    expect(replies.every((reply) => !reply.suggestedActions)).toBe(true);
    const [card] = cardsIn(replies);
    expect(cardText(card)).toContain(item(carSteps[0].say[0]));
    expect(cardText(card)).toContain(messages.questions.didItComeFree);
    expect(card.actions).toContainEqual({
      type: 'Action.Submit',
      title: messages.buttons.stillStuck,
      data: { answer: messages.buttons.stillStuck },
    });
  });

  it('takes a submitted card button as the answer', async () => {
    await postActivity(running.baseUrl, teamsMessage('teams-2', messages.buttons.car));
    const submitted = teamsSubmit('teams-2', { answer: messages.buttons.stillStuck });
    const [card] = cardsIn((await postActivity(running.baseUrl, submitted)).replies);
    expect(cardText(card)).toContain(item(carSteps[1].say[0]));
  });

  it('strips its @mention in a channel before reading the message', async () => {
    const mention = `<at>${bot.name}</at>`;
    const inChannel = teamsMessage('teams-3', `${mention} ${messages.buttons.car}`, {
      conversation: { id: 'teams-3', tenantId: ourTenant, conversationType: 'channel', isGroup: true } as Activity['conversation'],
      entities: [{ type: 'mention', mentioned: bot, text: mention }],
    });
    const [card] = cardsIn((await postActivity(running.baseUrl, inChannel)).replies);
    expect(cardText(card)).toContain(item(carSteps[0].say[0]));
  });

  it('gives field staff every step of a procedure named in one card, without starting a chat', async () => {
    const { replies } = await postActivity(running.baseUrl, teamsMessage('teams-4', 'steps stuck in car'));
    expect(replies).toHaveLength(1);
    const [card] = cardsIn(replies);
    const text = cardText(card);
    expect(text).not.toContain(messages.welcome);
    carSteps.forEach((_step, index) => expect(text).toContain(`${index + 1}. `));
    for (const step of carSteps.filter((s) => s.say.length > 0)) expect(text).toContain(item(step.say[0]));
  });

  it('names the procedures when the one asked for is unknown', async () => {
    const { replies } = await postActivity(running.baseUrl, teamsMessage('teams-5', 'steps for the moon'));
    expect(replies.map((reply) => reply.text)).toEqual([expect.stringContaining('stuck in car')]);
  });

  describe('a tenant that is not allowed', () => {
    it('gets one polite refusal, and the bot does not run (no dialog, no state)', async () => {
      const run = jest.spyOn(running.service.runtime.bot, 'run');
      try {
        const { replies } = await postActivity(running.baseUrl, teamsMessage('foreign-1', messages.buttons.car, {}, otherTenant));
        expect(replies.map((reply) => reply.text)).toEqual([messages.teamsTenantRefused]);
        const joined = teamsMessage('foreign-1', '', { type: 'conversationUpdate', membersAdded: [staff] }, otherTenant);
        expect((await postActivity(running.baseUrl, joined)).replies).toEqual([]);
        expect(run).not.toHaveBeenCalled();
      } finally {
        run.mockRestore();
      }
    });

    it('is refused without a tenant at all', async () => {
      const noTenant = teamsMessage('foreign-2', 'hello', {
        channelData: {},
        conversation: { id: 'foreign-2' } as Activity['conversation'],
      });
      expect((await postActivity(running.baseUrl, noTenant)).replies.map((reply) => reply.text)).toEqual([messages.teamsTenantRefused]);
    });
  });

  describe('a malformed Teams-shaped message (no recipient, entities botbuilder cannot read)', () => {
    const firstStepShown = (replies: Partial<Activity>[]) => {
      expect(replies.map((reply) => reply.text)).not.toContain(messages.turnError);
      expect(cardsIn(replies).map(cardText).join('\n')).toContain(item(carSteps[0].say[0]));
    };

    it('without a recipient is answered as usual', async () => {
      const { status, replies } = await postActivity(
        running.baseUrl,
        teamsMessage('teams-m1', messages.buttons.car, { recipient: undefined }),
      );
      expect(status).toBe(200);
      firstStepShown(replies);
    });

    it('with entities that are not entities is answered as usual, its mention still removed', async () => {
      const mention = `<at>${bot.name}</at>`;
      const entities = [null, 5, { type: 7 }, { type: 'mention', mentioned: bot, text: mention }] as unknown as Activity['entities'];
      const { status, replies } = await postActivity(
        running.baseUrl,
        teamsMessage('teams-m2', `${mention} ${messages.buttons.car}`, { entities }),
      );
      expect(status).toBe(200);
      firstStepShown(replies);
    });

    it('a member list with holes greets as usual: field staff get their own welcome, about a customer, in one card', async () => {
      const joined = teamsMessage('teams-m3', '', {
        type: 'conversationUpdate',
        membersAdded: [null, staff] as unknown as Activity['membersAdded'],
      });
      const { status, replies } = await postActivity(running.baseUrl, joined);
      expect(status).toBe(200);
      const [card] = cardsIn(replies);
      expect(cardText(card)).toContain(messages.welcomeForStaff);
      expect(cardText(card)).toContain(messages.welcomePromptForStaff);
      expect(cardText(card)).not.toContain(messages.welcome);
    });
  });

  it('leaves other channels as they are (suggested actions, no cards)', async () => {
    const { replies } = await postActivity(running.baseUrl, messageActivity('web-1', messages.buttons.car));
    expect(cardsIn(replies)).toEqual([]);
    expect(replies.at(-1)?.suggestedActions?.actions.length).toBeGreaterThan(0);
  });
});
