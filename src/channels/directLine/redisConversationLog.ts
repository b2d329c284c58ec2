import type { Activity } from 'botbuilder';
import { Cluster } from 'ioredis';
import type { Logger } from '../../logger';
import { parseJsonObject } from '../../state/jsonObject';
import { type RedisClient, type ScriptCommand, scriptCommand } from '../../state/redisClient';
import {
  type ActivityPage,
  type ConversationLog,
  type LogEvent,
  type LogLimits,
  type LogListener,
  LogWatchers,
  maxPageActivities,
} from './conversationLog';
import { fitPage, formatWatermark, type LogPosition, newEpoch } from './watermark';

/**
 * Appends, then drops the oldest entries while the log holds more than its caps allow (never the
 * one just appended), counting the dropped ones so positions stay valid; refreshes both keys' TTL
 * and announces the append. KEYS: activities, meta. ARGV: entry, max entries, max bytes, TTL,
 * epoch for a new log, announcement channel.
 */
const appendLua = `
local length = redis.call('RPUSH', KEYS[1], ARGV[1])
local bytes = redis.call('HINCRBY', KEYS[2], 'bytes', string.len(ARGV[1]))
local dropped = 0
while length > 1 and (length > tonumber(ARGV[2]) or bytes > tonumber(ARGV[3])) do
  bytes = redis.call('HINCRBY', KEYS[2], 'bytes', -string.len(redis.call('LPOP', KEYS[1])))
  length = length - 1
  dropped = dropped + 1
end
if dropped > 0 then redis.call('HINCRBY', KEYS[2], 'dropped', dropped) end
redis.call('HSETNX', KEYS[2], 'epoch', ARGV[5])
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', ARGV[6], '{"kind":"appended"}')
return length
`;

/**
 * One page from the asked position: the same rule as `startIndex` (its epoch and in range, or the
 * oldest kept), read in one step so a concurrent drop cannot shift it. KEYS: activities, meta.
 * ARGV: asked epoch ('' for none), asked position, page length. Answers {} for no log, else
 * {epoch, position of the first entry, entries...}.
 */
const readLua = `
local meta = redis.call('HMGET', KEYS[2], 'epoch', 'dropped')
if not meta[1] then return {} end
local dropped = tonumber(meta[2] or '0')
local length = redis.call('LLEN', KEYS[1])
local index = tonumber(ARGV[2]) - dropped
if ARGV[1] ~= meta[1] or index < 0 or index > length then index = 0 end
local page = redis.call('LRANGE', KEYS[1], index, index + tonumber(ARGV[3]) - 1)
return {meta[1], dropped + index, unpack(page)}
`;

/**
 * The activity log in Redis: per conversation a list of activities (JSON) and a hash with the log's
 * epoch, the number of entries dropped from its head and the bytes it holds. Both expire together,
 * a TTL after the last activity, like the conversation state does. The conversation id is the
 * Cluster hash tag, so both keys live in one slot and the scripts work on a Cluster too.
 *
 * Appends are announced on a channel per conversation (Redis pub/sub); an instance subscribes to
 * the conversations it has streams open for, on a connection of its own. Pub/sub drops what is
 * published while that connection is down, so when it is back every watched conversation reads again.
 */
export class RedisConversationLog implements ConversationLog {
  private readonly appendScript: ScriptCommand;
  private readonly readScript: ScriptCommand<(string | number)[]>;
  private subscriber?: RedisClient;
  private readonly watchers = new LogWatchers({
    // Once subscribed, read again: what was appended while the subscription was on its way was not announced to it.
    onFirst: (conversationId) =>
      void this.subscriberConnection()
        .subscribe(this.channel(conversationId))
        .then(
          () => this.watchers.emit(conversationId, { kind: 'appended' }),
          (error: unknown) => this.logSubscriptionError(error),
        ),
    onLast: (conversationId) =>
      void this.subscriber?.unsubscribe(this.channel(conversationId)).catch((error: unknown) => this.logSubscriptionError(error)),
  });

  constructor(
    private readonly redis: RedisClient,
    private readonly options: { keyPrefix: string; ttlSeconds: number; limits: LogLimits; logger: Logger },
  ) {
    this.appendScript = scriptCommand(redis, 'evbotDirectLineAppend', 2, appendLua);
    this.readScript = scriptCommand<(string | number)[]>(redis, 'evbotDirectLineRead', 2, readLua);
  }

  async start(conversationId: string): Promise<boolean> {
    const meta = this.metaKey(conversationId);
    const results = await this.redis.multi().hsetnx(meta, 'epoch', newEpoch()).expire(meta, this.options.ttlSeconds).exec();
    const failed = results?.find(([error]) => error)?.[0];
    if (failed) throw failed;
    return results?.[0]?.[1] === 1;
  }

  async append(conversationId: string, activity: Partial<Activity>): Promise<void> {
    const { limits, ttlSeconds } = this.options;
    await this.appendScript(
      this.activitiesKey(conversationId),
      this.metaKey(conversationId),
      JSON.stringify(activity),
      limits.maxActivities,
      limits.maxBytes,
      ttlSeconds,
      newEpoch(),
      this.channel(conversationId),
    );
  }

  /** An entry that is not a JSON object (written by something else) is left out; the watermark still counts it. */
  async read(conversationId: string, from: LogPosition): Promise<ActivityPage> {
    const reply = await this.readScript(
      this.activitiesKey(conversationId),
      this.metaKey(conversationId),
      from.epoch ?? '',
      from.position,
      maxPageActivities,
    );
    if (reply.length === 0) return { activities: [], watermark: from.epoch ? formatWatermark(from.position, from.epoch) : '' };
    const [epoch, first, ...entries] = reply as [string, number, ...string[]];
    const page = fitPage(entries, this.options.limits.maxPageBytes, (json) => Buffer.byteLength(json));
    return {
      activities: page.flatMap((json) => (parseJsonObject(json) as Partial<Activity> | undefined) ?? []),
      watermark: formatWatermark(first + page.length, epoch),
    };
  }

  async broadcast(conversationId: string, activity: Partial<Activity>): Promise<void> {
    const event: LogEvent = { kind: 'ephemeral', activity };
    await this.redis.publish(this.channel(conversationId), JSON.stringify(event));
  }

  watch(conversationId: string, listener: LogListener): () => void {
    return this.watchers.add(conversationId, listener);
  }

  async close(): Promise<void> {
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    subscriber?.disconnect();
  }

  /** Made at the first stream; it queues its subscriptions until connected, unlike the fail-fast command client. */
  private subscriberConnection(): RedisClient {
    if (this.subscriber) return this.subscriber;
    const subscriber =
      this.redis instanceof Cluster
        ? this.redis.duplicate([], { enableOfflineQueue: true })
        : this.redis.duplicate({ enableOfflineQueue: true });
    // The command client already reports outages; this one only must not crash on them.
    subscriber.on('error', (error: Error) => this.options.logger.debug({ err: error }, 'direct line announcements: redis unreachable'));
    let connectedBefore = false;
    subscriber.on('ready', () => {
      if (connectedBefore) this.watchers.emitToAll({ kind: 'appended' });
      connectedBefore = true;
    });
    subscriber.on('message', (channel: string, message: string) => {
      const event = parseJsonObject(message) as LogEvent | undefined;
      if (event) this.watchers.emit(this.conversationOfChannel(channel), event);
    });
    this.subscriber = subscriber;
    return subscriber;
  }

  private logSubscriptionError(error: unknown): void {
    this.options.logger.warn({ err: error }, 'direct line announcements: subscription failed; streams catch up when it is back');
  }

  private activitiesKey(conversationId: string): string {
    return `${this.options.keyPrefix}directline:{${conversationId}}:activities`;
  }

  private metaKey(conversationId: string): string {
    return `${this.options.keyPrefix}directline:{${conversationId}}:meta`;
  }

  private channel(conversationId: string): string {
    return `${this.options.keyPrefix}directline:{${conversationId}}:announced`;
  }

  private conversationOfChannel(channel: string): string {
    return channel.slice(channel.indexOf('{') + 1, channel.lastIndexOf('}'));
  }
}
