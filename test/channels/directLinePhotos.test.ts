import nock from 'nock';
import { botTexts, directLineClient, userMessage } from '../support/directLine';
import { content } from '../support/guidedChat';
import { officialClient } from '../support/officialDirectLine';
import { mockOutsideHttp } from '../support/outsideHttp';
import { notAnImage, pngPhoto } from '../support/photos';
import { type RunningService, startService } from '../support/service';
import { waitFor } from '../support/waitFor';
import { tempOutboxFile } from '../tickets/fixtures';

const { messages } = content;
const webhook = 'https://installers.example.test';
mockOutsideHttp('127.0.0.1');
const outbox = tempOutboxFile();

/** A multipart upload as botframework-directlinejs builds it: the activity as a Blob, then each file. */
async function upload(
  baseUrl: string,
  session: { token: string; conversationId: string },
  files: { data: Buffer; type: string; name: string }[],
  text = '',
) {
  const form = new FormData();
  const activity = userMessage(text, { attachments: files.map((file) => ({ contentType: file.type, name: file.name })) });
  form.append('activity', new Blob([JSON.stringify(activity)], { type: 'application/vnd.microsoft.activity' }));
  for (const file of files) form.append('file', new Blob([new Uint8Array(file.data)], { type: file.type }), file.name);
  const response = await fetch(`${baseUrl}/v3/directline/conversations/${session.conversationId}/upload?userId=someone`, {
    method: 'POST',
    headers: { authorization: `Bearer ${session.token}` },
    body: form,
  });
  return { status: response.status, body: (await response.json()) as { id?: string; error?: { code: string; message: string } } };
}

const png = (name = 'pin.png') => ({ data: pngPhoto, type: 'image/png', name });

describe('photos over the self-hosted Direct Line', () => {
  let running: RunningService;

  beforeAll(async () => {
    running = await startService({
      PHOTO_MAX_BYTES: '2048',
      PHOTO_MAX_PER_MESSAGE: '2',
      PHOTO_MAX_PER_CONVERSATION: '3',
      PHOTO_LINK_SECRET: 'a-photo-link-secret-of-32-bytes-or-more',
      TICKET_WEBHOOK_URL: `${webhook}/tickets`,
      TICKET_WEBHOOK_SECRET: 'test-secret',
      TICKET_OUTBOX_FILE: outbox.path(),
    });
  });
  afterAll(async () => {
    await running.service.stop();
  });
  afterEach(() => nock.cleanAll());

  // The official client's upload needs a browser's FormData over XMLHttpRequest (xhr2 in Node sends
  // none), so the upload is the multipart request it builds; the official client receives.
  it('an upload as the official client sends it: the bot acknowledges it, the log holds only a signed link to it', async () => {
    const session = await directLineClient(running.baseUrl).session();
    const client = officialClient({ domain: `${running.baseUrl}/v3/directline`, token: session.token, webSocket: false });
    try {
      await client.until(messages.welcome.slice(0, 40), 'the greeting');
      const { status, body } = await upload(running.baseUrl, session, [png()]);
      expect(status).toBe(200);
      await client.until(messages.photoReceived.slice(0, 40), 'the acknowledgement');
      expect(client.texts()).not.toContain(messages.inputAttachmentsOnly);
      await waitFor(() => client.received.some((activity) => activity.id === body.id), 'the echo');
      const echo = client.received.find((activity) => activity.id === body.id)!;
      const [attachment] = echo.attachments!;
      expect(attachment).toEqual({
        contentType: 'image/png',
        name: 'pin.png',
        contentUrl: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/api\/photos\/[0-9a-f-]+\?expires=\d+&sig=/),
      });
      expect(JSON.stringify(echo)).not.toContain(pngPhoto.toString('base64'));

      const photo = await fetch(attachment.contentUrl!);
      expect(photo.status).toBe(200);
      expect(photo.headers.get('content-type')).toBe('image/png');
      expect(photo.headers.get('x-content-type-options')).toBe('nosniff');
      expect(photo.headers.get('content-disposition')).toBe('inline');
      expect(photo.headers.get('set-cookie')).toBeNull();
      expect(Buffer.from(await photo.arrayBuffer()).equals(pngPhoto)).toBe(true);
      const tampered = new URL(attachment.contentUrl!);
      tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 1));
      expect((await fetch(tampered)).status).toBe(403);
    } finally {
      client.end();
    }
  });

  it('refuses too large (413), not a photo by its bytes (415) and too many (413), naming the problem', async () => {
    const session = await directLineClient(running.baseUrl).session();
    const tooLarge = await upload(running.baseUrl, session, [
      { data: Buffer.concat([pngPhoto, Buffer.alloc(4096)]), type: 'image/png', name: 'big.png' },
    ]);
    expect(tooLarge).toEqual({ status: 413, body: { error: { code: 'FileTooLarge', message: 'A photo may be at most 2 KB.' } } });
    const wrongType = await upload(running.baseUrl, session, [{ data: notAnImage, type: 'image/png', name: 'pin.png' }]);
    expect(wrongType).toMatchObject({ status: 415, body: { error: { code: 'UnsupportedMediaType' } } });
    const tooMany = await upload(running.baseUrl, session, [png('a.png'), png('b.png'), png('c.png')]);
    expect(tooMany).toMatchObject({ status: 413, body: { error: { code: 'TooManyFiles', message: 'At most 2 photos in one message.' } } });

    expect((await upload(running.baseUrl, session, [png('a.png'), png('b.png')])).status).toBe(200);
    expect((await upload(running.baseUrl, session, [png('c.png')])).status).toBe(200);
    expect(await upload(running.baseUrl, session, [png('d.png')])).toMatchObject({
      status: 413,
      body: { error: { code: 'ConversationPhotoLimit' } },
    });
    // Still a working conversation.
    const dl = directLineClient(running.baseUrl);
    expect((await dl.post(session.token, session.conversationId, userMessage('my cable is stuck in the car'))).status).toBe(200);
  });

  it('a ticket created after a photo carries it, with a link the installer can open', async () => {
    const received: { photos?: { id: string; contentType: string; bytes: number; url: string }[] }[] = [];
    nock(webhook)
      .post('/tickets')
      .reply(201, (_uri, body) => {
        received.push(body as (typeof received)[number]);
        return {};
      });
    const dl = directLineClient(running.baseUrl);
    const session = await dl.session();
    await dl.start(session.token);
    expect((await upload(running.baseUrl, session, [png()], 'the pin is bent')).status).toBe(200);
    for (const text of [
      'Sam Taylor',
      '07700 900123',
      'Leeds',
      messages.handoff.buttons.skip,
      messages.handoff.buttons.skip,
      messages.handoff.buttons.create,
    ]) {
      expect((await dl.post(session.token, session.conversationId, userMessage(text))).status).toBe(200);
    }
    const page = (await dl.poll(session.token, session.conversationId)).body;
    expect(botTexts(page).some((text) => text.startsWith(messages.photoReceived.slice(0, 30)))).toBe(true);
    await waitFor(() => received.length > 0, 'the ticket at the webhook');
    const [ticket] = received;
    expect(ticket.photos).toEqual([
      { id: expect.any(String), contentType: 'image/png', bytes: pngPhoto.length, url: expect.stringContaining('/api/photos/') },
    ]);
    // The link is made for the service's public address; here that is this test's service.
    const link = new URL(ticket.photos![0].url);
    const photo = await fetch(`${running.baseUrl}${link.pathname}${link.search}`);
    expect(photo.status).toBe(200);
    expect(Buffer.from(await photo.arrayBuffer()).equals(pngPhoto)).toBe(true);
    expect((await fetch(`${running.baseUrl}/api/photos/0123456789abcdef-000000000000000000000000${link.search}`)).status).toBe(403);
  });
});
