/**
 * Measures what conversation state in Redis adds to a turn: Redis round trips per turn and the
 * median turn latency with Redis store + lock + redelivery marks, against the in-memory setup.
 * Usage: npm run -s measure:state [-- turns]   (uses REDIS_URL, default redis://127.0.0.1:6379)
 * Writes only under its own random prefix and deletes those keys at the end.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ActivityTypes, DeliveryModes, TestAdapter } from 'botbuilder';
import { type Config, loadConfig } from '#service/config';
import { loadMessages } from '#service/content/messages';
import { createLogger } from '#service/logger';
import { memoryConversationState, redisConversationState, type ConversationStateBackend } from '#service/state/conversationStateBackend';
import { createStateRedisClient, whenRedisReady } from '#service/state/redisClient';
import { deleteKeysUnder } from '#service/state/redisKeys';
import { countRoundTrips } from './roundTripCounter';

/**
 * A turn as the bot takes it: load the conversation state, change it, reply, save it. With
 * `expectReplies` the replies leave with the answer to the request (the redelivery mark waits for
 * the end of the turn); otherwise they are posted as they are sent (Web Chat, Teams).
 */
async function runTurns(backend: ConversationStateBackend, turns: number, deliveryMode?: DeliveryModes): Promise<number[]> {
  const { conversationState } = backend;
  const progress = conversationState.createProperty<{ step: number }>('progress');
  const adapter = new TestAdapter(async (context) => {
    const current = await progress.get(context, { step: 0 });
    current.step++;
    await context.sendActivity(`step ${current.step}`);
    // As SupportBot.run does: saved once at the end of the turn.
    await conversationState.saveChanges(context);
  }).use(backend.createTurnGuard(rethrow));
  const conversation = `measure-${randomBytes(4).toString('hex')}`;
  const durations: number[] = [];
  for (let i = 0; i < turns; i++) {
    const started = performance.now();
    await adapter.processActivity({
      type: ActivityTypes.Message,
      text: 'next',
      id: `activity-${i}`,
      deliveryMode,
      conversation: { id: conversation, isGroup: false, name: conversation, conversationType: 'personal' },
    });
    durations.push(performance.now() - started);
  }
  return durations;
}

/** No recovery here: a failing turn fails the measurement. */
const rethrow = async (_context: unknown, error: Error) => {
  throw error;
};

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One delivery mode on its own state client: round trips counted from the first measured turn. */
async function measure(config: Config, deliveryMode: DeliveryModes | undefined, turns: number) {
  const logger = createLogger(config);
  const messages = loadMessages();
  const memory = await runTurns(memoryConversationState(config, messages, logger), turns, deliveryMode);
  const client = createStateRedisClient(config.redis, logger);
  try {
    await whenRedisReady(client, 5_000);
    const redisBackend = redisConversationState(client, config, messages, logger);
    await runTurns(redisBackend, 20, deliveryMode); // warm-up: scripts loaded, connection settled
    const counts = countRoundTrips(client);
    const redis = await runTurns(redisBackend, turns, deliveryMode);
    return { ...counts, memory: median(memory), redis: median(redis) };
  } finally {
    client.disconnect();
  }
}

async function main(): Promise<void> {
  const turns = Number(process.argv[2] ?? 500);
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `measure:${randomBytes(6).toString('hex')}:`;
  const config = loadConfig({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const ms = (value: number) => `${value.toFixed(3)} ms`;
  const lines = [`turns: ${turns} per delivery mode (one conversation, sequential; Redis at ${url})`];
  try {
    for (const [name, deliveryMode] of [
      ['replies posted', undefined],
      ['expectReplies', DeliveryModes.ExpectReplies],
    ] as const) {
      const result = await measure(config, deliveryMode, turns);
      lines.push(
        `${name}: Redis commands per turn ${(result.commands / turns).toFixed(2)}, round trips per turn ${(result.roundTrips / turns).toFixed(2)}; ` +
          `median turn ${ms(result.memory)} in memory, ${ms(result.redis)} with Redis (+${ms(result.redis - result.memory)})`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    // A failed clean-up is reported without hiding why the measurement failed.
    await deleteOwnKeys(config, prefix).catch((error: Error) =>
      process.stderr.write(`keys under ${prefix} not deleted: ${error.message}\n`),
    );
  }
}

async function deleteOwnKeys(config: Config, prefix: string): Promise<void> {
  const client = createStateRedisClient(config.redis, createLogger(config));
  try {
    await whenRedisReady(client, 5_000);
    await deleteKeysUnder(client, prefix);
  } finally {
    client.disconnect();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
