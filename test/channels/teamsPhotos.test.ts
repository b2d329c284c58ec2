import nock from 'nock';
import { postActivity } from '../support/http';
import { content } from '../support/guidedChat';
import { mockOutsideHttp } from '../support/outsideHttp';
import { notAnImage, pngPhoto } from '../support/photos';
import { type RunningService, startService } from '../support/service';
import { cardsIn, ourTenant, teamsMessage } from '../support/teams';

const { messages } = content;
// The Bot Connector (teamsMessage's serviceUrl) keeps images pasted into a message; files come from SharePoint.
const connector = 'https://smba.trafficmanager.net';
const sharePoint = 'https://contoso.sharepoint.example';
mockOutsideHttp('127.0.0.1');

const pasted = (path: string) => ({ contentType: 'image/*', contentUrl: `${connector}${path}` });
const replyTexts = (replies: { text?: string }[]) => replies.map((reply) => reply.text ?? '').filter(Boolean);

describe('photos sent in Teams', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ TEAMS_ALLOWED_TENANT_IDS: ourTenant, PHOTO_MAX_BYTES: '2048' });
  });
  afterAll(() => running.service.stop());
  afterEach(() => nock.cleanAll());

  it('an image pasted into a message is downloaded from the Bot Connector, kept and acknowledged', async () => {
    const download = nock(connector).get('/emea/v3/attachments/pin-1/views/original').reply(200, pngPhoto, { 'content-type': 'image/png' });
    const { status, replies } = await postActivity(
      running.baseUrl,
      teamsMessage('teams-photo-1', '', { text: undefined, attachments: [pasted('/emea/v3/attachments/pin-1/views/original')] }),
    );
    expect(status).toBe(200);
    expect(download.isDone()).toBe(true);
    expect(replyTexts(replies).at(-1)).toBe(messages.photoReceived);
  });

  it('a file sent in a 1:1 chat comes from its download URL', async () => {
    const download = nock(sharePoint).get('/personal/pin.jpg').query(true).reply(200, pngPhoto);
    const file = {
      contentType: 'application/vnd.microsoft.teams.file.download.info',
      name: 'pin.png',
      content: { downloadUrl: `${sharePoint}/personal/pin.jpg?tempauth=x`, fileType: 'png' },
    };
    const { replies } = await postActivity(running.baseUrl, teamsMessage('teams-photo-2', '', { text: undefined, attachments: [file] }));
    expect(download.isDone()).toBe(true);
    expect(replyTexts(replies).at(-1)).toBe(messages.photoReceived);
  });

  it('says what is wrong with one too large or not a photo, and still reads the words with it', async () => {
    nock(connector)
      .get('/emea/v3/attachments/big/views/original')
      .reply(200, Buffer.concat([pngPhoto, Buffer.alloc(4096)]));
    const tooLarge = await postActivity(
      running.baseUrl,
      teamsMessage('teams-photo-3', '', { text: undefined, attachments: [pasted('/emea/v3/attachments/big/views/original')] }),
    );
    expect(replyTexts(tooLarge.replies)).toEqual([messages.photoTooLarge.replace('{max}', '2 KB')]);

    nock(connector).get('/emea/v3/attachments/script/views/original').reply(200, notAnImage, { 'content-type': 'image/png' });
    const wrongType = await postActivity(
      running.baseUrl,
      teamsMessage('teams-photo-4', 'my cable is stuck in the car', {
        attachments: [pasted('/emea/v3/attachments/script/views/original')],
      }),
    );
    expect(replyTexts(wrongType.replies)[0]).toBe(messages.photoWrongType);
    // The words went on to the bot: the first step follows, as a card.
    expect(cardsIn(wrongType.replies)).toHaveLength(1);
  });
});
