import fs from 'node:fs/promises';
import path from 'node:path';
import type { Ticket } from '../ticket';
import type { TicketAdapter } from './adapter';

async function readOrEmpty(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
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

/**
 * Appends each ticket as one JSON line to a local file: the embedded default when no ticket system is
 * configured, and the last resort when one cannot be reached. A ticket id already in the file is not
 * appended again. Appends are serialised within this process; run one writer per file.
 */
export function createOutboxAdapter(options: { file: string }): TicketAdapter {
  let previous: Promise<unknown> = Promise.resolve();

  async function append(ticket: Ticket) {
    const contents = await readOrEmpty(options.file);
    if (!idsIn(contents).has(ticket.id)) {
      await fs.mkdir(path.dirname(options.file), { recursive: true });
      const separator = contents && !contents.endsWith('\n') ? '\n' : '';
      await fs.appendFile(options.file, `${separator}${JSON.stringify(ticket)}\n`, 'utf8');
    }
    return { system: 'outbox', externalId: ticket.id };
  }

  return {
    name: 'outbox',
    deliver(ticket: Ticket) {
      const appended = previous.then(() => append(ticket));
      previous = appended.catch(() => undefined);
      return appended;
    },
  };
}
