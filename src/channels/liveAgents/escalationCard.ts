import type { Attachment } from 'botbuilder';
import { z } from 'zod';
import { fillTemplate, type Messages, userText } from '../../content/messages';
import type { TranscriptEntry } from '../../tickets/ticket';
import { adaptiveCard, type CardElement, textBlock } from '../teams/adaptiveCards';
import type { LiveHandoff } from './liveHandoffs';

type StaffTexts = Messages['liveStaff'];

/** What the card's buttons send back (Teams puts it in the activity's `value`). */
export const liveHandoffActionSchema = z.object({ liveHandoff: z.enum(['accept', 'end']), reference: z.string().min(1).max(40) });
export type LiveHandoffAction = z.output<typeof liveHandoffActionSchema>;

/** Messages of the conversation before the handoff that the card shows. */
const lastMessages = 6;

/** A time as Adaptive Cards format it: each reader sees it in their own time zone. */
const cardTime = (iso: string) => `{{TIME(${iso.replace(/\.\d{3}Z$/, 'Z')})}}`;
const readable = (code: string) => code.replace(/_/g, ' ');

/** A transcript entry as the thread shows it; staff entries already carry their speaker. */
export function spokenLine(entry: TranscriptEntry, texts: StaffTexts): string {
  if (entry.from === 'staff') return entry.text;
  return `**${texts.speakers[entry.from]}:** ${entry.from === 'user' ? userText(entry.text) : entry.text}`;
}

/**
 * The escalation as the support team sees it: the ticket's facts, the steps tried, the last messages
 * and where the handoff stands, with Take over while nobody has it and End chat until it ends.
 */
export function escalationCard(handoff: Pick<LiveHandoff, 'ticket' | 'offeredAt' | 'takenBy' | 'endedBy'>, texts: StaffTexts): Attachment {
  const { ticket, takenBy, endedBy } = handoff;
  const { labels } = texts;
  const orNotGiven = (...parts: (string | undefined)[]) => userText(parts.filter(Boolean).join(', ')) || labels.notGiven;
  const facts = [
    [labels.reference, ticket.reference],
    [labels.reason, readable(ticket.reason)],
    [labels.scenario, ticket.scenario === 'none' ? labels.notGiven : readable(ticket.scenario)],
    [labels.contact, orNotGiven(ticket.contact.name, ticket.contact.email, ticket.contact.phone)],
    [labels.site, orNotGiven(ticket.site.postcode, ticket.site.town)],
    [labels.vehicle, orNotGiven([ticket.vehicle.make, ticket.vehicle.model].filter(Boolean).join(' '))],
    [labels.charger, orNotGiven(ticket.charger.model)],
  ];
  const steps = ticket.stepsTried.map((tried) => `- ${readable(tried.procedure)} / ${readable(tried.step)}: ${readable(tried.outcome)}`);
  const status = endedBy
    ? textBlock(fillTemplate(takenBy ? texts.endedBy : texts.closedBy, { name: userText(endedBy.name), at: cardTime(endedBy.at) }), {
        weight: 'Bolder',
        spacing: 'Medium',
      })
    : takenBy
      ? textBlock(fillTemplate(texts.takenBy, { name: userText(takenBy.name), at: cardTime(takenBy.at) }), {
          weight: 'Bolder',
          color: 'Good',
          spacing: 'Medium',
        })
      : textBlock(fillTemplate(texts.waiting, { at: cardTime(handoff.offeredAt) }), {
          weight: 'Bolder',
          color: 'Attention',
          spacing: 'Medium',
        });
  const body: CardElement[] = [
    textBlock(fillTemplate(texts.cardTitle, { reference: ticket.reference }), { size: 'Large', weight: 'Bolder' }),
    textBlock(texts.cardIntro, { isSubtle: true }),
    { type: 'FactSet', facts: facts.map(([title, value]) => ({ title, value })) },
    textBlock(labels.stepsTried, { weight: 'Bolder', spacing: 'Medium' }),
    textBlock(steps.length > 0 ? steps.join('\n') : labels.notGiven),
    textBlock(labels.lastMessages, { weight: 'Bolder', spacing: 'Medium' }),
    ...ticket.transcript.slice(-lastMessages).map((entry) => textBlock(spokenLine(entry, texts), { spacing: 'Small' })),
    status,
  ];
  const button = (title: string, liveHandoff: LiveHandoffAction['liveHandoff']) => ({
    type: 'Action.Submit',
    title,
    data: { liveHandoff, reference: ticket.reference } satisfies LiveHandoffAction,
  });
  const actions = endedBy
    ? []
    : takenBy
      ? [button(texts.buttons.end, 'end')]
      : [button(texts.buttons.takeOver, 'accept'), button(texts.buttons.end, 'end')];
  return adaptiveCard(body, actions);
}
