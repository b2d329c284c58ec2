import { type Activity, Channels } from 'botbuilder';

/** Who raised a ticket on a customer's behalf: the staff member's Entra object id and name. */
export interface RaisedBy {
  entraObjectId: string;
  name: string;
}

/**
 * In Teams the person chatting is field staff, not the customer: a ticket they raise records them
 * as `raisedBy`, and the contact details asked for are the customer's. Elsewhere: undefined.
 */
export function raisedByOf(activity: Partial<Activity>): RaisedBy | undefined {
  const { aadObjectId, name } = activity.from ?? {};
  if (activity.channelId !== Channels.Msteams || !aadObjectId) return undefined;
  return { entraObjectId: aadObjectId, name: name || 'Field staff' };
}
