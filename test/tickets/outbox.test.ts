import fs from 'node:fs/promises';
import path from 'node:path';
import { createOutboxAdapter } from '../../src/tickets/adapters/outbox';
import { ticketSchema } from '../../src/tickets/ticket';
import { distinctTickets, sampleTicket, tempOutboxFile } from './fixtures';

const tempFile = tempOutboxFile();

const linesOf = async (file: string) => (await fs.readFile(file, 'utf8')).split('\n').filter(Boolean);

describe('the outbox file', () => {
  it('gets one JSON line per ticket, creating its folder', async () => {
    const file = path.join(path.dirname(tempFile.path()), 'data', 'tickets.jsonl');
    const ticket = sampleTicket();
    await createOutboxAdapter({ file }).deliver(ticket);
    const lines = await linesOf(file);
    expect(lines).toHaveLength(1);
    expect(ticketSchema.parse(JSON.parse(lines[0]))).toEqual(ticket);
  });

  it('does not append a ticket id that is already there, even from another process run', async () => {
    const file = tempFile.path();
    await createOutboxAdapter({ file }).deliver(sampleTicket());
    await createOutboxAdapter({ file }).deliver(sampleTicket());
    expect(await linesOf(file)).toHaveLength(1);
  });

  it('keeps every ticket when many arrive at once, each once', async () => {
    const file = tempFile.path();
    const outbox = createOutboxAdapter({ file });
    const tickets = distinctTickets(20);
    await Promise.all([...tickets, ...tickets].map((ticket) => outbox.deliver(ticket)));
    const ids = (await linesOf(file)).map((line) => JSON.parse(line).id);
    expect(ids.sort()).toEqual(tickets.map((ticket) => ticket.id).sort());
  });

  it('starts a new line after a line cut short by a crash, and keeps that line', async () => {
    const file = tempFile.path();
    await fs.writeFile(file, '{"id":"tkt_cut');
    await createOutboxAdapter({ file }).deliver(sampleTicket());
    const lines = await linesOf(file);
    expect(lines[0]).toBe('{"id":"tkt_cut');
    expect(JSON.parse(lines[1]).id).toBe(sampleTicket().id);
  });
});
