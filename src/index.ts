/**
 * The composition root: the only place that builds things and wires them together. Reading this
 * file tells you the whole system. `main()` runs when the file is started as the service.
 */
import {
  CloudAdapter,
  ConversationState,
  MemoryStorage,
  type Middleware,
  type Storage,
  UserState,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { Registry } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import { SupportBot } from './bot';
import { checkIncomingActivity } from './channels/incomingActivity';
import { type Config, ConfigError, loadConfig } from './config';
import { loadContent } from './content/loadContent';
import { ConversationRecords } from './conversation/conversationRecord';
import { HandoffDialog } from './conversation/handoffDialog';
import { MainDialog } from './conversation/mainDialog';
import { inputLimitsMiddleware } from './inputLimits';
import { createLogger, type Logger } from './logger';
import type { Recognizer } from './nlu/types';
import { createMetrics, type Metrics, turnMetricsMiddleware } from './observability/metrics';
import { metricsRoute } from './observability/metricsRoute';
import { adapterResponse } from './security/adapterResponse';
import { BotFrameworkRequestAuthentication } from './security/botFrameworkAuthentication';
import { conversationOf, createRateLimits, limitRequests, type RateLimit } from './security/rateLimits';
import { securityHeaders } from './security/securityHeaders';
import { createHttpService, type HttpService, type ReadinessCheck } from './server';
import { createTurnErrorHandler } from './turnErrorHandler';

export interface BotRuntime {
  bot: SupportBot;
  onTurnError: ReturnType<typeof createTurnErrorHandler>;
  /** Every adapter that runs the bot uses these, in this order. */
  middleware: Middleware[];
  readinessChecks: ReadinessCheck[];
  close(): Promise<void>;
}

/** Everything a turn needs, independent of how activities arrive (HTTP, Direct Line, terminal). */
export function buildBotRuntime(config: Config, logger: Logger, parts: { recognizer?: Recognizer; metrics?: Metrics } = {}): BotRuntime {
  const content = loadContent();
  const { messages } = content;
  // Until the trained recognizer is merged: only typed or clicked buttons are understood.
  const recognizer = parts.recognizer ?? { recognize: () => ({ intent: 'none', confidence: 0, ranking: [], entities: {} }) };
  const metrics = parts.metrics ?? createMetrics(new Registry());
  const storage: Storage = new MemoryStorage();
  if (!config.redis.url) logger.warn('REDIS_URL is not set: conversation state is kept in memory, in this process only');

  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialogState = conversationState.createProperty<DialogState>('DialogState');
  const rootDialog = new MainDialog({
    recognizer,
    content,
    records: new ConversationRecords(conversationState),
    handoffDialog: new HandoffDialog(messages),
    logger,
  });
  const bot = new SupportBot({ conversationState, userState, dialogState, rootDialog, messages, logger });

  return {
    bot,
    onTurnError: createTurnErrorHandler({ conversationState, dialogState, messages, logger }),
    middleware: [turnMetricsMiddleware(metrics), inputLimitsMiddleware({ maxMessageChars: config.limits.maxMessageChars, messages, metrics, logger })],
    readinessChecks: [{ name: 'content', isReady: async () => true }],
    close: async () => undefined,
  };
}

function botFrameworkEndpoint(adapter: CloudAdapter, bot: SupportBot, conversationTurns: RateLimit) {
  return (server: Server) => {
    server.post('/api/messages', limitRequests(conversationTurns, conversationOf), async (req: Request, res: Response) => {
      const check = checkIncomingActivity(req.body);
      if (!check.ok) {
        res.send(400, { code: 'InvalidActivity', message: 'This is not a valid activity.', problems: check.problems });
        return;
      }
      await adapter.process(req, adapterResponse(res), (context) => bot.run(context));
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
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const runtime = buildBotRuntime(config, logger, { metrics });
  const rateLimits = createRateLimits({ limits: config.limits, logger, metrics });
  const adapter = new CloudAdapter(new BotFrameworkRequestAuthentication(config.botFramework));
  adapter.onTurnError = runtime.onTurnError;
  adapter.use(...runtime.middleware);

  const http = createHttpService({
    logger,
    maxBodyBytes: config.maxBodyBytes,
    shutdownGraceMs: config.shutdownGraceMs,
    readinessChecks: runtime.readinessChecks,
    routes: [securityHeaders(), metricsRoute(registry, config.metrics.token), botFrameworkEndpoint(adapter, runtime.bot, rateLimits.conversationTurns)],
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
