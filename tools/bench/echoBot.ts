import { ActivityHandler, CloudAdapter, ConversationState, MemoryStorage, type TurnContext } from 'botbuilder';
import type { Request, Response, Server } from 'restify';
import type { Config } from '#service/config';
import type { Logger } from '#service/logger';
import { BotFrameworkRequestAuthentication } from '#service/security/botFrameworkAuthentication';
import { createHttpService, type HttpService } from '#service/server';

/** The smallest useful Bot Framework bot: reads and writes one state property, echoes the text. */
class EchoBot extends ActivityHandler {
  private readonly turns;

  constructor(private readonly conversationState: ConversationState) {
    super();
    this.turns = conversationState.createProperty<number>('turns');
    this.onMessage(async (context, next) => {
      const count = (await this.turns.get(context, 0)) + 1;
      await this.turns.set(context, count);
      await context.sendActivity(`echo ${count}: ${context.activity.text ?? ''}`);
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    await super.run(context);
    await this.conversationState.saveChanges(context, false);
  }
}

/**
 * The benchmark's baseline: the same restify service shape, server settings and CloudAdapter as the
 * real service, with in-memory state and no recognizer, dialogs, limits or metrics.
 */
export function echoBotService(
  logger: Logger,
  settings: Pick<Config, 'botFramework' | 'maxBodyBytes' | 'shutdownGraceMs' | 'keepAliveTimeoutMs'>,
): HttpService {
  const adapter = new CloudAdapter(new BotFrameworkRequestAuthentication(settings.botFramework));
  const bot = new EchoBot(new ConversationState(new MemoryStorage()));
  const route = (server: Server) =>
    server.post('/api/messages', async (req: Request, res: Response) => {
      await adapter.process(req, res, (context) => bot.run(context));
    });
  const { maxBodyBytes, shutdownGraceMs, keepAliveTimeoutMs } = settings;
  return createHttpService({ logger, maxBodyBytes, shutdownGraceMs, keepAliveTimeoutMs, readinessChecks: [], routes: [route] });
}
