/**
 * `npm run chat`: talk to the bot in the terminal, in-process, with the same content and dialogs
 * as the service. Interactive on a terminal; with piped input, one user message a line, it
 * prints the transcript. Suggested actions are numbered and can be picked by number.
 */
import { randomUUID } from 'node:crypto';
import readline from 'node:readline';
import type { Activity, CardAction } from 'botbuilder';
import pino from 'pino';
import { ConfigError, loadConfig } from '../config';
import { buildBotRuntime, inProcessAdapterFor } from '../index';
import { createLogger } from '../logger';

const interactive = process.stdin.isTTY === true;

/** The bot writes markdown (for Web Chat and Teams); a terminal shows it as the plain text it stands for. */
const plainText = (markdown: string) => markdown.replace(/\\(.)/g, '$1').replaceAll('  \n', '\n');

function render(activity: Partial<Activity>, choices: CardAction[]): void {
  if (activity.type !== 'message') return;
  if (activity.text) process.stdout.write(`Bot: ${plainText(activity.text)}\n`);
  for (const attachment of activity.attachments ?? []) {
    process.stdout.write(`Bot: [${attachment.contentType}]\n`);
  }
  const actions = activity.suggestedActions?.actions ?? [];
  if (actions.length > 0) {
    choices.splice(0, choices.length, ...actions);
    actions.forEach((action, index) => process.stdout.write(`  ${index + 1}. ${action.title ?? action.value}\n`));
  }
}

/** A number picks the matching suggested action of the bot's last message; anything else is sent as typed. */
function resolveInput(line: string, choices: CardAction[]): string {
  const picked = /^\d+$/.test(line) ? choices[Number(line) - 1] : undefined;
  return picked ? String(picked.value ?? picked.title) : line;
}

async function main(): Promise<void> {
  const config = loadConfig();
  // Logs go to stderr, quiet by default, so stdout stays a clean transcript.
  const logger = createLogger({ env: 'production', logLevel: process.env.LOG_LEVEL ? config.logLevel : 'error' }, pino.destination(2));
  const runtime = buildBotRuntime(config, logger);
  const adapter = inProcessAdapterFor(runtime);

  const user = { id: `terminal-user-${randomUUID()}`, name: 'You' };
  const bot = { id: 'bot', name: 'Assistant' };
  const conversation = { id: `terminal-${randomUUID()}`, name: 'terminal', isGroup: false, conversationType: 'personal' };
  const choices: CardAction[] = [];
  const send = (activity: Partial<Activity>) =>
    adapter.processActivity(
      { channelId: 'terminal', serviceUrl: 'terminal://local', from: user, recipient: bot, conversation, ...activity },
      (context) => runtime.bot.run(context),
      (reply) => render(reply, choices),
    );

  await send({ type: 'conversationUpdate', membersAdded: [user, bot] });

  const lines = readline.createInterface({ input: process.stdin, output: interactive ? process.stdout : undefined });
  if (interactive) {
    lines.setPrompt('You: ');
    lines.prompt();
  }
  for await (const raw of lines) {
    const line = raw.trim();
    if (line === '/quit') break;
    if (line) {
      if (!interactive) process.stdout.write(`You: ${line}\n`);
      await send({ type: 'message', text: resolveInput(line, choices) });
    }
    if (interactive) lines.prompt();
  }
  lines.close();
  await runtime.close();
}

main().catch((error: unknown) => {
  process.stderr.write(error instanceof ConfigError ? `${error.message}\n` : `${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
