import { renderReplies } from '../../src/botframework/replyRendering';
import { userText } from '../../src/content/messages';
import { loadRecognizer } from '../../src/nlu/model';
import { content, guidedChat, memoryTicketDelivery } from '../support/guidedChat';

const { handoff, buttons } = content.messages;

describe('replies as a channel shows them', () => {
  it('a line break inside a message stays one in markdown; paragraphs stay paragraphs', () => {
    const [summary] = renderReplies([{ text: "Here's what I'll send:\n\nName: Sam\nEmail: sam@example.com\n\nShall I?" }], 'webchat');
    expect(summary.text).toBe("Here's what I'll send:\n\nName: Sam  \nEmail: sam@example.com\n\nShall I?");
  });

  it('a question carries its answers as suggested actions', () => {
    const [question] = renderReplies([{ text: 'Did the cable come free?', buttons: ['Yes', 'No'] }], 'directline');
    expect(question.suggestedActions?.actions.map((action) => action.title)).toEqual(['Yes', 'No']);
  });

  it('in Teams, the instructions before a question and the question become one card', () => {
    const rendered = renderReplies(
      [{ text: 'Do this.' }, { text: 'Did it work?', buttons: ['Yes', 'No'] }, { text: 'Thanks!' }],
      'msteams',
    );
    expect(rendered).toHaveLength(2);
    expect(rendered[0].attachments?.[0].contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(JSON.stringify(rendered[0].attachments?.[0].content)).toContain('Do this.');
    expect(rendered[1].text).toBe('Thanks!');
  });
});

describe('what the user typed, in what the bot says', () => {
  const hostile = '<b>Sam</b> [verify](https://evil.example) *now*';

  it('is escaped so markdown shows it as typed', () => {
    expect(userText(hostile)).toBe('\\<b\\>Sam\\</b\\> \\[verify\\]\\(https://evil.example\\) \\*now\\*');
  });

  it('is never taken as a name when it is markup, and what is taken is shown escaped, the ticket keeping it as typed', async () => {
    const tickets = memoryTicketDelivery();
    const bot = await guidedChat(loadRecognizer(), { ticketDelivery: tickets });
    await bot.user(buttons.person);
    expect((await bot.user(hostile)).texts).toEqual([handoff.questions.name.retry]);
    await bot.user('Sam Taylor');
    await bot.user('sam_taylor@example.com');
    await bot.user('Leeds');
    await bot.user('Pulsar *Plus* (22kW) _v2_');
    const summary = await bot.user(handoff.buttons.skip);
    expect(summary.texts[0]).toContain(`Email: ${userText('sam_taylor@example.com')}`);
    expect(summary.texts[0]).toContain(`Charger: ${userText('Pulsar *Plus* (22kW) _v2_')}`);
    await bot.user(handoff.buttons.create);
    expect(tickets.tickets()[0]).toMatchObject({
      contact: { email: 'sam_taylor@example.com' },
      charger: { model: 'Pulsar *Plus* (22kW) _v2_' },
    });
  });
});
