import type { Activity, Attachment } from 'botbuilder';
import { messageActivity } from './http';

/** Teams-shaped traffic: the allowed tenant, a staff member with an Entra object id, the bot. */
export const ourTenant = '8a3f2c11-5d4e-4b8a-9c6f-0e1d2a3b4c5d';
export const otherTenant = '0f0f0f0f-1111-2222-3333-444455556666';
export const teamsBot = { id: '28:cable-bot', name: 'Cable bot' };
export const staff = { id: '29:sam', name: 'Sam Field', aadObjectId: '6b1e0c2a-7d3f-4e5a-8b9c-0d1e2f3a4b5c' };

/** A message as Teams posts it: tenant, Entra object id, and the conversation's kind. */
export function teamsMessage(conversationId: string, text: string, extra: Partial<Activity> = {}, tenant = ourTenant): Partial<Activity> {
  return messageActivity(conversationId, text, {
    channelId: 'msteams',
    serviceUrl: 'https://smba.trafficmanager.net/emea/',
    from: staff,
    recipient: teamsBot,
    conversation: { id: conversationId, tenantId: tenant, conversationType: 'personal' } as Activity['conversation'],
    channelData: { tenant: { id: tenant } },
    ...extra,
  });
}

/** What a card button or a card form sends: no text, the submitted data as the value. */
export const teamsSubmit = (conversationId: string, value: Record<string, unknown>) =>
  teamsMessage(conversationId, '', { text: undefined, value });

export interface CardJson {
  body: Array<{
    type: string;
    text?: string;
    id?: string;
    label?: string;
    color?: string;
    facts?: Array<{ title: string; value: string }>;
  }>;
  actions?: Array<{ type: string; title: string; data: unknown; associatedInputs?: string }>;
}

export const cardsIn = (replies: Partial<Activity>[]): CardJson[] =>
  replies
    .flatMap((reply) => reply.attachments ?? [])
    .filter((a: Attachment) => a.contentType === 'application/vnd.microsoft.card.adaptive')
    .map((a) => a.content as CardJson);

export const cardText = (card: CardJson) =>
  card.body
    .filter((block) => block.text !== undefined)
    .map((block) => block.text)
    .join('\n');

/** Teams' own ids of a team and of its channel where the support team takes live chats over. */
export const supportTeam = { teamId: '19:support-team-7c1e@thread.tacv2', channelId: '19:live-chats-2b9f@thread.tacv2' };
export const supportStaff = {
  priya: { id: '29:priya', name: 'Priya Sharma', aadObjectId: '3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a98' },
  tom: { id: '29:tom', name: 'Tom Baker', aadObjectId: '9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d' },
};

let staffActivities = 0;

/**
 * What Teams posts for something a person does in a channel thread (`<channel>;messageid=<root>`):
 * a message (the bot @mentioned, as Teams only sends the bot those) or a card button's submit
 * (`value`, no text), with the channel and the tenant in `channelData`. Replies go to `serviceUrl`.
 */
export function channelThreadActivity(
  serviceUrl: string,
  thread: string,
  from: Activity['from'],
  what: { text: string } | { value: Record<string, unknown> },
  where: { tenant?: string; channelId?: string } = {},
): Partial<Activity> {
  staffActivities += 1;
  const tenant = where.tenant ?? ourTenant;
  const channelId = where.channelId ?? thread.split(';')[0];
  const mention = `<at>${teamsBot.name}</at>`;
  return {
    type: 'message',
    id: `staff-activity-${Date.now()}-${staffActivities}`,
    channelId: 'msteams',
    serviceUrl,
    from,
    recipient: teamsBot,
    conversation: { id: thread, isGroup: true, conversationType: 'channel', tenantId: tenant } as Activity['conversation'],
    channelData: {
      teamsChannelId: channelId,
      teamsTeamId: supportTeam.teamId,
      channel: { id: channelId },
      team: { id: supportTeam.teamId },
      tenant: { id: tenant },
    },
    ...('text' in what
      ? { text: `${mention} ${what.text}`, entities: [{ type: 'mention', text: mention, mentioned: teamsBot }] }
      : { value: what.value, replyToId: thread.split('=')[1] }),
  };
}
