import { Registry } from 'prom-client';
import { InProcessAdapter } from '../../src/channels/inProcessAdapter';
import { fillTemplate, loadMessages } from '../../src/content/messages';
import { inputLimitsMiddleware, screenMessage } from '../../src/inputLimits';
import { createLogger } from '../../src/logger';
import { createMetrics } from '../../src/observability/metrics';
import { messageActivity, postActivity, textsOf } from '../support/http';
import { type RunningService, startService } from '../support/service';

const messages = loadMessages();
const logger = createLogger({ env: 'test', logLevel: 'silent' });

describe('which messages go on to the recognizer', () => {
  it.each([
    ['an ordinary message', { text: 'my cable is stuck in the car' }],
    ['a message with a typo and no punctuation', { text: 'cabel wont come out of teh charger' }],
    ['a number picked from a list', { text: '2' }],
    ['a short yes', { text: 'yes' }],
    ['English with an emoji', { text: 'still stuck 😩' }],
    ['a card submission without text', { value: { answer: 'still_stuck' } }],
    ['a photo with a description', { text: 'the pin looks bent', attachments: [{ contentType: 'image/png' }] }],
    [
      'a photo alone that the channel took in',
      {
        attachments: [{ contentType: 'image/png' }],
        channelData: { photos: [{ id: '0123456789abcdef-0123456789abcdef01234567', contentType: 'image/png', bytes: 70 }] },
      },
    ],
    ['a single foreign word', { text: 'merci' }],
    ['a make that looks foreign', { text: 'it is a Citroën e-C4 and the cable is stuck' }],
    ['a thumbs-up, an answer', { text: '👍🏼' }],
    ['a cross, an answer', { text: '❌' }],
    ['stars for the rating', { text: '⭐⭐⭐⭐' }],
  ])('%s passes', (_kind, message) => {
    expect(screenMessage(message, 1000)).toBeUndefined();
  });

  it.each([
    ['a message over the limit', { text: 'a'.repeat(1001) }, 'tooLong'],
    ['an empty message', { text: '' }, 'empty'],
    ['only spaces', { text: '   \n ' }, 'empty'],
    ['no text field at all', {}, 'empty'],
    ['text that is not a string', { text: 42 }, 'empty'],
    ['a photo alone', { attachments: [{ contentType: 'image/jpeg' }] }, 'attachmentsOnly'],
    ['emoji alone', { text: '😡😡🔌' }, 'noWords'],
    ['punctuation alone', { text: '?!...' }, 'noWords'],
    ['German', { text: 'Mein Ladekabel steckt im Auto fest, bitte hilfe' }, 'notEnglish'],
    ['French', { text: 'Le câble est coincé dans la voiture' }, 'notEnglish'],
    ['Spanish', { text: 'hola, el cable está atascado en mi coche' }, 'notEnglish'],
    ['Russian', { text: 'кабель застрял в машине' }, 'notEnglish'],
    ['Chinese', { text: '充电线拔不出来' }, 'notEnglish'],
  ])('%s is answered directly', (_kind, message, reason) => {
    expect(screenMessage(message, 1000)).toBe(reason);
  });

  it('counts characters against the configured maximum', () => {
    expect(screenMessage({ text: 'x'.repeat(20) }, 20)).toBeUndefined();
    expect(screenMessage({ text: 'x'.repeat(21) }, 20)).toBe('tooLong');
  });
});

describe('the input limits in the turn', () => {
  function turnWith(activity: Record<string, unknown>) {
    const adapter = new InProcessAdapter();
    adapter.use(inputLimitsMiddleware({ maxMessageChars: 50, messages, metrics: createMetrics(new Registry()), logger }));
    const reached: string[] = [];
    const replies: string[] = [];
    return adapter
      .processActivity(
        {
          channelId: 'test',
          from: { id: 'u', name: 'Driver' },
          conversation: { id: 'c' } as never,
          recipient: { id: 'bot', name: 'Bot' },
          ...activity,
        },
        async (context) => {
          reached.push(context.activity.type);
        },
        (reply) => {
          replies.push(reply.text ?? '');
        },
      )
      .then(() => ({ reached, replies }));
  }

  it('answers a long message with "please keep it shorter" and does not pass it on', async () => {
    const { reached, replies } = await turnWith({ type: 'message', text: 'y'.repeat(51) });
    expect(replies).toEqual([fillTemplate(messages.inputTooLong, { max: 50 })]);
    expect(replies[0]).toContain('50');
    expect(reached).toEqual([]);
  });

  it('passes other activity types on untouched', async () => {
    expect((await turnWith({ type: 'conversationUpdate' })).reached).toEqual(['conversationUpdate']);
    expect((await turnWith({ type: 'somethingNew' })).reached).toEqual(['somethingNew']);
  });
});

describe('the service answering what it cannot use', () => {
  let running: RunningService;
  beforeAll(async () => {
    running = await startService({ MAX_MESSAGE_CHARS: '100' });
  });
  afterAll(() => running.service.stop());

  it.each([
    ['a message over the limit', { text: 'z'.repeat(101) }, fillTemplate(messages.inputTooLong, { max: 100 })],
    [
      'a photo alone',
      { text: undefined, attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://example.com/a.jpg' }] },
      messages.inputAttachmentsOnly,
    ],
    ['an empty message', { text: '' }, messages.inputEmpty],
    ['emoji alone', { text: '🔌❓' }, messages.inputNoWords],
    ['a message in Dutch', { text: 'mijn kabel zit vast in de laadpaal' }, messages.inputNotEnglish],
  ])('%s gets one short answer', async (_kind, change, answer) => {
    const { status, replies } = await postActivity(running.baseUrl, messageActivity(`input-${Math.random()}`, '', change));
    expect(status).toBe(200);
    expect(textsOf(replies)).toEqual([answer]);
  });

  it('a message it cannot read still gets the safety advice: it may be reporting smoke', async () => {
    const { replies } = await postActivity(running.baseUrl, messageActivity(`input-${Math.random()}`, 'из зарядки идёт дым'));
    expect(textsOf(replies)).toEqual([messages.inputNotEnglish]);
    expect(messages.inputNotEnglish).toMatch(/isolator/);
  });

  it('ignores an activity type it does not know', async () => {
    const { status, replies } = await postActivity(running.baseUrl, messageActivity('input-unknown', 'x', { type: 'somethingNew' }));
    expect(status).toBe(200);
    expect(replies).toEqual([]);
  });
});
