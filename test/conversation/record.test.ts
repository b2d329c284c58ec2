import { Registry } from 'prom-client';
import { createMetrics } from '../../src/observability/metrics';
import { MemoryStorage } from 'botbuilder';
import { Dialog, type DialogContext, type DialogState, type DialogTurnResult } from 'botbuilder-dialogs';
import { SupportBot } from '../../src/bot';
import { type ConversationRecord, ConversationRecords, conversationRecordProperty } from '../../src/conversation/conversationRecord';
import { handoffDialogId } from '../../src/conversation/handoffDialog';
import { MainDialog } from '../../src/conversation/mainDialog';
import type { HandoffRequest } from '../../src/handoff/handoffRequest';
import { createLogger } from '../../src/logger';
import { createTurnErrorHandler } from '../../src/turnErrorHandler';
import { SnapshotConversationState } from '../../src/state/snapshotConversationState';
import { conversationWith } from '../support/conversation';
import { content } from '../support/guidedChat';
import { loadRecognizer } from '../../src/nlu/model';

const { buttons } = content.messages;

/** Stands in for the handoff behind the same entry point, keeping what it was given. */
class RecordingHandoff extends Dialog<HandoffRequest> {
  readonly requests: HandoffRequest[] = [];
  constructor() {
    super(handoffDialogId);
  }
  override async beginDialog(dc: DialogContext, request?: HandoffRequest): Promise<DialogTurnResult> {
    this.requests.push(request!);
    return dc.endDialog();
  }
}

function botWithStorage() {
  const storage = new MemoryStorage();
  const conversationState = new SnapshotConversationState(storage);
  const dialogState = conversationState.createProperty<DialogState>('DialogState');
  const logger = createLogger({ env: 'test', logLevel: 'silent' });
  const handoff = new RecordingHandoff();
  const rootDialog = new MainDialog({
    recognizer: recognizer,
    content,
    records: new ConversationRecords(conversationState, logger),
    handoffDialog: handoff,
    logger,
    metrics: createMetrics(new Registry()),
  });
  const bot = new SupportBot({ conversationState, dialogState, rootDialog, messages: content.messages, logger });
  const chat = conversationWith(bot, createTurnErrorHandler({ conversationState, dialogState, messages: content.messages, logger }));
  const key = () => `test/conversations/${chat.conversationId}/`;
  const record = async () => (await storage.read([key()]))[key()][conversationRecordProperty] as ConversationRecord;
  /** Stores the record changed as `edit` says, as a hand edit or an older release might have left it. */
  const storeRecord = async (edit: (stored: ConversationRecord) => unknown) => {
    const item = (await storage.read([key()]))[key()];
    await storage.write({ [key()]: { ...item, [conversationRecordProperty]: edit(item[conversationRecordProperty]), eTag: '*' } });
  };
  return { chat, handoff, record, storeRecord };
}

const recognizer = loadRecognizer();

describe('what is kept with the conversation', () => {
  it('stores the outcome and the rating after the cable came free', async () => {
    const { chat, record } = botWithStorage();
    await chat.say('my cable is stuck in the car');
    await chat.say(buttons.stillStuck);
    await chat.say(buttons.freed);
    await chat.say('4');
    expect((await record()).outcomes).toEqual([
      expect.objectContaining({ result: 'freed', scenario: 'stuck_in_car', step: 'unlock_car', rating: 4 }),
    ]);
  });

  it('gives the handoff the reason, the scenario, the steps tried with outcomes, the entities and the transcript', async () => {
    const { chat, handoff, record } = botWithStorage();
    await chat.say('my Tesla has the cable stuck in the car and I already stopped it');
    await chat.say('nope');
    await chat.say(buttons.person);
    const [request] = handoff.requests;
    expect(request.reason).toBe('customer_request');
    expect(request.scenario).toBe('stuck_in_car');
    expect(request.stepsTried).toEqual([
      { procedure: 'stuck_in_car', step: 'end_session', outcome: 'tried_before' },
      { procedure: 'stuck_in_car', step: 'unlock_car', outcome: 'still_stuck' },
    ]);
    expect(request.entities).toMatchObject({ side: 'car', vehicleMake: 'Tesla' });
    expect(request.transcript.map((entry) => entry.from)).toContain('bot');
    expect(request.transcript.filter((entry) => entry.from === 'user').map((entry) => entry.text)).toEqual([
      'my Tesla has the cable stuck in the car and I already stopped it',
      'nope',
      buttons.person,
    ]);
    expect((await record()).outcomes).toEqual([expect.objectContaining({ result: 'handoff', reason: 'customer_request' })]);
  });

  it('caps the transcript', async () => {
    const { chat, record } = botWithStorage();
    await chat.say('my cable is stuck in the car');
    for (let i = 0; i < 40; i += 1) await chat.say('help');
    const { transcript } = await record();
    expect(transcript).toHaveLength(60);
    expect(transcript.at(-1)!.from).toBe('bot');
  });

  it.each([
    ['a transcript that is not a list', (stored: ConversationRecord) => ({ ...stored, transcript: 'lost' }), false],
    ['a broken transcript entry', (stored: ConversationRecord) => ({ ...stored, transcript: [...stored.transcript, { from: 'nobody' }] }), true],
    ['outcomes with a broken entry', (stored: ConversationRecord) => ({ ...stored, outcomes: [null] }), true],
    ['no record object at all', () => 'lost', false],
  ])('a stored record with %s: the conversation goes on, and what is whole is kept', async (_, edit, transcriptKept) => {
    const { chat, record, storeRecord } = botWithStorage();
    await chat.say('my cable is stuck in the car');
    const before = await record();
    await storeRecord(edit);

    expect(await chat.say(buttons.stillStuck)).not.toContain(content.messages.turnError);
    const after = await record();
    expect(after).toEqual({ transcript: expect.any(Array), outcomes: expect.any(Array), tickets: expect.any(Array) });
    expect(after.outcomes).not.toContain(null);
    const earlierTurns = transcriptKept ? before.transcript : [];
    expect(after.transcript.slice(0, earlierTurns.length + 1)).toEqual([...earlierTurns, expect.objectContaining({ from: 'user', text: buttons.stillStuck })]);
  });

  it('a repaired record keeps the tickets it lists, even one under a reason since renamed, so none is created twice', async () => {
    const { chat, record, storeRecord } = botWithStorage();
    await chat.say('my cable is stuck in the car');
    const ticket = { id: 'tkt_0123456789abcdef0123456789abcdef', reference: 'EVC-7K2Q9M', reason: 'renamed_reason', at: '2026-01-01T00:00:00.000Z' };
    await storeRecord((stored) => ({ ...stored, outcomes: 'broken', tickets: [ticket, { id: 42 }] }));

    await chat.say(buttons.stillStuck);
    expect((await record()).tickets).toEqual([ticket]);
  });
});
