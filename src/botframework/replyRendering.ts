import { type Activity, Channels, MessageFactory } from 'botbuilder';
import { contactFormCard, stepCard, summaryCard } from '../channels/teams/adaptiveCards';
import type { Reply } from '../conversation/replies';

/**
 * The engine's replies as a channel shows them. Teams gets Adaptive Cards: a question with the plain
 * messages just before it (the step's instructions) as one card with a button per answer, the
 * handoff's questions as one form and its summary as a card of facts. Elsewhere (Web Chat, the
 * emulator) a message each, the question with suggested actions.
 */
export function renderReplies(replies: readonly Reply[], channelId: string | undefined): Partial<Activity>[] {
  return channelId === Channels.Msteams ? renderForTeams(replies) : replies.map(asMessage);
}

function asMessage(reply: Reply): Partial<Activity> {
  const text = withLineBreaks(reply.text);
  return reply.buttons ? MessageFactory.suggestedActions(reply.buttons, text) : MessageFactory.text(text);
}

/**
 * Markdown joins lines that are not a paragraph apart ("Name: Sam Email: sam@…"): a line break the
 * engine meant is written as markdown's hard break, two spaces before it.
 */
function withLineBreaks(text: string): string {
  return text.replace(/([^\n])\n(?=[^\n])/g, '$1  \n');
}

function renderForTeams(replies: readonly Reply[]): Partial<Activity>[] {
  const rendered: Partial<Activity>[] = [];
  let instructions: string[] = [];
  for (const reply of replies) {
    if (!reply.buttons) {
      instructions.push(reply.text);
      continue;
    }
    const actions = MessageFactory.suggestedActions(reply.buttons).suggestedActions!.actions;
    const { form, summary } = reply.layout ?? {};
    const card = form
      ? contactFormCard(instructions, form)
      : summary
        ? summaryCard(instructions, summary, actions)
        : stepCard(instructions, reply.text, actions);
    rendered.push(MessageFactory.attachment(card));
    instructions = [];
  }
  return [...rendered, ...instructions.map((text) => MessageFactory.text(text))];
}
