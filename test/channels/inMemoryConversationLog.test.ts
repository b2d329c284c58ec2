import { InMemoryConversationLog } from '../../src/channels/directLine/conversationLog';

describe('InMemoryConversationLog', () => {
  let clock = 0;
  const log = () => new InMemoryConversationLog(60, () => clock);
  beforeEach(() => {
    clock = 0;
  });

  test('a conversation starts once and reads back after a watermark', async () => {
    const conversations = log();
    expect(await conversations.start('c-1')).toBe(true);
    expect(await conversations.start('c-1')).toBe(false);
    await conversations.append('c-1', { text: 'one' });
    await conversations.append('c-1', { text: 'two' });
    expect(await conversations.read('c-1', 1)).toEqual({ activities: [{ text: 'two' }], watermark: '2' });
  });

  test('each append starts the TTL again; a conversation left for the TTL is forgotten', async () => {
    const conversations = log();
    await conversations.start('c-1');
    clock = 50_000;
    await conversations.append('c-1', { text: 'one' });
    clock = 100_000;
    expect((await conversations.read('c-1', 0)).activities).toEqual([{ text: 'one' }]);
    clock = 110_000;
    expect(await conversations.read('c-1', 0)).toEqual({ activities: [], watermark: '0' });
    expect(await conversations.start('c-1')).toBe(true);
  });

  test('an expired conversation is gone from memory even if nobody asks for it again', async () => {
    const conversations = log();
    await conversations.append('c-1', { text: 'old' });
    clock = 60_000;
    await conversations.start('c-2');
    clock = 0; // were it still held, it would be live again at this time
    expect((await conversations.read('c-1', 0)).activities).toEqual([]);
  });
});
