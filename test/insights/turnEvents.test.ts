import { loadContent } from '../../src/content/loadContent';
import { newConversation, type StoredConversation } from '../../src/conversation/conversationState';
import { ConversationEngine } from '../../src/conversation/engine';
import type { InsightEvent } from '../../src/insights/events';
import { insightEventsOf } from '../../src/insights/turnEvents';
import { createLogger } from '../../src/logger';
import { loadRecognizer } from '../../src/nlu/model';
import { memoryTicketDelivery } from '../support/guidedChat';

const tickets = memoryTicketDelivery();
const engine = new ConversationEngine({
  content: loadContent(),
  recognizer: loadRecognizer(),
  tickets,
  responseTime: 'within 24 hours',
  logger: createLogger({ env: 'test', logLevel: 'silent' }),
});

/** The insight events of each message of a conversation, turn by turn. */
async function eventsOf(...messages: string[]): Promise<InsightEvent[][]> {
  let conversation: StoredConversation = { ...newConversation(), welcomed: true };
  const events: InsightEvent[][] = [];
  for (const text of messages) {
    const result = await engine.turn(conversation, { kind: 'message', text, channelId: 'test', conversationId: 'conversation-1' });
    events.push(insightEventsOf(conversation, result, text));
    conversation = result.conversation;
  }
  return events;
}

describe('what a turn tells the insights', () => {
  it('a step reached, its outcome, and the run resolved where the cable came free', async () => {
    const [first, second] = await eventsOf('plug stuck in the car port', 'yes it came out');
    expect(first).toEqual([
      { type: 'procedure_started', procedure: 'stuck_in_car' },
      { type: 'step_reached', procedure: 'stuck_in_car', step: 'end_session' },
    ]);
    expect(second).toEqual([
      { type: 'step_outcome', procedure: 'stuck_in_car', step: 'end_session', outcome: 'freed' },
      { type: 'procedure_ended', procedure: 'stuck_in_car', result: 'resolved', step: 'end_session' },
    ]);
  });

  it('a step done before it was asked, once, and the next step reached', async () => {
    const [, second] = await eventsOf('cable stuck in my car', 'i already stopped it before i messaged');
    expect(second).toEqual([
      { type: 'step_outcome', procedure: 'stuck_in_car', step: 'end_session', outcome: 'tried_before' },
      { type: 'step_reached', procedure: 'stuck_in_car', step: 'unlock_car' },
    ]);
  });

  it('a step passed over because it was tried already', async () => {
    const [first] = await eventsOf('stuck in the car, i stopped the session already');
    expect(first).toContainEqual({ type: 'step_outcome', procedure: 'stuck_in_car', step: 'end_session', outcome: 'skipped' });
    expect(first).toContainEqual({ type: 'step_reached', procedure: 'stuck_in_car', step: 'unlock_car' });
  });

  it('a cancelled run', async () => {
    const [, second] = await eventsOf('cable stuck in the wallbox', 'cancel');
    expect(second).toContainEqual({ type: 'procedure_ended', procedure: 'stuck_in_charger', result: 'cancelled', step: 'end_session' });
  });

  it('the clarifying question and the unplaced message, with where they came and the top labels', async () => {
    const [, done] = await eventsOf('cable stuck in my car', 'done');
    expect(done).toContainEqual(
      expect.objectContaining({
        type: 'misunderstood',
        why: 'clarifying_question',
        stage: 'step',
        procedure: 'stuck_in_car',
        step: 'end_session',
        text: 'done',
      }),
    );
    const [opening] = await eventsOf('qwop zlorb grindle');
    expect(opening).toEqual([
      expect.objectContaining({ type: 'misunderstood', why: 'not_recognised', stage: 'start', text: 'qwop zlorb grindle' }),
    ]);
  });

  it('never an answer to a contact question, even one the interview cannot read', async () => {
    const events = (await eventsOf('get me a person', 'zzzz qqqq 123 !!!', 'Sam Patel')).flat();
    expect(events).toContainEqual(expect.objectContaining({ type: 'handoff', reason: 'customer_request' }));
    expect(events.filter((event) => event.type === 'misunderstood')).toEqual([]);
  });
});
