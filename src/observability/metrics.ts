import type { EventEmitter } from 'node:events';
import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';
import { collectDefaultMetrics, Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** How many tickets wait in the delivery queue, by state; supplied by the tickets module. */
export type QueueDepthSource = () => Promise<Partial<Record<QueueState, number>>>;
export type QueueState = 'waiting' | 'delayed' | 'active' | 'failed';

/**
 * Every metric the service exports, created once on the registry the composition root passes in.
 * Modules increment the counters they own (procedures, tickets, state); label values that come from
 * outside (channel ids, activity types, intents) are folded into known sets so that a hostile client
 * cannot grow the label space, and with it the memory.
 */
export interface Metrics {
  readonly registry: Registry;
  readonly turns: Counter<'channel' | 'type'>;
  readonly turnDuration: Histogram<'channel'>;
  /** Intents the recognizer was confident about; `none` is counted in `fallbacks` instead. */
  readonly intents: Counter<'intent'>;
  readonly fallbacks: Counter;
  readonly proceduresStarted: Counter<'procedure'>;
  /** Resolved without a person, at the step that freed the cable. */
  readonly proceduresResolved: Counter<'procedure' | 'step'>;
  /** Handed off to a person, by reason code (`customer_request`, `pin_damaged`...). */
  readonly proceduresHandedOff: Counter<'procedure' | 'reason'>;
  readonly ticketsDelivered: Counter<'destination'>;
  readonly ticketsRetried: Counter<'destination'>;
  /** By why: `refused` (the receiver said no for good, 4xx), `attempts_exhausted`, `invalid_ticket`. */
  readonly ticketsDeadLettered: Counter<'destination' | 'reason'>;
  readonly queueDepth: Gauge<'state'>;
  readonly redisErrors: Counter<'client'>;
  readonly rateLimited: Counter<'limit'>;
  readonly inputsRefused: Counter<'reason'>;
  /** The tickets module tells the gauge how to read the queue; read on every scrape. */
  setQueueDepthSource(source: QueueDepthSource): void;
  /** Counts `error` events of an ioredis client (or anything else that emits them). */
  watchRedisErrors(client: EventEmitter, name: string): void;
}

/** What the procedures count; containment is computed from these. */
export type ProcedureMetrics = Pick<Metrics, 'proceduresStarted' | 'proceduresResolved' | 'proceduresHandedOff'>;
/** What ticket delivery counts, by destination (the adapter's name). */
export type TicketMetrics = Pick<Metrics, 'ticketsDelivered' | 'ticketsRetried' | 'ticketsDeadLettered'>;
/** Why a ticket was given up: the `reason` of `evc_tickets_dead_lettered_total`. */
export const deadLetterReasons = ['refused', 'attempts_exhausted', 'invalid_ticket'] as const;
export type DeadLetterReason = (typeof deadLetterReasons)[number];

/**
 * Dead-letter counters of `destination`, at 0 for every reason from the start: an alert on their
 * increase sees the first ticket given up (a series that appears at 1 shows no increase).
 */
export function countDeadLettersFor(metrics: TicketMetrics, destination: string): (reason: DeadLetterReason) => void {
  for (const reason of deadLetterReasons) metrics.ticketsDeadLettered.inc({ destination, reason }, 0);
  return (reason) => metrics.ticketsDeadLettered.inc({ destination, reason });
}

const knownChannels = new Set(['msteams', 'directline', 'webchat', 'emulator', 'test', 'terminal', 'slack', 'facebook', 'telegram']);
const knownActivityTypes = new Set<string>(Object.values(ActivityTypes));
const oneOf = (known: Set<string>, value: unknown) => (typeof value === 'string' && known.has(value) ? value : 'other');

export function createMetrics(registry: Registry): Metrics {
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  let queueDepthSource: QueueDepthSource | undefined;

  const queueDepth: Gauge<'state'> = new Gauge({
    name: 'evc_ticket_queue_depth',
    help: 'Tickets in the delivery queue, by state',
    labelNames: ['state'],
    registers,
    async collect() {
      if (!queueDepthSource) return;
      const depth = await queueDepthSource().catch(() => undefined);
      if (!depth) return;
      for (const [state, count] of Object.entries(depth)) queueDepth.set({ state }, count);
    },
  });

  const redisErrors = new Counter({
    name: 'evc_redis_errors_total',
    help: 'Errors reported by Redis clients',
    labelNames: ['client'],
    registers,
  });

  return {
    registry,
    turns: new Counter({
      name: 'evc_turns_total',
      help: 'Turns processed, by channel and activity type',
      labelNames: ['channel', 'type'],
      registers,
    }),
    turnDuration: new Histogram({
      name: 'evc_turn_duration_seconds',
      help: 'Time from receiving an activity to the end of its turn',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    intents: new Counter({ name: 'evc_intents_total', help: 'Messages recognised, by intent', labelNames: ['intent'], registers }),
    fallbacks: new Counter({ name: 'evc_fallbacks_total', help: 'Messages the recognizer could not place (intent none)', registers }),
    proceduresStarted: new Counter({
      name: 'evc_procedures_started_total',
      help: 'Release procedures started',
      labelNames: ['procedure'],
      registers,
    }),
    proceduresResolved: new Counter({
      name: 'evc_procedures_resolved_total',
      help: 'Procedures that freed the cable without a person, by the step that did it',
      labelNames: ['procedure', 'step'],
      registers,
    }),
    proceduresHandedOff: new Counter({
      name: 'evc_procedures_handed_off_total',
      help: 'Procedures handed off to a person, by reason',
      labelNames: ['procedure', 'reason'],
      registers,
    }),
    ticketsDelivered: new Counter({
      name: 'evc_tickets_delivered_total',
      help: 'Tickets accepted by the ticket system',
      labelNames: ['destination'],
      registers,
    }),
    ticketsRetried: new Counter({
      name: 'evc_tickets_retried_total',
      help: 'Ticket delivery attempts that will be retried',
      labelNames: ['destination'],
      registers,
    }),
    ticketsDeadLettered: new Counter({
      name: 'evc_tickets_dead_lettered_total',
      help: 'Tickets given up without delivery (failed set or outbox file), by why: refused, attempts_exhausted, invalid_ticket',
      labelNames: ['destination', 'reason'],
      registers,
    }),
    queueDepth,
    redisErrors,
    rateLimited: new Counter({
      name: 'evc_rate_limited_total',
      help: 'Requests refused with 429, by limit',
      labelNames: ['limit'],
      registers,
    }),
    inputsRefused: new Counter({
      name: 'evc_inputs_refused_total',
      help: 'Messages answered without classification (too long, empty, attachments only, no words, not English)',
      labelNames: ['reason'],
      registers,
    }),
    setQueueDepthSource: (source) => {
      queueDepthSource = source;
    },
    watchRedisErrors: (client, name) => {
      client.on('error', () => redisErrors.inc({ client: name }));
    },
  };
}

/**
 * Counts every turn and its duration (the bot counts what it recognised). Register it first on each
 * adapter so that it also times the other middleware.
 */
export function turnMetricsMiddleware(metrics: Metrics): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      const channel = oneOf(knownChannels, context.activity.channelId);
      const stopTimer = metrics.turnDuration.startTimer({ channel });
      try {
        await next();
      } finally {
        stopTimer();
        metrics.turns.inc({ channel, type: oneOf(knownActivityTypes, context.activity.type) });
      }
    },
  };
}
