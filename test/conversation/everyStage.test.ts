import { ConversationEngine, type TurnInput, type TurnResult } from '../../src/conversation/engine';
import { newConversation, type Stage, type StoredConversation } from '../../src/conversation/conversationState';
import { handoffQuestions } from '../../src/content/messages';
import { createLogger } from '../../src/logger';
import { loadRecognizer } from '../../src/nlu/model';
import type { Recognizer } from '../../src/nlu/types';
import { content, item, memoryTicketDelivery } from '../support/guidedChat';

const { messages } = content;
const { handoff } = messages;
const realRecognizer = loadRecognizer();

/** The real recognizer, counting how often each turn asks it. */
function countingRecognizer() {
  const counter = { recognized: 0 };
  const recognizer: Recognizer = {
    recognize: (text) => {
      counter.recognized += 1;
      return realRecognizer.recognize(text);
    },
    entitiesOf: (text) => realRecognizer.entitiesOf(text),
  };
  return { recognizer, counter };
}

function engineWith(recognizer: Recognizer = realRecognizer) {
  const tickets = memoryTicketDelivery();
  const engine = new ConversationEngine({
    content,
    recognizer,
    tickets,
    responseTime: 'within 24 hours',
    logger: createLogger({ env: 'test', logLevel: 'silent' }),
  });
  return { engine, tickets };
}

const input = (text: string): TurnInput => ({ kind: 'message', text, conversationId: 'stage-test', channelId: 'test' });
const at = (stage: Stage): StoredConversation => ({ ...newConversation(), welcomed: true, stage });
const texts = (result: TurnResult) => result.replies.map((reply) => reply.text);

/** Every step of every procedure, as the stage a driver waits on there. */
const everyStep = [...content.dialogs.procedures.values()].flatMap((procedure) =>
  procedure.steps.map((step) => ({
    name: `${procedure.scenario}.${step.id}`,
    stage: {
      kind: 'guiding',
      guide: { procedure: procedure.scenario, step: step.id, returns: [], tried: [], entities: {}, unplacedInARow: 0 },
    } as Stage,
  })),
);

/** The handoff waiting on each contact question, on its summary, and on the choice of what to change. */
const interviewAt = (interviewStage: object, settled: string[] = []): Stage => ({
  kind: 'handoff',
  handoff: {
    request: { reason: 'customer_request', scenario: 'stuck_in_car', stepsTried: [], entities: {} },
    interview: {
      answers: { name: 'Sam Taylor', email: 'sam@example.com', postcode: 'LS1 4AP' },
      settled: settled as never,
      essentialOnly: false,
      stage: interviewStage as never,
    },
  },
});
const everyInterviewStage = [
  ...handoffQuestions.map((question) => ({
    name: `the ${question} question`,
    stage: interviewAt({ kind: 'question', question, backToSummary: false }, handoffQuestions.slice(0, handoffQuestions.indexOf(question))),
  })),
  { name: 'the summary', stage: interviewAt({ kind: 'summary' }, [...handoffQuestions]) },
  { name: 'the choice of what to change', stage: interviewAt({ kind: 'chooseChange' }, [...handoffQuestions]) },
];

const hazards = [
  'there is smoke coming out of the socket',
  'i can smell burning from the wallbox',
  'it just sparked when i touched the plug',
];

describe('at every step of every procedure', () => {
  it.each(everyStep)('$name: a hazard gets the safety instruction first and a safety_hazard handoff', async ({ stage }) => {
    for (const hazard of hazards) {
      const result = await engineWith().engine.turn(at(stage), input(hazard));
      expect(texts(result)[0]).toBe(item('safety_instruction'));
      expect(result.conversation.stage).toMatchObject({ kind: 'handoff', handoff: { request: { reason: 'safety_hazard' } } });
      expect(result.effects).toContainEqual(expect.objectContaining({ kind: 'procedureHandedOff', reason: 'safety_hazard' }));
    }
  });

  it.each(everyStep)('$name: the cable coming free ends the procedure as freed and asks for a rating', async ({ name, stage }) => {
    const result = await engineWith().engine.turn(at(stage), input("it's come out now"));
    expect(texts(result)).toContain(messages.freed);
    expect(texts(result).at(-1)).toBe(messages.ratingPrompt);
    expect(result.conversation.record.outcomes).toEqual([expect.objectContaining({ result: 'freed', scenario: name.split('.')[0] })]);
    expect(result.effects).toContainEqual(expect.objectContaining({ kind: 'procedureResolved' }));
  });

  it.each(everyStep)('$name: asking for a person hands over (customer_request)', async ({ stage }) => {
    const result = await engineWith().engine.turn(at(stage), input('can i talk to a real person please'));
    expect(result.conversation.stage).toMatchObject({ kind: 'handoff', handoff: { request: { reason: 'customer_request' } } });
    expect(texts(result).at(-1)).toBe(handoff.questions.name.ask);
  });

  it.each(everyStep)('$name: cancelling stops the procedure', async ({ stage }) => {
    const result = await engineWith().engine.turn(at(stage), input('cancel'));
    expect(texts(result)).toEqual([messages.cancelled]);
    expect(result.conversation.stage).toEqual({ kind: 'idle' });
    expect(result.conversation.record.outcomes).toEqual([expect.objectContaining({ result: 'cancelled' })]);
  });
});

describe('at every stage of the handoff', () => {
  it.each(everyInterviewStage)(
    '$name: a hazard gets the safety instruction first; the handoff goes on as a safety one, answers kept',
    async ({ stage }) => {
      const { engine } = engineWith();
      const result = await engine.turn(at(stage), input('omg theres smoke coming out of the charger now'));
      expect(texts(result)[0]).toBe(item('safety_instruction'));
      expect(texts(result)).toContain(messages.handoffStarting.replace('{reason}', messages.handoffReasons.safety_hazard));
      expect(result.conversation.stage).toMatchObject({
        kind: 'handoff',
        handoff: {
          request: { reason: 'safety_hazard' },
          interview: { answers: { name: 'Sam Taylor', email: 'sam@example.com' }, essentialOnly: true },
        },
      });
    },
  );

  it.each(everyInterviewStage)('$name: the cable coming free asks whether a person is still wanted', async ({ stage }) => {
    const { engine, tickets } = engineWith();
    const freed = await engine.turn(at(stage), input('oh wait it just came out!'));
    expect(texts(freed)).toEqual([handoff.stillWanted, handoff.stillWantedQuestion]);
    expect(freed.replies.at(-1)?.buttons).toEqual([handoff.buttons.keepGoing, handoff.buttons.noLonger]);

    const noLonger = await engine.turn(freed.conversation, input('no thanks'));
    expect(texts(noLonger)[0]).toBe(handoff.noLongerWanted);
    expect(noLonger.conversation.record.outcomes).toEqual([expect.objectContaining({ result: 'freed' })]);
    expect(tickets.submissions()).toBe(0);

    const stillWanted = await engine.turn(freed.conversation, input(handoff.buttons.keepGoing));
    expect(texts(stillWanted)[0]).toBe(handoff.continuing);
    expect(stillWanted.conversation.stage).toMatchObject({
      kind: 'handoff',
      handoff: { interview: (stage as Extract<Stage, { kind: 'handoff' }>).handoff.interview },
    });
  });

  it.each(everyInterviewStage)('$name: asking for a person says one is on the way and asks the same again', async ({ stage }) => {
    const { engine } = engineWith();
    const result = await engine.turn(at(stage), input('i just want to speak to a human'));
    expect(texts(result)[0]).toBe(handoff.alreadyInProgress);
    expect(result.conversation.stage).toEqual(stage);
  });

  it.each(everyInterviewStage)('$name: cancelling ends the handoff and creates nothing', async ({ stage }) => {
    const { engine, tickets } = engineWith();
    const result = await engine.turn(at(stage), input('cancel'));
    expect(texts(result)).toEqual([handoff.cancelled]);
    expect(result.conversation.stage).toEqual({ kind: 'idle' });
    expect(tickets.submissions()).toBe(0);
  });

  it.each(everyInterviewStage)('$name: a question is answered, then the same is asked again', async ({ stage }) => {
    const { engine } = engineWith();
    const result = await engine.turn(at(stage), input('can i use a screwdriver to get it out?'));
    expect(texts(result).slice(0, 2)).toEqual([item('never_lever'), messages.faqResume]);
    expect(result.conversation.stage).toEqual(stage);
  });
});

describe('at the rating', () => {
  const rating: Stage = { kind: 'rating', attempts: 0 };

  it('a hazard gets the safety instruction and a safety_hazard handoff', async () => {
    const result = await engineWith().engine.turn(at(rating), input('the charger is making a crackling noise and smells of burning'));
    expect(texts(result)[0]).toBe(item('safety_instruction'));
    expect(result.conversation.stage).toMatchObject({ kind: 'handoff', handoff: { request: { reason: 'safety_hazard' } } });
  });

  it('asking for a person hands over; cancelling skips the rating', async () => {
    const person = await engineWith().engine.turn(at(rating), input('actually can someone call me'));
    expect(person.conversation.stage).toMatchObject({ kind: 'handoff', handoff: { request: { reason: 'customer_request' } } });
    const cancelled = await engineWith().engine.turn(at(rating), input('cancel'));
    expect(texts(cancelled)).toEqual([messages.ratingSkipped]);
    expect(cancelled.conversation.stage).toEqual({ kind: 'idle' });
  });

  it('a score is kept with the outcome it rates', async () => {
    const stored = {
      ...at(rating),
      record: {
        transcript: [],
        tickets: [],
        outcomes: [{ result: 'freed' as const, scenario: 'stuck_in_car', step: 'unlock_car', at: '2026-12-01T00:00:00.000Z' }],
      },
    };
    const result = await engineWith().engine.turn(stored, input('4 stars'));
    expect(texts(result)).toEqual([messages.ratingThanks]);
    expect(result.conversation.record.outcomes[0].rating).toBe(4);
    expect(result.effects).toContainEqual({ kind: 'rated', score: 4 });
  });
});

describe('one reading of each message', () => {
  const conversation = [
    'my cable is stuck in the car',
    'no still stuck',
    'what does the emergency release do?',
    'talk to a person',
    'Sam Taylor',
    'there is a burning smell now',
    'sam@example.com',
    'LS1 4AP',
    'Yes, create it',
    'thanks',
  ];

  it('asks the recognizer exactly once a turn, at every stage, whatever interrupts', async () => {
    const { recognizer, counter } = countingRecognizer();
    const { engine } = engineWith(recognizer);
    let stored = newConversation();
    for (const text of conversation) {
      counter.recognized = 0;
      stored = (await engine.turn(stored, input(text))).conversation;
      expect({ text, recognized: counter.recognized }).toEqual({ text, recognized: 1 });
    }
  });
});
