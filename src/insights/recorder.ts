import { hashId, type Logger } from '../logger';
import type { RedisClient } from '../state/redisClient';
import { isRedisUnavailable } from '../state/redisClient';
import { dayOf } from './days';
import { type InsightEvent, insightEventSchema, type MisunderstoodEntry } from './events';
import { redact } from './redact';
import type { Counters, InsightsStore } from './store';

/** Longest misunderstood message kept, after redaction. */
const maxTextChars = 500;

export interface RecordOptions {
  /** What the driver told the bot about themselves (name, town...): removed from `misunderstood` text. */
  personal?: readonly string[];
}

/** The port the conversation engine calls; recording never waits and never throws. */
export interface InsightsRecorder {
  record(conversationId: string, event: InsightEvent, options?: RecordOptions): void;
  /** A turn's events, written together. */
  recordTurn(conversationId: string, events: readonly InsightEvent[], options?: RecordOptions): void;
}

type Parsed = ReturnType<(typeof insightEventSchema)['parse']>;

/** The counters one event adds to its day. Names are `kind|id|id...`; ids never hold a `|`. */
export function countersOf(event: Parsed): Counters {
  const name = (...parts: (string | number)[]) => parts.join('|');
  switch (event.type) {
    case 'procedure_started':
      return { [name('started', event.procedure)]: 1 };
    case 'step_reached':
      return { [name('reached', event.procedure, event.step)]: 1 };
    case 'step_outcome':
      return { [name('outcome', event.procedure, event.step, event.outcome)]: 1 };
    case 'procedure_ended':
      return {
        [name('ended', event.procedure, event.result)]: 1,
        ...(event.step && { [name('endedAt', event.procedure, event.step, event.result)]: 1 }),
      };
    case 'handoff':
      return {
        [name('handoff', event.reason)]: 1,
        ...(event.procedure && { [name('handedOff', event.procedure)]: 1 }),
        ...(event.procedure && event.step && { [name('handedOffAt', event.procedure, event.step)]: 1 }),
      };
    case 'rating':
      return { [name('rating', event.score)]: 1 };
    case 'misunderstood':
      return { [name('misunderstood', event.why)]: 1 };
  }
}

/**
 * Checks each event, redacts, and hands it to the store without waiting: a turn never waits for
 * the insights, and a store that fails (Redis down) costs a log line, not the turn. A turn's events
 * go to the store as one write: their counters summed, with the message not understood, if any.
 */
export function createInsightsRecorder(deps: {
  store: InsightsStore;
  logger: Logger;
  redis?: RedisClient;
  now?: () => Date;
}): InsightsRecorder {
  const { store, logger, redis } = deps;
  const now = deps.now ?? (() => new Date());
  const record = (conversationId: string, events: readonly InsightEvent[], options: RecordOptions) => {
    const at = now();
    const conversation = hashId(conversationId);
    const counters: Counters = {};
    const entries: MisunderstoodEntry[] = [];
    for (const event of events) {
      const parsed = insightEventSchema.safeParse(event);
      if (!parsed.success) {
        logger.warn(
          { insight: event.type, problems: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`) },
          'insight event dropped: not of the documented shape',
        );
        continue;
      }
      for (const [name, count] of Object.entries(countersOf(parsed.data))) counters[name] = (counters[name] ?? 0) + count;
      if (parsed.data.type === 'misunderstood') {
        const { text, stage, procedure, step, topLabels, why } = parsed.data;
        entries.push({
          at: at.toISOString(),
          conversation,
          text: redact(text, options.personal).slice(0, maxTextChars),
          stage,
          procedure,
          step,
          topLabels,
          why,
        });
      }
    }
    const writes =
      entries.length > 0
        ? entries.map((entry, i) => (i === 0 ? ([counters, entry] as const) : ([{}, entry] as const)))
        : [[counters, undefined] as const];
    for (const [add, entry] of writes) {
      if (Object.keys(add).length === 0 && !entry) continue;
      store.add(dayOf(at), add, entry).catch((error: unknown) => {
        // During a Redis outage every turn would say so: the state client logs the outage once.
        const quiet = redis !== undefined && isRedisUnavailable(redis, error);
        logger[quiet ? 'debug' : 'error'](
          { err: error, insight: events.map((event) => event.type).join(','), conversation },
          'insight event not recorded',
        );
      });
    }
  };
  const guarded = (conversationId: string, events: readonly InsightEvent[], options: RecordOptions = {}) => {
    try {
      record(conversationId, events, options);
    } catch (error) {
      logger.error({ err: error, insight: events.map((event) => event?.type).join(',') }, 'insight event not recorded');
    }
  };
  return {
    record: (conversationId, event, options) => guarded(conversationId, [event], options),
    recordTurn: (conversationId, events, options) => guarded(conversationId, events, options),
  };
}
