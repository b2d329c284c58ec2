import { loadConfig } from '../../src/config';
import { buildService } from '../../src/index';
import { createLogger } from '../../src/logger';
import { messageActivity, postActivity } from '../support/http';

/** What a driver tells the bot that must never reach the log at info level. */
const contact = {
  name: 'Philippa Quenby-Oyelaran',
  email: 'philippa.quenby@example.org',
  phone: '07700 900461',
  postcode: 'SW1A 2AA',
  freeText: 'my neighbour Zebedee unplugged it',
};

describe('the log of a whole conversation at info', () => {
  it('holds no user text, contact details or secrets', async () => {
    const lines: string[] = [];
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'info', MicrosoftAppPassword: 'app-password-never-logged' });
    const service = buildService(config, createLogger(config, { write: (line: string) => lines.push(line) }));
    const port = await service.http.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${port}`;
    const conversation = 'log-check';
    const say = (text: string) =>
      postActivity(baseUrl, messageActivity(conversation, text, { from: { id: 'user-1', name: contact.name } }));

    for (const text of [
      'hello',
      `my cable is stuck and ${contact.freeText}`,
      'I want to talk to a person',
      contact.name,
      contact.email,
      contact.phone,
      contact.postcode,
      'yes',
      `${contact.email} ${'and again '.repeat(200)}`,
    ]) {
      expect((await say(text)).status).toBe(200);
    }
    await service.stop();

    const log = lines.join('');
    expect(lines.filter((line) => line.includes('"msg":"turn"')).length).toBeGreaterThanOrEqual(8);
    expect(lines.filter((line) => line.includes('"reason":"tooLong"'))).toHaveLength(1);
    for (const value of [...Object.values(contact), 'app-password-never-logged', 'Quenby', '07700']) {
      expect(log).not.toContain(value);
    }
  });
});
