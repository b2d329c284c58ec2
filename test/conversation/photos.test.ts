import { ConversationEngine, type TurnInput, type TurnResult } from '../../src/conversation/engine';
import { newConversation, type StoredConversation } from '../../src/conversation/conversationState';
import { createLogger } from '../../src/logger';
import { loadRecognizer } from '../../src/nlu/model';
import type { PhotoReference } from '../../src/photos/photoReference';
import { content, memoryTicketDelivery } from '../support/guidedChat';

const { messages } = content;
const recognizer = loadRecognizer();
const photo = (n: number): PhotoReference => ({
  id: `0123456789abcdef-${String(n).padStart(24, '0')}`,
  contentType: 'image/jpeg',
  bytes: 1000 + n,
});

function engineWith() {
  const tickets = memoryTicketDelivery();
  const engine = new ConversationEngine({
    content,
    recognizer,
    tickets,
    responseTime: 'within 24 hours',
    logger: createLogger({ env: 'test', logLevel: 'silent' }),
    photoLink: (ref, createdAt) =>
      `https://bot.example.com/api/photos/${ref.id}?expires=${Math.floor(createdAt.getTime() / 1000) + 3600}&sig=s`,
  });
  let conversation: StoredConversation = newConversation();
  const say = async (text: string, photos?: PhotoReference[]): Promise<TurnResult> => {
    const input: TurnInput = { kind: 'message', text, conversationId: 'photo-test', channelId: 'test', ...(photos ? { photos } : {}) };
    const result = await engine.turn(conversation, input);
    conversation = result.conversation;
    return result;
  };
  return { say, tickets, stored: () => conversation };
}

const texts = (result: TurnResult) => result.replies.map((reply) => reply.text);

describe('photos in the conversation', () => {
  it('a photo alone is acknowledged, answers no step, and is kept for the ticket', async () => {
    const chat = engineWith();
    await chat.say('my cable is stuck in the car');
    const stage = chat.stored().stage;
    const result = await chat.say('', [photo(1)]);
    expect(texts(result)).toEqual([messages.photoReceived]);
    expect(chat.stored().stage).toEqual(stage);
    expect(chat.stored().photos).toEqual([photo(1)]);
  });

  it('words sent with a photo are read as always: a hazard still gets the safety instruction', async () => {
    const chat = engineWith();
    await chat.say('my cable is stuck in the car');
    const result = await chat.say('there is smoke coming from the socket', [photo(2)]);
    expect(texts(result)[0]).toBe(messages.photoReceived);
    expect(result.effects).toContainEqual(expect.objectContaining({ kind: 'procedureHandedOff', reason: 'safety_hazard' }));
  });

  it('keeps the most recent 20 references only', async () => {
    const chat = engineWith();
    for (let n = 0; n < 25; n++) await chat.say('', [photo(n)]);
    expect(chat.stored().photos).toHaveLength(20);
    expect(chat.stored().photos!.at(-1)).toEqual(photo(24));
  });

  it('a ticket carries the photos with their links; a photo after it is told it went without', async () => {
    const chat = engineWith();
    await chat.say('the pin is bent', [photo(3)]);
    for (const answer of [
      'Sam Taylor',
      'sam@example.com',
      'LS1 4AP',
      messages.handoff.buttons.skip,
      messages.handoff.buttons.skip,
      messages.handoff.buttons.create,
    ])
      await chat.say(answer);
    const [ticket] = chat.tickets.tickets();
    expect(ticket.photos).toEqual([
      { ...photo(3), url: expect.stringMatching(/^https:\/\/bot\.example\.com\/api\/photos\/0123456789abcdef-0+3\?expires=\d+&sig=s$/) },
    ]);
    const after = await chat.say('', [photo(4)]);
    expect(texts(after)).toEqual([messages.photoAfterTicket.replace('{reference}', ticket.reference)]);
  });
});
