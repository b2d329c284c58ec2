import type { AddressInfo } from 'node:net';
import { slowChannel } from '../support/faults';
import { messageActivity } from '../support/http';
import { freePort, runNode, waitUntilUp } from '../support/process';

describe('SIGTERM while turns are in flight', () => {
  it('lets every turn finish and answer before the process exits', async () => {
    const conversations = Array.from({ length: 10 }, (_, i) => `sigterm-${i}`);
    const channel = slowChannel(400, conversations.length);
    await new Promise<void>((resolve) => channel.server.listen(0, '127.0.0.1', resolve));
    const serviceUrl = `http://127.0.0.1:${(channel.server.address() as AddressInfo).port}`;
    const port = await freePort();
    const service = runNode('index.js', { env: { PORT: String(port), SHUTDOWN_GRACE_MS: '20000' } });
    try {
      await waitUntilUp(`http://127.0.0.1:${port}/healthz`);
      const turns = conversations.map((id) =>
        fetch(`http://127.0.0.1:${port}/api/messages`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          // Replies go to the channel (no expectReplies), as with Teams or Azure Direct Line.
          body: JSON.stringify(messageActivity(id, 'my cable is stuck in the car', { serviceUrl, deliveryMode: 'normal' })),
        }).then((response) => response.status),
      );
      await channel.everyTurnReplying;
      service.kill('SIGTERM');

      expect(await Promise.all(turns)).toEqual(conversations.map(() => 200));
      const { code } = await service.finished;
      expect(code).toBe(0);
      for (const id of conversations) expect(channel.received).toContain(id);
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    } finally {
      service.kill('SIGKILL');
      channel.server.close();
    }
  });
});
