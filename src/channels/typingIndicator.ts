import { ActivityTypes, DeliveryModes, type Middleware, TurnContext } from 'botbuilder';
import type { Logger } from '../logger';

/**
 * Shows the user that the bot is working: a typing activity when a message's turn has run for
 * `delayMs`, then every `periodMs` until the bot answers or the turn ends. botbuilder's ShowTypingMiddleware does the
 * same but hands a failed indicator to the adapter's onTurnError (which apologises and clears the
 * dialog: a Teams 429 on a typing activity would cost the driver their place) and sends it past
 * `expectReplies` buffering (to a serviceUrl that expects nothing). Here a failed indicator is
 * only logged, and a turn whose replies go in the HTTP response gets none.
 */
export function typingIndicator(deps: { logger: Logger; delayMs?: number; periodMs?: number }): Middleware {
  const delayMs = deps.delayMs ?? 500;
  const periodMs = deps.periodMs ?? 2_000;
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>) {
      const { type, deliveryMode } = context.activity;
      if (type !== ActivityTypes.Message || deliveryMode === DeliveryModes.ExpectReplies) return next();
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      const indicate = async () => {
        const typing = TurnContext.applyConversationReference(
          { type: ActivityTypes.Typing },
          TurnContext.getConversationReference(context.activity),
        );
        try {
          // Straight to the adapter: a typing activity is not a reply (no responded flag, no other middleware).
          await context.adapter.sendActivities(context, [typing]);
        } catch (error) {
          deps.logger.debug({ err: error }, 'typing indicator not sent');
        }
        if (!finished) timer = setTimeout(indicate, periodMs);
      };
      const stop = () => {
        finished = true;
        clearTimeout(timer);
      };
      context.onSendActivities(async (_context, activities, send) => {
        if (activities.some((activity) => activity.type === ActivityTypes.Message)) stop();
        return send();
      });
      timer = setTimeout(indicate, delayMs);
      try {
        await next();
      } finally {
        stop();
      }
    },
  };
}
