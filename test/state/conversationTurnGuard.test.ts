import { setImmediate as nextRoundTrip, setTimeout as sleep } from 'node:timers/promises';
import { ActivityTypes, DeliveryModes, TestAdapter, type TurnContext } from 'botbuilder';
import pino from 'pino';
import { loadMessages } from '../../src/content/messages';
import { ConversationLock, MemoryLockBackend, type LockBackend } from '../../src/state/conversationLock';
import { ConversationTurnGuard, type GuardedState, turnAdmissionKey } from '../../src/state/conversationTurnGuard';
import { MemoryRedeliveryLedger, type RedeliveryLedger } from '../../src/state/redeliveryLedger';
import { ETagConflictError } from '../../src/state/stateErrors';

const messages = loadMessages();
const timings = { ttlMs: 5_000, waitMs: 100, retryMs: 5 };
class RedisDownError extends Error {}

function guardedBot(
  logic: (context: TurnContext) => Promise<void>,
  lockBackend: LockBackend = new MemoryLockBackend(),
  ledger: RedeliveryLedger = new MemoryRedeliveryLedger({ ttlSeconds: 60, maxEntries: 100 }),
  state: GuardedState = {
    load: async () => ({}),
    holdSaves: () => undefined,
    saveHeld: async (_context, alongside) => void (await alongside()),
  },
  recoverTurn?: (context: TurnContext, error: Error) => Promise<void>,
) {
  const turnErrors: unknown[] = [];
  const guard = new ConversationTurnGuard({
    lock: new ConversationLock(lockBackend, timings),
    ledger,
    state,
    messages,
    logger: pino({ level: 'silent' }),
    isStateUnavailable: (error) => error instanceof RedisDownError,
    recoverTurn: async (context, error) => {
      turnErrors.push(error);
      await recoverTurn?.(context, error);
    },
  });
  const adapter = new TestAdapter(logic).use(guard);
  const say = (text: string, id: string, deliveryMode?: string) =>
    adapter.processActivity({ type: ActivityTypes.Message, text, id, deliveryMode });
  const replies = () => adapter.activeQueue.splice(0).map((activity) => activity.text);
  return { adapter, guard, say, replies, turnErrors, lockBackend };
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
      renew: () => Promise.resolve(false),
      release: () => Promise.resolve(),
    };
    const bot = guardedBot(async (context) => {
      await context.sendActivity('never');
    }, unreachable);
    await bot.say('hello', 'a-1');
    expect(bot.replies()).toEqual([messages.stateUnavailable]);
    expect(bot.turnErrors).toEqual([]);
  });

  test('a save refused because a later turn saved first: the user is asked to send it again, nothing is recovered, the lock is released', async () => {
    const bot = guardedBot(async (context) => {
      if (context.activity.text === 'late') throw new ETagConflictError('test/conversations/Convo1/');
      await context.sendActivity('fine');
    });
    await bot.say('late', 'a-1');
    await bot.say('next', 'a-2');
    expect(bot.replies()).toEqual([messages.turnBusy, 'fine']);
    expect(bot.turnErrors).toEqual([]);
  });

  test('the saves of a turn are held and written at its end, before the mark and the release', async () => {
    const sent: string[] = [];
    let held = false;
    const lockBackend = new MemoryLockBackend();
    const release = lockBackend.release.bind(lockBackend);
    lockBackend.release = (key, token) => (sent.push('release'), release(key, token));
    const ledger = new MemoryRedeliveryLedger({ ttlSeconds: 60, maxEntries: 100 });
    const mark = ledger.markProcessed.bind(ledger);
    ledger.markProcessed = (key, id) => (sent.push('mark'), mark(key, id));
    const state = {
      load: async () => ({}),
      holdSaves: () => void (held = true),
      saveHeld: async (_context: TurnContext, alongside: () => Promise<unknown>) => {
        if (held) sent.push('save');
        held = false;
        await alongside();
      },
    };
    const bot = guardedBot(
      async (context) => {
        sent.push(held ? 'turn, saves held' : 'turn');
        await context.sendActivity('fine');
      },
      lockBackend,
      ledger,
      state,
    );
    await bot.say('hello', 'a-1', DeliveryModes.ExpectReplies);
    expect(sent).toEqual(['turn, saves held', 'save', 'mark', 'release']);
  });

  test.each([
    ['a later turn saved first', new ETagConflictError('test/conversations/Convo1/'), messages.turnBusy],
    ['state is unreachable', new RedisDownError('Connection is closed.'), messages.stateUnavailable],
  ])('a held save refused at the end because %s is answered, and the lock is released', async (_why, error, answer) => {
    let fail = true;
    const state = {
      load: async () => ({}),
      holdSaves: () => undefined,
      saveHeld: async (_context: TurnContext, alongside: () => Promise<unknown>) => {
        await alongside();
        if (fail) throw error;
      },
    };
    const bot = guardedBot(
      async (context) => {
        await context.sendActivity(`echo ${context.activity.text}`);
      },
      undefined,
      undefined,
      state,
    );
    await bot.say('first', 'a-1');
    fail = false;
    await bot.say('next', 'a-2');
    expect(bot.replies()).toEqual(['echo first', answer, 'echo next']);
    expect(bot.turnErrors).toEqual([]);
  });

  test('a turn its admission refuses runs nothing, is not marked and leaves the lock free', async () => {
    let applied = 0;
    const lockBackend = new MemoryLockBackend();
    const guard = guardedBot(async () => undefined, lockBackend);
    let admission: { allowed: boolean } = { allowed: false };
    const adapter = new TestAdapter(async (context) => {
      applied++;
      await context.sendActivity(`echo ${context.activity.text}`);
    }).use({ onTurn: (context, next) => (context.turnState.set(turnAdmissionKey, Promise.resolve(admission)), next()) }, guard.guard);
    await adapter.processActivity({ type: ActivityTypes.Message, text: 'too many', id: 'a-1' });
    expect(applied).toBe(0);
    expect(adapter.activeQueue.splice(0)).toEqual([]);
    // Given back without being waited for: free once the release has run.
    await nextRoundTrip();
    expect(await lockBackend.tryAcquire('test/conversations/Convo1', 'someone', 1_000)).toBe(true);
    await lockBackend.release('test/conversations/Convo1', 'someone');

    admission = { allowed: true };
    await adapter.processActivity({ type: ActivityTypes.Message, text: 'too many', id: 'a-1' });
    expect(applied).toBe(1);
    expect(adapter.activeQueue.splice(0).map((activity) => activity.text)).toEqual(['echo too many']);
  });

  test('other errors go to the turn recovery, and the lock is released', async () => {
    const bot = guardedBot(async (context) => {
      if (context.activity.text === 'boom') throw new Error('bug');
      await context.sendActivity('fine');
    });
    await bot.say('boom', 'a-1');
    await bot.say('next', 'a-2');
    expect(bot.turnErrors).toEqual([new Error('bug')]);
    expect(bot.replies()).toEqual(['fine']);
  });

  test('a turn that throws is recovered under the lock: the next turn of the conversation waits for it', async () => {
    const order: string[] = [];
    const recoverSlowly = async () => {
      await sleep(30);
      order.push('recovered');
    };
    const bot = guardedBot(
      async (context) => {
        if (context.activity.text === 'boom') throw new Error('bug');
        order.push('next turn');
      },
      undefined,
      undefined,
      undefined,
      recoverSlowly,
    );
    const failing = bot.say('boom', 'a-1');
    await sleep(5);
    await Promise.all([failing, bot.say('next', 'a-2')]);
    expect(order).toEqual(['recovered', 'next turn']);
  });

  describe('with expectReplies, where replies leave after the turn', () => {
    const failingBot = (recoverTurn?: (context: TurnContext) => Promise<void>, repliesFirst = false) => {
      let attempts = 0;
      const bot = guardedBot(
        async (context) => {
          attempts++;
          if (repliesFirst) await context.sendActivity('first step');
          throw new Error('bug');
        },
        undefined,
        undefined,
        undefined,
        recoverTurn,
      );
      return { ...bot, attempts: () => attempts };
    };
    const sayTwice = async (bot: ReturnType<typeof failingBot>) => {
      await bot.say('hello', 'a-1', DeliveryModes.ExpectReplies);
      await bot.say('hello', 'a-1', DeliveryModes.ExpectReplies);
    };

    test('a turn that replied and then failed is not run again on redelivery', async () => {
      const bot = failingBot(undefined, true);
      await sayTwice(bot);
      expect(bot.attempts()).toBe(1);
    });

    test("a failed turn's apology is marked with the turn, so a redelivery is not run again", async () => {
      const bot = failingBot(async (context) => {
        await context.sendActivity('sorry');
      });
      await sayTwice(bot);
      expect(bot.attempts()).toBe(1);
    });

    test("a reply sent after the turn (the adapter's error handler) is marked too", async () => {
      const bot = failingBot(async () => {
        throw new Error('recovery failed');
      });
      bot.adapter.onTurnError = async (context) => {
        await context.sendActivity('sorry');
      };
      await sayTwice(bot);
      expect(bot.attempts()).toBe(1);
    });
  });

  describe('round trips', () => {
    /**
     * A guarded bot that answers "answer"; its lock, ledger and state take a round trip each and log
     * when each call is sent and answered; the bot logs when its reply goes out and when it is sent.
     */
    function recordedBot({ firstCheckFails = false } = {}) {
      const events: string[] = [];
      let checks = 0;
      let held = false;
      const locks = new MemoryLockBackend();
      const ledger = new MemoryRedeliveryLedger({ ttlSeconds: 60, maxEntries: 100 });
      const roundTrip = async <T>(name: string, call: () => Promise<T>): Promise<T> => {
        events.push(`${name} sent`);
        await nextRoundTrip();
        const result = await call();
        events.push(`${name} answered`);
        return result;
      };
      const bot = guardedBot(
        async (context) => {
          context.onSendActivities(async (_context, _activities, send) => {
            events.push('reply goes out');
            return send();
          });
          await context.sendActivity('answer');
          events.push('replied');
        },
        {
          tryAcquire: (key, token, ttlMs) => roundTrip('lock', () => locks.tryAcquire(key, token, ttlMs)),
          renew: (key, token, ttlMs) => locks.renew(key, token, ttlMs),
          release: (key, token) => roundTrip('release', () => locks.release(key, token)),
        },
        {
          wasProcessed: (key, id) =>
            roundTrip('check', async () => {
              if (firstCheckFails && checks++ === 0) throw new RedisDownError('blip');
              return ledger.wasProcessed(key, id);
            }),
          markProcessed: (key, id) => roundTrip('mark', () => ledger.markProcessed(key, id)),
        },
        {
          load: (_context, force) => roundTrip(force ? 'read again' : 'read', async () => ({})),
          holdSaves: () => void (held = true),
          saveHeld: async (_context, alongside) => {
            const writing = held ? roundTrip('save', async () => undefined) : undefined;
            held = false;
            await Promise.all([writing, alongside()]);
          },
        },
      );
      return { bot, events, locks };
    }

    test('the redelivery check and the state read go out with the lock, before its answer', async () => {
      const { bot, events } = recordedBot();
      await bot.say('hello', 'a-1');
      expect(events.slice(0, 3)).toEqual(['lock sent', 'check sent', 'read sent']);
    });

    test('after waiting for the lock, the check and the read are done again under it', async () => {
      const { bot, events, locks } = recordedBot();
      await locks.tryAcquire('test/conversations/Convo1', 'someone else', 60_000);
      setTimeout(() => void locks.release('test/conversations/Convo1', 'someone else'), 20);
      await bot.say('hello', 'a-1');
      const acquired = events.lastIndexOf('lock answered');
      // What goes out once the lock is held; answers to the earlier, refused attempt may still arrive
      // in between on a loaded machine.
      const sentAfter = events.slice(acquired + 1).filter((event) => event.endsWith(' sent'));
      expect(sentAfter.slice(0, 2)).toEqual(['check sent', 'read again sent']);
    });

    test('a check that failed alongside the lock is done again under it, and the turn goes on', async () => {
      const { bot, events } = recordedBot({ firstCheckFails: true });
      await bot.say('hello', 'a-1');
      const acquired = events.indexOf('lock answered');
      expect(events.slice(acquired + 1, acquired + 3)).toEqual(['check sent', 'read again sent']);
      expect(events).toContain('replied');
    });

    test('a redelivery that waited for the first delivery to finish is dropped', async () => {
      let applied = 0;
      let letFirstAnswer = () => {};
      const firstMayAnswer = new Promise<void>((resolve) => (letFirstAnswer = resolve));
      const bot = guardedBot(async (context) => {
        applied++;
        await firstMayAnswer;
        await context.sendActivity('answer');
      });
      const first = bot.say('hello', 'a-1');
      await sleep(10);
      // Checked while the first delivery was unmarked; then waits for the lock.
      const redelivery = bot.say('hello', 'a-1');
      await sleep(10);
      letFirstAnswer();
      await Promise.all([first, redelivery]);
      expect(applied).toBe(1);
      expect(bot.replies()).toEqual(['answer']);
    });

    test('with expectReplies nothing is marked while the turn runs; the save, the mark and the release go out together, in that order', async () => {
      const { bot, events } = recordedBot();
      await bot.say('hello', 'a-1', DeliveryModes.ExpectReplies);
      expect(events.slice(events.indexOf('replied'))).toEqual([
        'replied',
        'save sent',
        'mark sent',
        'release sent',
        'save answered',
        'mark answered',
        'release answered',
      ]);
      await bot.say('hello', 'a-1', DeliveryModes.ExpectReplies);
      expect(events.filter((event) => event === 'replied')).toHaveLength(1);
    });

    test('replies posted to the channel are marked before the first one goes out', async () => {
      const { bot, events } = recordedBot();
      await bot.say('hello', 'a-1');
      expect(events.indexOf('mark answered')).toBeLessThan(events.indexOf('reply goes out'));
    });
  });
});
