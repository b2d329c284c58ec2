/**
 * The composition root: the only place that builds things and wires them together. Reading this
 * file tells you the whole system. `main()` runs when the file is started as the service.
 */
import {
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  ConversationState,
  type Middleware,
  UserState,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { Request, Response, Server } from 'restify';
import { SupportBot } from './bot';
import { checkIncomingActivity } from './channels/incomingActivity';
import { type Config, ConfigError, loadConfig } from './config';
import { loadContent } from './content/loadContent';
import { ConversationRecords } from './conversation/conversationRecord';
import { HandoffDialog } from './conversation/handoffDialog';
import { MainDialog } from './conversation/mainDialog';
import { createLogger, type Logger } from './logger';
import { loadRecognizer } from './nlu/model';
import type { Recognizer } from './nlu/types';
import { createHttpService, type HttpService, type ReadinessCheck } from './server';
import { memoryConversationState, redisConversationState } from './state/conversationStateBackend';
import { createRedisClient } from './state/redisClient';
import type { TicketDelivery } from './tickets/delivery';
import { startTicketDelivery } from './tickets/startTicketDelivery';
import { createTurnErrorHandler } from './turnErrorHandler';

export interface BotRuntime {
  bot: SupportBot;
  onTurnError: ReturnType<typeof createTurnErrorHandler>;
  /** Adapter middleware, first in line: one turn at a time per conversation, redeliveries dropped. */
  turnGuard: Middleware;
  readinessChecks: ReadinessCheck[];
  close(): Promise<void>;
}

/**
 * Everything a turn needs, independent of how activities arrive (HTTP, Direct Line, terminal).
 * `parts` replaces pieces in tests; a given `ticketDelivery` is the caller's to close.
 */
export function buildBotRuntime(
  config: Config,
  logger: Logger,
  parts: { recognizer?: Recognizer; ticketDelivery?: TicketDelivery } = {},
): BotRuntime {
  const content = loadContent();
  const { messages } = content;
  const recognizer = parts.recognizer ?? loadRecognizer();
  const state = config.redis.connection
    ? redisConversationState(createRedisClient(config.redis, logger), config, messages, logger)
    : memoryConversationState(config, messages, logger);
  if (state.kind === 'memory') logger.warn('No Redis configured: conversation state is kept in memory, in this process only');

  const conversationState = new ConversationState(state.storage);
  const userState = new UserState(state.storage);
  const dialogState = conversationState.createProperty<DialogState>('DialogState');
  const records = new ConversationRecords(conversationState);
  const tickets = parts.ticketDelivery ? { delivery: parts.ticketDelivery, close: async () => {} } : startTicketDelivery(config, logger);
  const handoffDialog = new HandoffDialog({
    messages,
    recognizer,
    records,
    delivery: tickets.delivery,
    responseTime: config.tickets.responseTime.text,
    logger,
  });
  const rootDialog = new MainDialog({ recognizer, content, records, handoffDialog, logger });
  const bot = new SupportBot({ conversationState, userState, dialogState, rootDialog, messages, logger });

  return {
    bot,
    onTurnError: createTurnErrorHandler({ conversationState, dialogState, messages, logger }),
    turnGuard: state.turnGuard,
    readinessChecks: [
      { name: 'contentAndModel', isReady: async () => true },
      { name: 'conversationState', isReady: async () => state.isReady() },
    ],
    close: async () => {
      // Tickets still waiting for delivery are kept (queue or outbox file) before Redis goes away.
      await tickets.close();
      await state.close();
    },
  };
}

function botFrameworkEndpoint(adapter: CloudAdapter, bot: SupportBot) {
  return (server: Server) => {
    server.post('/api/messages', async (req: Request, res: Response) => {
      const check = checkIncomingActivity(req.body);
      if (!check.ok) {
        res.send(400, { code: 'InvalidActivity', message: 'This is not a valid activity.', problems: check.problems });
        return;
      }
      await adapter.process(req, res, (context) => bot.run(context));
    });
  };
}

export interface Service {
  http: HttpService;
  runtime: BotRuntime;
  /** Graceful stop: no new requests, turns in flight finish, then connections and clients close. */
  stop(): Promise<void>;
}

export function buildService(config: Config, logger: Logger): Service {
  const runtime = buildBotRuntime(config, logger);
  const adapter = new CloudAdapter(
    new ConfigurationBotFrameworkAuthentication({
      MicrosoftAppId: config.botFramework.appId,
      MicrosoftAppPassword: config.botFramework.appPassword,
      MicrosoftAppType: config.botFramework.appType,
      MicrosoftAppTenantId: config.botFramework.tenantId,
    }),
  );
  adapter.onTurnError = runtime.onTurnError;
  adapter.use(runtime.turnGuard);

  const http = createHttpService({
    logger,
    maxBodyBytes: config.maxBodyBytes,
    shutdownGraceMs: config.shutdownGraceMs,
    readinessChecks: runtime.readinessChecks,
    routes: [botFrameworkEndpoint(adapter, runtime.bot)],
  });

  return {
    http,
    runtime,
    stop: async () => {
      await http.shutdown();
      await runtime.close();
    },
  };
}

export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const logger = createLogger(config);
  const service = buildService(config, logger);
  const port = await service.http.listen(config.port);
  logger.info({ port }, `listening on http://localhost:${port}/api/messages`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    await service.stop();
    logger.info('stopped');
    logger.flush();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`Failed to start: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
