import { ActivityTypes, TestAdapter, type TurnContext } from 'botbuilder';
import pino from 'pino';
import { loadMessages } from '../../src/content/messages';
import { ConversationLock, MemoryLockBackend, type LockBackend } from '../../src/state/conversationLock';
import { ConversationTurnGuard } from '../../src/state/conversationTurnGuard';
import { MemoryRedeliveryLedger } from '../../src/state/redeliveryLedger';

const messages = loadMessages();
const timings = { ttlMs: 5_000, waitMs: 100, retryMs: 5 };
class RedisDownError extends Error {}

function guardedBot(logic: (context: TurnContext) => Promise<void>, lockBackend: LockBackend = new MemoryLockBackend()) {
  const ledger = new MemoryRedeliveryLedger({ ttlSeconds: 60, maxEntries: 100 });
  const guard = new ConversationTurnGuard({
    lock: new ConversationLock(lockBackend, timings),
    ledger,
    messages,
    logger: pino({ level: 'silent' }),
    isStateUnavailable: (error) => error instanceof RedisDownError,
  });
  const adapter = new TestAdapter(logic).use(guard);
  const turnErrors: unknown[] = [];
  adapter.onTurnError = async (_context, error) => {
    turnErrors.push(error);
  };
  const say = (text: string, id: string) => adapter.processActivity({ type: ActivityTypes.Message, text, id });
  const replies = () => adapter.activeQueue.splice(0).map((activity) => activity.text);
  return { adapter, say, replies, turnErrors, lockBackend };
}

describe('ConversationTurnGuard', () => {
  test('a redelivered activity gets no second reply and changes nothing', async () => {
    let applied = 0;
    const bot = guardedBot(async (context) => {
      applied++;
      await context.sendActivity(`echo ${context.activity.text}`);
    });
    await bot.say('hello', 'a-1');
    await bot.say('hello', 'a-1');
    expect(bot.replies()).toEqual(['echo hello']);
    expect(applied).toBe(1);
  });

  test('a turn that failed before replying is retried in full when the channel redelivers it', async () => {
    let attempts = 0;
    const bot = guardedBot(async (context) => {
      if (++attempts === 1) throw new Error('state could not be read');
      await context.sendActivity('done');
    });
    await bot.say('hello', 'a-1');
    await bot.say('hello', 'a-1');
    expect(bot.turnErrors).toHaveLength(1);
    expect(bot.replies()).toEqual(['done']);
  });

  test('a turn that replied and then failed is not answered again on redelivery', async () => {
    let attempts = 0;
    const bot = guardedBot(async (context) => {
      attempts++;
      await context.sendActivity('first step');
      throw new Error('later failure');
    });
    await bot.say('hello', 'a-1');
    await bot.say('hello', 'a-1');
    expect(attempts).toBe(1);
    expect(bot.replies()).toEqual(['first step']);
  });

  test('a message that cannot get the conversation within the wait gets the "one moment" reply and is not run', async () => {
    let applied = 0;
    const lockBackend = new MemoryLockBackend();
    const bot = guardedBot(async () => {
      applied++;
    }, lockBackend);
    await lockBackend.tryAcquire('test/conversations/Convo1', 'someone else', 60_000);
    await bot.say('hello', 'a-1');
    expect(bot.replies()).toEqual([messages.turnBusy]);
    expect(applied).toBe(0);
  });

  test('when state is unreachable the user gets the outage message and no error escapes', async () => {
    const bot = guardedBot(async () => {
      throw new RedisDownError('Connection is closed.');
    });
    await bot.say('hello', 'a-1');
    expect(bot.replies()).toEqual([messages.stateUnavailable]);
    expect(bot.turnErrors).toEqual([]);
  });

  test('when the lock itself is unreachable the user gets the outage message', async () => {
    const unreachable: LockBackend = {
      tryAcquire: () => Promise.reject(new RedisDownError('Stream is not writeable')),
      release: () => Promise.resolve(),
    };
    const bot = guardedBot(async (context) => {
      await context.sendActivity('never');
    }, unreachable);
    await bot.say('hello', 'a-1');
    expect(bot.replies()).toEqual([messages.stateUnavailable]);
    expect(bot.turnErrors).toEqual([]);
  });

  test('other errors go on to the adapter error handler, and the lock is released', async () => {
    const bot = guardedBot(async (context) => {
      if (context.activity.text === 'boom') throw new Error('bug');
      await context.sendActivity('fine');
    });
    await bot.say('boom', 'a-1');
    await bot.say('next', 'a-2');
    expect(bot.turnErrors).toEqual([new Error('bug')]);
    expect(bot.replies()).toEqual(['fine']);
  });
});
