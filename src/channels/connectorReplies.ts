import type { Middleware } from 'botbuilder';
import type { ConnectorClient, ConnectorFactory } from 'botframework-connector';

type Conversations = ConnectorClient['conversations'];

/**
 * `factory` with every reply call of the clients it creates bounded to `timeoutMs`, its retries
 * included: without it a connector that never answers holds the turn (and its conversation's lock)
 * for ever, and one answering 5xx for about 10 s of retries. CloudAdapter sends a reply with
 * `replyToActivity` or `sendToConversation` and no options; given an abort signal, the Azure
 * pipeline stops the call when it fires. (CloudAdapter's connector factory replaces any request
 * policies a client is configured with, so the bound goes on the calls.)
 */
export function boundedConnectorFactory(factory: ConnectorFactory, timeoutMs: number): ConnectorFactory {
  return {
    async create(serviceUrl, audience) {
      const client = await factory.create(serviceUrl, audience);
      const { conversations } = client;
      const replyToActivity = conversations.replyToActivity.bind(conversations);
      const sendToConversation = conversations.sendToConversation.bind(conversations);
      const bound = () => ({ abortSignal: AbortSignal.timeout(timeoutMs) });
      conversations.replyToActivity = ((
        conversationId: string,
        activityId: string,
        activity: Parameters<Conversations['replyToActivity']>[2],
      ) => replyToActivity(conversationId, activityId, activity, bound())) as Conversations['replyToActivity'];
      conversations.sendToConversation = ((conversationId: string, activity: Parameters<Conversations['sendToConversation']>[1]) =>
        sendToConversation(conversationId, activity, bound())) as Conversations['sendToConversation'];
      return client;
    },
  };
}

/** A reply the channel's connector did not take: it answered an error, could not be reached, or did not take it in time. */
export class ReplyNotDeliveredError extends Error {
  constructor(serviceUrl: string | undefined, timeoutMs: number, cause: unknown) {
    super(`The channel's connector${hostOf(serviceUrl)} ${whatHappened(cause, timeoutMs)}`, { cause });
    this.name = 'ReplyNotDeliveredError';
  }
}

function hostOf(serviceUrl: string | undefined): string {
  try {
    return serviceUrl ? ` at ${new URL(serviceUrl).host}` : '';
  } catch {
    return '';
  }
}

/** By the fields the Azure HTTP pipeline sets: the status it got, an abort (the bound), a network error code. */
function whatHappened(cause: unknown, timeoutMs: number): string {
  const { name, statusCode, code } = (cause ?? {}) as { name?: unknown; statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number') return `answered HTTP ${statusCode}: the reply was not delivered`;
  // The pipeline retries 5xx and network errors until the bound stops it: then this is all it says.
  if (name === 'AbortError') return `did not take the reply within ${timeoutMs} ms (no answer, or failures retried until then)`;
  if (typeof code === 'string') return `could not be reached (${code}): the reply was not delivered`;
  return 'failed: the reply was not delivered';
}

/**
 * Adapter middleware for the Bot Framework endpoint, its replies bounded to `timeoutMs`: a reply the
 * connector did not take fails the turn with a `ReplyNotDeliveredError` naming why, and the turn's
 * later replies (its error handler's apology too) fail at once with it instead of waiting on the
 * same connector again.
 */
export function connectorReplies(timeoutMs: number): Middleware {
  return {
    async onTurn(context, next) {
      let failure: ReplyNotDeliveredError | undefined;
      context.onSendActivities(async (_context, _activities, send) => {
        if (failure) throw failure;
        try {
          return await send();
        } catch (error) {
          failure = new ReplyNotDeliveredError(context.activity.serviceUrl, timeoutMs, error);
          throw failure;
        }
      });
      return next();
    },
  };
}
