import type { Activity, Attachment, ConversationParameters } from 'botbuilder';
import { AuthenticationConstants, type BotFrameworkAuthentication, ClaimsIdentity, type ConnectorClient } from 'botframework-connector';
import type { SupportThread } from './liveHandoffs';

export interface SupportChannelDeps {
  /** The bot's credentials (MicrosoftAppId/Password): the Bot Connector takes only the bot's own token. */
  authentication: BotFrameworkAuthentication;
  botAppId?: string;
  /** The Teams Bot Connector (LIVE_AGENTS_TEAMS_SERVICE_URL), the channel and its tenant. */
  serviceUrl: string;
  channelId: string;
  tenantId: string;
  /** How long one call may take, its retries included (CONNECTOR_TIMEOUT_MS). */
  timeoutMs: number;
}

/** The bot's identity for calls it starts itself, as CloudAdapter makes it for proactive messages. */
function botIdentity(botAppId = ''): ClaimsIdentity {
  return new ClaimsIdentity([
    { type: AuthenticationConstants.AudienceClaim, value: botAppId },
    { type: AuthenticationConstants.AppIdClaim, value: botAppId },
  ]);
}

/**
 * The support team's Teams channel, through the Bot Connector with the bot's credentials: a new
 * thread for each escalation (its card the first message), the card updated as the handoff goes on,
 * and messages posted into a thread. Every call is bounded, so a connector that does not answer
 * cannot hold the driver's turn; a failure says which call and carries the connector's error.
 */
export class SupportChannel {
  constructor(private readonly deps: SupportChannelDeps) {}

  async startThread(card: Attachment): Promise<SupportThread> {
    const { channelId, tenantId, botAppId } = this.deps;
    const parameters = {
      isGroup: true,
      bot: { id: `28:${botAppId ?? ''}` },
      tenantId,
      channelData: { channel: { id: channelId }, tenant: { id: tenantId } },
      activity: { type: 'message', attachments: [card] } as Activity,
    } as ConversationParameters;
    const created = await this.call('create the thread', (client) => client.conversations.createConversation(parameters, this.bound()));
    if (!created.id || !created.activityId)
      throw new Error('The Teams Bot Connector created the thread but did not say its conversation or activity id');
    return { conversationId: created.id, cardActivityId: created.activityId };
  }

  async updateCard(thread: SupportThread, card: Attachment): Promise<void> {
    const activity = { type: 'message', id: thread.cardActivityId, attachments: [card] } as Activity;
    await this.call('update the card', (client) =>
      client.conversations.updateActivity(thread.conversationId, thread.cardActivityId, activity, this.bound()),
    );
  }

  async post(thread: SupportThread, text: string): Promise<void> {
    const activity = { type: 'message', text, textFormat: 'markdown' } as Activity;
    await this.call('post in the thread', (client) =>
      client.conversations.sendToConversation(thread.conversationId, activity, this.bound()),
    );
  }

  private bound() {
    return { abortSignal: AbortSignal.timeout(this.deps.timeoutMs) };
  }

  private async call<T>(what: string, request: (client: ConnectorClient) => Promise<T>): Promise<T> {
    const { authentication, botAppId, serviceUrl } = this.deps;
    try {
      const client = await authentication
        .createConnectorFactory(botIdentity(botAppId))
        .create(serviceUrl, AuthenticationConstants.ToChannelFromBotOAuthScope);
      return await request(client);
    } catch (error) {
      throw new Error(`The Teams Bot Connector at ${new URL(serviceUrl).host} did not ${what}`, { cause: error });
    }
  }
}
