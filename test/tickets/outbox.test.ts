import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { createOutboxAdapter } from '../../src/tickets/adapters/outbox';
import { ticketSchema } from '../../src/tickets/ticket';
import { projectRoot } from '../support/process';
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

  it('reads the file once, not again for every ticket it appends', async () => {
    const file = tempFile.path();
    const [earlier, ...tickets] = distinctTickets(11);
    await createOutboxAdapter({ file }).deliver(earlier);
    const reads = jest.spyOn(fs, 'readFile');
    try {
      const outbox = createOutboxAdapter({ file });
      for (const ticket of [...tickets, earlier, tickets[3]]) await outbox.deliver(ticket);
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
    expect((await linesOf(file)).map((line) => JSON.parse(line).id)).toEqual([earlier, ...tickets].map((ticket) => ticket.id));
  });

  it('reads the file again when something else wrote to it, so its tickets are not appended twice', async () => {
    const file = tempFile.path();
    const [ours, theirs] = distinctTickets(2);
    const outbox = createOutboxAdapter({ file });
    await outbox.deliver(ours);
    await fs.appendFile(file, `${JSON.stringify(theirs)}\n`);
    await outbox.deliver(theirs);
    expect((await linesOf(file)).map((line) => JSON.parse(line).id)).toEqual([ours.id, theirs.id]);
  });

  it('starts the new file when the old one was rotated away', async () => {
    const file = tempFile.path();
    const [before, after] = distinctTickets(2);
    const outbox = createOutboxAdapter({ file });
    await outbox.deliver(before);
    await fs.rename(file, `${file}.1`);
    await outbox.deliver(after);
    expect((await linesOf(file)).map((line) => JSON.parse(line).id)).toEqual([after.id]);
    expect(await linesOf(`${file}.1`)).toHaveLength(1);
  });

  it('reads a file put in place of the old one afresh, even when it is just as long', async () => {
    const file = tempFile.path();
    const [ticket] = distinctTickets(1);
    const outbox = createOutboxAdapter({ file });
    await outbox.deliver(ticket);
    const { size } = await fs.stat(file);
    await fs.rename(file, `${file}.1`);
    await fs.writeFile(file, `${'x'.repeat(size - 1)}\n`);
    // Duplicates are checked within the current file: the new one does not hold this ticket yet.
    await outbox.deliver(ticket);
    expect((await linesOf(file)).slice(1).map((line) => JSON.parse(line).id)).toEqual([ticket.id]);
  });

  it('fails, so the ticket is delivered again, when the disk takes only part of its line', async () => {
    const file = tempFile.path();
    await fs.writeFile(file, `${'x'.repeat(4000)}\n`);
    // A file size limit of 4 KiB (ulimit -f counts 1024-byte blocks) stands in for a full disk.
    const deliver = `require(${JSON.stringify(path.join(projectRoot, 'dist/tickets/adapters/outbox.js'))})
      .createOutboxAdapter({ file: ${JSON.stringify(file)} }).deliver(${JSON.stringify(sampleTicket())})
      .then(() => console.log('delivered'), (error) => console.log(error.code));`;
    const run = spawnSync('bash', ['-c', 'ulimit -f 4 && exec "$0" -e "$1"', process.execPath, deliver], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('EFBIG');
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
