import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type Counter, Registry } from 'prom-client';
import { createLogger, type Logger } from '../../src/logger';
import { createMetrics, type Metrics } from '../../src/observability/metrics';
import { buildTicket, type HandoffInput, type Ticket } from '../../src/tickets/ticket';
import type { RetryPolicy } from '../../src/tickets/retryPolicy';

export function handoffInput(overrides: Partial<HandoffInput> = {}): HandoffInput {
  return {
    conversationId: 'conv-1',
    reason: 'emergency_release_failed',
    scenario: 'stuck_in_car',
    channel: 'webchat',
    locale: 'en-GB',
    contact: { name: 'Sam Driver', phone: '+447700900123' },
    site: { postcode: 'SW1A 1AA' },
    vehicle: { make: 'Nissan', model: 'Leaf' },
    stepsTried: [
      { procedure: 'stuck_in_car', step: 'end_session', outcome: 'tried_before' },
      { procedure: 'stuck_in_car', step: 'emergency_release', outcome: 'still_stuck' },
    ],
    entities: { side: 'car', vehicleMake: 'Nissan' },
    transcript: [
      { from: 'user', text: 'my cable is stuck in the car', at: '2025-01-15T09:26:00.000Z' },
      { from: 'bot', text: 'Pull the emergency release cord in the boot.', at: '2025-01-15T09:26:01.000Z' },
      { from: 'user', text: 'still stuck', at: '2025-01-15T09:28:30.000Z' },
    ],
    ...overrides,
  };
}

export function sampleTicket(overrides: Partial<HandoffInput> = {}): Ticket {
  return buildTicket(handoffInput(overrides), new Date('2025-01-15T09:30:00.000Z'), 'EVC-7K2Q9M');
}

/** Tickets for distinct conversations, each with its own id and reference. */
export function distinctTickets(count: number): Ticket[] {
  return Array.from({ length: count }, (_, i) => buildTicket(handoffInput({ conversationId: `conv-${i}` })));
}

/** `deliverUpdate` of a test ticket system that is only ever given tickets. */
export const noUpdates = async (): Promise<never> => {
  throw new Error('this test sends no ticket updates');
};

export const tinyRetry: RetryPolicy = { attempts: 5, backoffBaseMs: 5, backoffMaxMs: 20 };

export interface LogLine {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A logger whose lines the test can read. */
export function capturedLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const logger = createLogger({ logLevel: 'debug', env: 'test' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

/** A fresh outbox file path per test, in a temporary folder removed afterwards. */
export function tempOutboxFile(): { path: () => string; ids: () => Promise<string[]> } {
  let dir = '';
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tickets-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));
  const file = () => path.join(dir, 'tickets.jsonl');
  return {
    path: file,
    ids: async () =>
      (await fs.readFile(file(), 'utf8').catch(() => ''))
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line).id as string),
  };
}

/** Metrics on a registry of the test's own. */
export function testMetrics(): Metrics {
  return createMetrics(new Registry());
}

/** A counter's value for a destination, over its other labels (0 when never counted); `labels` narrows it. */
export async function countedFor<Label extends string>(
  counter: Counter<'destination' | Label>,
  destination: string,
  labels: Partial<Record<Label, string>> = {},
): Promise<number> {
  const { values } = await counter.get();
  const wanted = { ...labels, destination } as Record<string, string>;
  return values
    .filter((value) => Object.entries(wanted).every(([name, expected]) => (value.labels as Record<string, unknown>)[name] === expected))
    .reduce((sum, value) => sum + value.value, 0);
}
