import { randomBytes } from 'node:crypto';

/**
 * Where a client is in a conversation's log. The position counts every activity ever appended, so
 * it stays valid when the oldest are dropped; the epoch names one life of the log (a log lost with
 * a restart without Redis, or expired, starts a new one). A watermark of another epoch, or none,
 * is one the server does not know: the client gets the log from its oldest activity kept, never
 * nothing (Web Chat drops an activity it already shows by its id).
 *
 * Written `<position>.<epoch>`: Direct Line clients only send back what they were given.
 */
export interface LogPosition {
  position: number;
  epoch?: string;
}

const watermarkPattern = /^(\d{1,12})(?:\.([A-Za-z0-9_-]{1,16}))?$/;

export const newEpoch = (): string => randomBytes(6).toString('base64url');

export const formatWatermark = (position: number, epoch: string): string => `${position}.${epoch}`;

/** Absent or empty: from the start (clients send `?watermark=` at first); undefined: not a watermark at all. */
export function parseWatermark(raw: string | null | undefined): LogPosition | undefined {
  if (raw === null || raw === undefined || raw === '') return { position: 0 };
  const match = watermarkPattern.exec(raw);
  return match ? { position: Number(match[1]), epoch: match[2] } : undefined;
}

/** What a log keeps: its epoch, how many of its oldest were dropped, how many it holds. */
export interface KeptLog {
  epoch: string;
  dropped: number;
  length: number;
}

/** The index in the kept entries to read from: the client's position if this log gave it, else the oldest kept. */
export function startIndex(kept: KeptLog, asked: LogPosition): number {
  const index = asked.position - kept.dropped;
  return asked.epoch === kept.epoch && index >= 0 && index <= kept.length ? index : 0;
}

/** As many of `entries` (JSON texts) as fit in `maxBytes`, and always the first, whatever its size. */
export function fitPage<Entry>(entries: Entry[], maxBytes: number, bytesOf: (entry: Entry) => number): Entry[] {
  let total = 0;
  const page: Entry[] = [];
  for (const entry of entries) {
    total += bytesOf(entry);
    if (page.length > 0 && total > maxBytes) break;
    page.push(entry);
  }
  return page;
}
