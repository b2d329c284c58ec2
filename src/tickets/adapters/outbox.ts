import fs from 'node:fs/promises';
import path from 'node:path';
import type { Ticket } from '../ticket';
import type { TicketUpdate } from '../ticketUpdate';
import type { TicketAdapter } from './adapter';

/** What this adapter knows of the file: which one it is, how long it was, and the ids (tickets and updates) in it. */
interface KnownFile {
  readonly ino: number;
  readonly size: number;
  readonly ids: Set<string>;
  readonly endsWithNewline: boolean;
}

function idsIn(contents: string): Set<string> {
  const ids = new Set<string>();
  for (const line of contents.split('\n')) {
    try {
      const id = (JSON.parse(line) as { id?: unknown }).id;
      if (typeof id === 'string') ids.add(id);
    } catch {
      // A line cut short by a crash is not a ticket; it is kept in the file for a human to see.
    }
  }
  return ids;
}

async function statOrNone(file: string) {
  try {
    return await fs.stat(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Appends each ticket, and each update to a ticket, as one JSON line to a local file, flushed to
 * disk before it counts as delivered: the embedded default when no ticket system is configured, and
 * the last resort when one cannot be reached. An id (ticket or update) already in the file is not
 * appended again.
 *
 * The ids are read from the file once and then kept, so an append does not re-read a file that
 * grows with every handoff. The file is read again whenever it is not as this adapter left it (a
 * different file at the path after rotation, or another size because something else wrote to it).
 * Appends are serialised within this process; run one writer per file.
 */
export function createOutboxAdapter(options: { file: string }): TicketAdapter {
  let previous: Promise<unknown> = Promise.resolve();
  let known: KnownFile | undefined;

  async function knownFile(): Promise<Omit<KnownFile, 'ino'>> {
    const stat = await statOrNone(options.file);
    if (!stat) return { size: 0, ids: new Set(), endsWithNewline: true };
    if (known?.ino === stat.ino && known.size === stat.size) return known;
    const bytes = await fs.readFile(options.file);
    const contents = bytes.toString('utf8');
    known = { ino: stat.ino, size: bytes.length, ids: idsIn(contents), endsWithNewline: contents === '' || contents.endsWith('\n') };
    return known;
  }

  async function append(entry: Ticket | TicketUpdate) {
    const before = await knownFile();
    if (!before.ids.has(entry.id)) {
      await fs.mkdir(path.dirname(options.file), { recursive: true });
      const line = `${before.endsWithNewline ? '' : '\n'}${JSON.stringify(entry)}\n`;
      const file = await fs.open(options.file, 'a');
      try {
        // appendFile writes until every byte is out or fails (a full disk); a single write() may stop short.
        await file.appendFile(line);
        await file.datasync();
        const after = await file.stat();
        const expectedSize = before.size + Buffer.byteLength(line);
        // Another writer in between: read the whole file again next time.
        known =
          after.size === expectedSize
            ? { ino: after.ino, size: after.size, ids: before.ids.add(entry.id), endsWithNewline: true }
            : undefined;
      } finally {
        await file.close();
      }
    }
    return { system: 'outbox', externalId: entry.id };
  }

  const appendInTurn = (entry: Ticket | TicketUpdate) => {
    const appended = previous.then(() => append(entry));
    previous = appended.catch(() => undefined);
    return appended;
  };
  return { name: 'outbox', deliver: appendInTurn, deliverUpdate: appendInTurn };
}
