import { loadMessages } from '../../src/content/messages';
import { runNode } from '../support/process';

const messages = loadMessages();

describe('the terminal chat', () => {
  it('greets, answers each scripted line and exits 0', async () => {
    const { code, stdout } = await runNode('cli/chat.js', { input: 'hello\n' }).finished;
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`Bot: ${messages.welcome}`);
    expect(lines).toContain('You: hello');
    expect(lines.indexOf('You: hello')).toBeLessThan(lines.length - 2);
  });

  it('stops at /quit', async () => {
    const { code, stdout } = await runNode('cli/chat.js', { input: '/quit\nhello\n' }).finished;
    expect(code).toBe(0);
    expect(stdout).not.toContain('You: hello');
  });

  it('refuses a bad configuration with exit code 1', async () => {
    const { code, stderr } = await runNode('cli/chat.js', { input: 'hello\n', env: { REDIS_URL: 'nope' } }).finished;
    expect(code).toBe(1);
    expect(stderr).toContain('REDIS_URL');
  });
});
