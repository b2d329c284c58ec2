/**
 * The composition root: the only place that builds things and wires them together. Reading this
 * file tells you the whole system. `main()` runs when the file is started as the service.
 */
import { CloudAdapter, type Middleware } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { Registry } from 'prom-client';
import type { Request, Response, Server } from 'restify';
import { SupportBot } from './bot';
import { type ConversationLog, InMemoryConversationLog } from './channels/directLine/conversationLog';
import { DirectLineConversations } from './channels/directLine/conversations';
import { RedisConversationLog } from './channels/directLine/redisConversationLog';
import { directLineRoutes } from './channels/directLine/routes';
import { DirectLineTokens, tokenSecretOrDevSecret } from './channels/directLine/tokens';
import { InProcessAdapter } from './channels/inProcessAdapter';
import { raisedByOf } from './channels/teams/fieldStaff';
import { fieldStaffSteps, teamsCardRenderer, teamsInput, teamsTenantGate } from './channels/teams/teamsMiddleware';
import { checkIncomingActivity } from './channels/incomingActivity';
import { findWebChatBundle, publicDir, webChatPageRoutes } from './channels/webchat/pageRoutes';
import { azureDirectLineSessions, selfHostedSessions } from './channels/webchat/sessions';
import { webChatTokenRoute } from './channels/webchat/tokenRoute';
import { type Config, ConfigError, loadConfig } from './config';
import { type Content, loadContent } from './content/loadContent';
import { ConversationRecords } from './conversation/conversationRecord';
import { HandoffDialog } from './conversation/handoffDialog';
import { MainDialog } from './conversation/mainDialog';
import { procedureStepsOf } from './insights/procedureSteps';
import { createInsightsRecorder, type InsightsRecorder } from './insights/recorder';
import { RedisInsightsStore } from './insights/redisInsightsStore';
import { insightsRoutes } from './insights/routes';
import { type InsightsStore, MemoryInsightsStore } from './insights/store';
import { inputLimitsMiddleware } from './inputLimits';
import { createLogger, type Logger } from './logger';
import { loadRecognizer } from './nlu/model';
import type { Recognizer } from './nlu/types';
import { createMetrics, type Metrics, turnMetricsMiddleware } from './observability/metrics';
import { metricsRoute } from './observability/metricsRoute';
import { adapterResponse } from './security/adapterResponse';
import { BotFrameworkRequestAuthentication } from './security/botFrameworkAuthentication';
import { clientAddressOf, conversationOf, createRateLimits, limitRequests, type RateLimit, type RateLimits } from './security/rateLimits';
import { directLineConnectSources, securityHeaders, webPageSecurityHeaders } from './security/securityHeaders';
import { createHttpService, type HttpService, type ReadinessCheck, type RouteRegistrar } from './server';
import { memoryConversationState, redisConversationState } from './state/conversationStateBackend';
import { createStateRedisClient, type RedisClient } from './state/redisClient';
import type { TicketDelivery } from './tickets/delivery';
import { startTicketDelivery } from './tickets/startTicketDelivery';
import { createTurnErrorHandler } from './turnErrorHandler';

export interface BotRuntime {
  bot: SupportBot;
  content: Content;
  onTurnError: ReturnType<typeof createTurnErrorHandler>;
  /** Adapter middleware, first of all: counts and times every turn. */
  turnMetrics: Middleware;
  /** Adapter middleware, before all that reads or writes state: one turn at a time per conversation, redeliveries dropped. */
  turnGuard: Middleware;
  /** Adapter middleware, last before the bot: answers messages it cannot use (too long, empty, not English...). */
  inputLimits: Middleware;
  /** The Redis client state uses, when Redis is configured: channel stores share it (and its shutdown). */
  redis?: RedisClient;
  /** What the conversations tell the support team (`recorder`), and where it is kept (read by `/api/insights`). */
  insights: { recorder: InsightsRecorder; store: InsightsStore };
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
  parts: { recognizer?: Recognizer; ticketDelivery?: TicketDelivery; metrics?: Metrics } = {},
): BotRuntime {
  const content = loadContent();
  const { messages } = content;
  const recognizer = parts.recognizer ?? loadRecognizer();
  const metrics = parts.metrics ?? createMetrics(new Registry());
  const redis = config.redis.connection ? createStateRedisClient(config.redis, logger) : undefined;
  if (redis) metrics.watchRedisErrors(redis, 'state');
  const state = redis ? redisConversationState(redis, config, messages, logger) : memoryConversationState(config, messages, logger);
  if (state.kind === 'memory') logger.warn('No Redis configured: conversation state is kept in memory, in this process only');
  const { retentionDays } = config.insights;
  const insightsStore = redis ? new RedisInsightsStore(redis, { keyPrefix: config.redis.keyPrefix, retentionDays }) : new MemoryInsightsStore({ retentionDays });
  const insights = { recorder: createInsightsRecorder({ store: insightsStore, logger, redis }), store: insightsStore };

  const { conversationState } = state;
  const dialogState = conversationState.createProperty<DialogState>('DialogState');
  const records = new ConversationRecords(conversationState, logger);
  const tickets = parts.ticketDelivery ? { delivery: parts.ticketDelivery, close: async () => {} } : startTicketDelivery(config, logger, metrics);
  const handoffDialog = new HandoffDialog({
    messages,
    recognizer,
    records,
    delivery: tickets.delivery,
    responseTime: config.tickets.responseTime.text,
    logger,
    // Teams field staff raise tickets for customers; other channels return undefined.
    staffIdentityOf: raisedByOf,
  });
  const rootDialog = new MainDialog({ recognizer, content, records, handoffDialog, logger, metrics });
  const bot = new SupportBot({ conversationState, dialogState, rootDialog, messages, logger });
  const onTurnError = createTurnErrorHandler({ conversationState, dialogState, messages, logger });

  return {
    bot,
    content,
    onTurnError,
    turnMetrics: turnMetricsMiddleware(metrics),
    // Turns that throw inside the guard are recovered under its lock; the adapters' onTurnError takes the rest.
    turnGuard: state.createTurnGuard(onTurnError),
    inputLimits: inputLimitsMiddleware({ maxMessageChars: config.limits.maxMessageChars, messages, metrics, logger }),
    redis,
    insights,
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

/** Microsoft Teams: which tenants are served, what the bot reads there, and how it answers (cards). */
function teamsMiddleware(config: Config, logger: Logger, content: Content): { tenantGate: Middleware; conversation: Middleware[] } {
  if (config.botFramework.appId && config.teams.allowedTenantIds.length === 0) logger.warn('TEAMS_ALLOWED_TENANT_IDS is empty: every Teams user is refused');
  return {
    tenantGate: teamsTenantGate({ allowedTenantIds: config.teams.allowedTenantIds, refusal: content.messages.teamsTenantRefused, logger }),
    conversation: [teamsInput(), teamsCardRenderer(), fieldStaffSteps({ content })],
  };
}

/**
 * An adapter that runs turns in this process (terminal chat, self-hosted Direct Line), with the same
 * metrics, turn guard, input limits and turn error handling as the Bot Framework endpoint.
 */
export function inProcessAdapterFor(runtime: BotRuntime): InProcessAdapter {
  const adapter = new InProcessAdapter();
  adapter.onTurnError = runtime.onTurnError;
  adapter.use(runtime.turnMetrics, runtime.turnGuard, runtime.inputLimits);
  return adapter;
}

/** The website widget: the chat page, its token route and the self-hosted Direct Line. */
function webChatRoutes(config: Config, logger: Logger, runtime: BotRuntime, rateLimits: RateLimits): RouteRegistrar[] {
  const { webchat } = config;
  const tokens = new DirectLineTokens({ secret: tokenSecretOrDevSecret(webchat.tokenSecret, logger), ttlSeconds: webchat.tokenTtlSeconds });
  const directLineAdapter = inProcessAdapterFor(runtime);
  // The activity log lives as long as the conversation's state.
  const logTtlSeconds = config.conversationState.ttlSeconds;
  const log: ConversationLog = runtime.redis
    ? new RedisConversationLog(runtime.redis, { keyPrefix: config.redis.keyPrefix, ttlSeconds: logTtlSeconds })
    : new InMemoryConversationLog(logTtlSeconds);
  const conversations = new DirectLineConversations({
    adapter: directLineAdapter,
    logic: (context) => runtime.bot.run(context),
    log,
    bot: { id: config.botFramework.appId ?? 'bot', name: 'Charging cable assistant' },
  });
  return [
    webChatPageRoutes({
      publicDir,
      webChatBundle: findWebChatBundle(),
      securityHeaders: webPageSecurityHeaders({
        embedOrigins: config.webPage.embedOrigins,
        connectSources: webchat.azureDirectLine ? directLineConnectSources(webchat.azureDirectLine.domain) : [],
      }),
    }),
    webChatTokenRoute({
      sessions: webchat.azureDirectLine ? azureDirectLineSessions(webchat.azureDirectLine) : selfHostedSessions(tokens),
      limit: rateLimits.tokenRequests,
      clientAddress: clientAddressOf(config.limits.trustedProxyHops),
      logger,
    }),
    directLineRoutes({ conversations, tokens, maxActivityBytes: webchat.maxActivityBytes, conversationTurns: rateLimits.conversationTurns }),
  ];
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
  const rateLimits = createRateLimits({ limits: config.limits, redis: runtime.redis, keyPrefix: config.redis.keyPrefix, logger, metrics });
  const adapter = new CloudAdapter(new BotFrameworkRequestAuthentication(config.botFramework));
  adapter.onTurnError = runtime.onTurnError;
  const teams = teamsMiddleware(config, logger, runtime.content);
  if (config.env === 'production' && !config.insights.token) logger.warn('INSIGHTS_TOKEN is not set: the insights API stays closed');
  // Refused tenants are turned away before anything reads or writes state.
  adapter.use(runtime.turnMetrics, teams.tenantGate, runtime.turnGuard, ...teams.conversation, runtime.inputLimits);

  const http = createHttpService({
    logger,
    maxBodyBytes: config.maxBodyBytes,
    shutdownGraceMs: config.shutdownGraceMs,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    readinessChecks: runtime.readinessChecks,
    routes: [
      securityHeaders(),
      metricsRoute(registry, config.metrics.token),
      botFrameworkEndpoint(adapter, runtime.bot, rateLimits.conversationTurns),
      ...webChatRoutes(config, logger, runtime, rateLimits),
      insightsRoutes({
        store: runtime.insights.store,
        procedureSteps: procedureStepsOf(runtime.content),
        retentionDays: config.insights.retentionDays,
        access: { token: config.insights.token, production: config.env === 'production' },
        pageHeaders: webPageSecurityHeaders({ embedOrigins: [] }),
      }),
    ],
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
  logger.info(`chat page on http://localhost:${port}/`);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    try {
      await service.stop();
      logger.info('stopped');
    } catch (error) {
      logger.error({ err: error }, 'shutdown did not finish cleanly');
      process.exitCode = 1;
    }
    logger.flush();
    process.exit();
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
