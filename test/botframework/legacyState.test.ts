import fs from 'node:fs';
import path from 'node:path';
import { conversationProperty } from '../../src/botframework/conversationHost';
import { fillTemplate } from '../../src/content/messages';
import { loadRecognizer } from '../../src/nlu/model';
import { content, guidedChat, instruction } from '../support/guidedChat';

const { messages } = content;
const { handoff } = messages;
const recognizer = loadRecognizer();

/**
 * Conversations as the release before the conversation engine stored them (botbuilder-dialogs'
 * DialogState, the record and the welcome flag), captured from that release at each kind of stage.
 */
function legacyFixture(name: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '../fixtures/legacy-state', `${name}.json`), 'utf8'));
}

/** A chat whose stored conversation is replaced by `stored`, as if it had been stored before the deploy. */
async function chatStoredAs(stored: Record<string, unknown>) {
  const bot = await guidedChat(recognizer);
  const key = `test/conversations/${bot.conversationId}/`;
  await bot.storage.write({ [key]: { ...stored, eTag: '*' } });
  const raw = async () => (await bot.storage.read([key]))[key];
  return { bot, raw };
}

describe('a conversation stored by the release before the conversation engine', () => {
  it('at a guide step: goes on at the same step, keeps its record, and is stored in the new shape only', async () => {
    const { bot, raw } = await chatStoredAs(legacyFixture('guide-step'));
    const reply = await bot.user(messages.buttons.stillStuck);
    expect(reply.texts).toEqual([messages.nextStep, instruction('connector_technique'), messages.questions.didItComeFree]);
    const stored = await raw();
    expect(Object.keys(stored).sort()).toEqual([conversationProperty, 'eTag']);
    expect(stored[conversationProperty].record.transcript.map((entry: { text: string }) => entry.text)).toContain(
      'my cable is stuck in the car',
    );
    expect(stored[conversationProperty].stage.guide.tried).toEqual([
      { procedure: 'stuck_in_car', step: 'end_session', outcome: 'still_stuck' },
      { procedure: 'stuck_in_car', step: 'unlock_car', outcome: 'still_stuck' },
    ]);
  });

  it('in the middle of the contact questions: the next answer is taken for the question asked', async () => {
    const { bot } = await chatStoredAs(legacyFixture('interview-reach'));
    expect((await bot.user('sam@example.com')).texts).toEqual([handoff.questions.site.ask]);
  });

  it('at the summary: "yes, create it" creates the ticket with what was answered before the deploy', async () => {
    const { bot } = await chatStoredAs(legacyFixture('interview-summary'));
    const created = await bot.user(handoff.buttons.create);
    expect(created.texts[0]).toMatch(/^Your ticket reference is EVC-/);
  });

  it('at the rating: the score is kept with the outcome it rates', async () => {
    const { bot } = await chatStoredAs(legacyFixture('rating'));
    expect((await bot.user('5')).texts).toEqual([messages.ratingThanks]);
    expect((await bot.stored())?.record.outcomes.at(-1)).toMatchObject({ result: 'freed', rating: 5 });
  });

  it('after its ticket: a repeated confirmation gets the same reference', async () => {
    const fixture = legacyFixture('ticket-created') as { conversationRecord: { tickets: { reference: string }[] } };
    const { bot } = await chatStoredAs(fixture);
    const { reference } = fixture.conversationRecord.tickets[0];
    expect((await bot.user(handoff.buttons.create)).texts).toEqual([
      fillTemplate(handoff.alreadyCreated, { reference, responseTime: 'within 24 hours' }),
    ]);
  });

  it('at a dialog this release does not know: starts again and says so', async () => {
    const fixture = legacyFixture('guide-step') as {
      DialogState: { dialogStack: { state: { dialogs: { dialogStack: { id: string }[] } } }[] };
    };
    fixture.DialogState.dialogStack[0].state.dialogs.dialogStack[0].id = 'retiredDialog';
    const { bot } = await chatStoredAs(fixture);
    const reply = await bot.user('my cable is stuck in the car');
    expect(reply.texts[0]).toBe(messages.lostPlace);
    expect(reply.texts).toContain(instruction('end_session', 'wait_after_stop'));
  });
});
