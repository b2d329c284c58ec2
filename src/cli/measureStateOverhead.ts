/**
 * Measures what conversation state in Redis adds to a turn: Redis round trips per turn and the
 * median turn latency with Redis store + lock + redelivery marks, against the in-memory setup.
 * Usage: npm run -s measure:state [-- turns]   (uses REDIS_URL, default redis://127.0.0.1:6379)
 * Writes only under its own random prefix and deletes those keys at the end.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { ActivityTypes, TestAdapter } from 'botbuilder';
import { loadConfig } from '../config';
import { loadMessages } from '../content/messages';
import { createLogger } from '../logger';
import { memoryConversationState, redisConversationState, type ConversationStateBackend } from '../state/conversationStateBackend';
import { createStateRedisClient, whenRedisReady, type RedisClient } from '../state/redisClient';
import { SnapshotConversationState } from '../state/snapshotConversationState';

/** Counts commands, and round trips as the times a command goes out while none is in flight. */
function countRoundTrips(client: RedisClient) {
  const counts = { commands: 0, roundTrips: 0 };
  let inFlight = 0;
  const send = client.sendCommand.bind(client);
  client.sendCommand = ((command: Parameters<typeof send>[0], ...rest: unknown[]) => {
    counts.commands++;
    if (inFlight++ === 0) counts.roundTrips++;
    command.promise.finally(() => inFlight--).catch(() => {});
    return (send as (...args: unknown[]) => unknown)(command, ...rest);
  }) as typeof client.sendCommand;
  return counts;
}

/** A turn as the bot takes it: load the conversation state, change it, reply, save it. */
async function runTurns(backend: ConversationStateBackend, turns: number): Promise<number[]> {
  const conversationState = new SnapshotConversationState(backend.storage);
  const progress = conversationState.createProperty<{ step: number }>('progress');
  const adapter = new TestAdapter(async (context) => {
    const current = await progress.get(context, { step: 0 });
    current.step++;
    await context.sendActivity(`step ${current.step}`);
    // As SupportBot.run does: saved once at the end of the turn.
    await conversationState.saveChanges(context);
  }).use(backend.turnGuard);
  const conversation = `measure-${randomBytes(4).toString('hex')}`;
  const durations: number[] = [];
  for (let i = 0; i < turns; i++) {
    const started = performance.now();
    await adapter.processActivity({
      type: ActivityTypes.Message,
      text: 'next',
      id: `activity-${i}`,
      conversation: { id: conversation, isGroup: false, name: conversation, conversationType: 'personal' },
    });
    durations.push(performance.now() - started);
  }
  return durations;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const turns = Number(process.argv[2] ?? 500);
  const url = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
  const prefix = `measure:${randomBytes(6).toString('hex')}:`;
  const config = loadConfig({ REDIS_URL: url, REDIS_KEY_PREFIX: prefix, LOG_LEVEL: 'silent' });
  const logger = createLogger(config);
  const messages = loadMessages();
  const client = createStateRedisClient(config.redis, logger);
  await whenRedisReady(client, 5_000);
  try {
    const memory = await runTurns(memoryConversationState(config, messages, logger), turns);
    const redisBackend = redisConversationState(client, config, messages, logger);
    await runTurns(redisBackend, 20); // warm-up: scripts loaded, connection settled
    const counts = countRoundTrips(client);
    const redis = await runTurns(redisBackend, turns);
    const ms = (value: number) => `${value.toFixed(3)} ms`;
    process.stdout.write(
      [
        `turns: ${turns} (one conversation, sequential; Redis at ${url})`,
        `Redis commands per turn: ${(counts.commands / turns).toFixed(2)}`,
        `Redis round trips per turn: ${(counts.roundTrips / turns).toFixed(2)}`,
        `median turn, memory state: ${ms(median(memory))}`,
        `median turn, Redis state:  ${ms(median(redis))}`,
        `median added by Redis store + lock + redelivery marks: ${ms(median(redis) - median(memory))}`,
        '',
      ].join('\n'),
    );
  } finally {
    const keys = await client.keys(`${prefix}*`);
    if (keys.length) await client.del(...keys);
    client.disconnect();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
  process.exit(1);
});
