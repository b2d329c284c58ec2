import type { Activity } from 'botbuilder';

let sequence = 0;

/** A message activity as a channel would post it, asking for the replies in the response body. */
export function messageActivity(conversationId: string, text: string, extra: Partial<Activity> = {}): Partial<Activity> {
  sequence += 1;
  return {
    type: 'message',
    id: `activity-${Date.now()}-${sequence}`,
    text,
    channelId: 'test',
    serviceUrl: 'http://localhost:1',
    from: { id: 'user-1', name: 'Driver' },
    recipient: { id: 'bot', name: 'Bot' },
    conversation: { id: conversationId } as Activity['conversation'],
    deliveryMode: 'expectReplies',
    ...extra,
  };
}

export async function postActivity(
  baseUrl: string,
  activity: Partial<Activity>,
): Promise<{ status: number; replies: Partial<Activity>[] }> {
  const response = await fetch(`${baseUrl}/api/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(activity),
  });
  const body = response.status === 200 ? ((await response.json()) as { activities?: Partial<Activity>[] }) : {};
  return { status: response.status, replies: (body.activities ?? []).filter((reply) => reply.type === 'message') };
}

export const textsOf = (replies: Partial<Activity>[]): string[] => replies.map((reply) => reply.text ?? '');
