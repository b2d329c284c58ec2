import restify from 'restify';
import { PhotoLinks } from '../../src/photos/photoLinks';
import { photoRoutes } from '../../src/photos/photoRoutes';
import { MemoryPhotoStore } from '../../src/photos/photoStore';
import { pngPhoto } from '../support/photos';

describe('GET /api/photos/:id', () => {
  let clock = Date.now();
  const store = new MemoryPhotoStore({ maxPerConversation: 5, maxBytesPerConversation: 10_000, ttlSeconds: 60 }, () => clock);
  const links = new PhotoLinks('a-photo-link-secret-of-32-bytes-or-more');
  const server = restify.createServer();
  photoRoutes({ store, links })(server);
  let origin = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves a photo to a valid link, refuses an expired one (403), and answers 404 once the photo is gone', async () => {
    const added = await store.add('conversation-e', { contentType: 'image/png', data: pngPhoto });
    if (!added.ok) throw new Error('not kept');
    const link = links.linkTo(added.photo.id, origin, new Date(Date.now() + 3600_000));
    const served = await fetch(link);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(pngPhoto)).toBe(true);

    const expired = await fetch(links.linkTo(added.photo.id, origin, new Date(Date.now() - 1000)));
    expect(expired.status).toBe(403);
    expect(await expired.json()).toEqual({ code: 'LinkExpired', message: 'This photo link has expired.' });

    clock += 61_000; // the photo's life is over
    expect((await fetch(link)).status).toBe(404);
  });
});
