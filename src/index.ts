/**
 * The composition root: the only place that builds things and wires them together. Reading this
 * file tells you the whole system. `main()` runs when the file is started as the service.
 */
import { randomBytes } from 'node:crypto';
import type { Middleware, Storage, TurnContext } from 'botbuilder';
import { Registry } from 'prom-client';
import type { Server } from 'restify';
import { ConversationHost } from './botframework/conversationHost';
import { SupportBot } from './botframework/supportBot';
import { createTurnErrorHandler } from './botframework/turnErrorHandler';
import { botFrameworkEndpoint, EndpointAdapter } from './channels/botFrameworkEndpoint';
import { type ConversationLog, InMemoryConversationLog } from './channels/directLine/conversationLog';
import { DirectLineConversations } from './channels/directLine/conversations';
import { OutageTolerantLog } from './channels/directLine/outageTolerantLog';
import { RedisConversationLog } from './channels/directLine/redisConversationLog';
import { directLineRoutes, directLineUploadPath } from './channels/directLine/routes';
import { DirectLineStreams } from './channels/directLine/streams';
import { DirectLineTokens, tokenSecretOrDevSecret } from './channels/directLine/tokens';
import { InProcessAdapter } from './channels/inProcessAdapter';
import { driverDelivery } from './channels/liveAgents/driverDelivery';
import { dutyHoursAgents } from './dutyHours';
import { LiveHandoffs } from './channels/liveAgents/liveHandoffs';
import { staffActions } from './channels/liveAgents/staffActions';
import { SupportChannel } from './channels/liveAgents/supportChannel';
import { TeamsLiveAgentHub } from './channels/liveAgents/teamsLiveAgentHub';
import { fieldStaffSteps, teamsInput, teamsTenantGate } from './channels/teams/teamsMiddleware';
import { teamsPhotos } from './channels/teams/teamsPhotos';
import { typingIndicator } from './channels/typingIndicator';
import { embeddingRoutes } from './channels/webchat/embedding';
import { findWebChatBundle, publicDir, webChatPageRoutes } from './channels/webchat/pageRoutes';
import { azureDirectLineSessions, selfHostedRenewal, selfHostedSessions } from './channels/webchat/sessions';
import { webChatTokenRoute } from './channels/webchat/tokenRoute';
import { type Config, ConfigError, loadConfig } from './config';
import { type Content, loadContent } from './content/loadContent';
import { ConversationEngine } from './conversation/engine';
import { procedureStepsOf } from './insights/procedureSteps';
import { createInsightsRecorder, type InsightsRecorder } from './insights/recorder';
import { RedisInsightsStore } from './insights/redisInsightsStore';
import { WriteBehindInsightsStore } from './insights/writeBehindStore';
import { insightsRoutes } from './insights/routes';
import { type InsightsStore, MemoryInsightsStore } from './insights/store';
import { inputLimitsMiddleware } from './inputLimits';
import { createLogger, type Logger, routeConsoleToLog } from './logger';
import { loadRecognizer } from './nlu/model';
import type { Recognizer } from './nlu/types';
import { createMetrics, type Metrics, turnMetricsMiddleware } from './observability/metrics';
import { PhotoIntake } from './photos/photoIntake';
import { PhotoLinks } from './photos/photoLinks';
import { photoRoutes } from './photos/photoRoutes';
import { MemoryPhotoStore, type PhotoStore } from './photos/photoStore';
import { RedisPhotoStore } from './photos/redisPhotoStore';
import { metricsRoute } from './observability/metricsRoute';
import { BotFrameworkRequestAuthentication } from './security/botFrameworkAuthentication';
import { clientAddressOf, createRateLimits, type RateLimits } from './security/rateLimits';
import { directLineConnectSources, securityHeaders, webPageSecurityHeaders } from './security/securityHeaders';
import { createHttpService, type HttpService, type ReadinessCheck, type RouteRegistrar } from './server';
import { memoryConversationState, redisConversationState } from './state/conversationStateBackend';
import { createStateRedisClient, isRedisUnavailable, type RedisClient } from './state/redisClient';
import type { TicketDelivery } from './tickets/delivery';
import type { Ticket } from './tickets/ticket';
import { startTicketDelivery } from './tickets/startTicketDelivery';

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
  /** The live handoff's records and the support team's Teams channel, when LIVE_AGENTS_* configure one. */
  liveHandoff?: LiveHandoffParts;
  photos: PhotoParts;
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
  parts: { recognizer?: Recognizer; ticketDelivery?: TicketDelivery; metrics?: Metrics; memoryStorage?: Storage } = {},
): BotRuntime {
  const content = loadContent();
  const { messages } = content;
  const recognizer = parts.recognizer ?? loadRecognizer();
  const metrics = parts.metrics ?? createMetrics(new Registry());
  const redis = config.redis.connection ? createStateRedisClient(config.redis, logger) : undefined;
  if (redis) metrics.watchRedisErrors(redis, 'state');
  const state = redis
    ? redisConversationState(redis, config, messages, logger)
    : memoryConversationState(config, messages, logger, parts.memoryStorage);
  if (state.kind === 'memory') logger.warn('No Redis configured: conversation state is kept in memory, in this process only');
  const { retentionDays } = config.insights;
  // During a Redis outage every write would say so: the state client logs the outage once.
  const insightsNotWritten = (error: unknown) =>
    logger[redis && isRedisUnavailable(redis, error) ? 'debug' : 'error']({ err: error }, 'insights not recorded');
  // In Redis, written behind: one command a second rather than one a turn.
  const writtenBehind =
    redis &&
    new WriteBehindInsightsStore(new RedisInsightsStore(redis, { keyPrefix: config.redis.keyPrefix, retentionDays }), {
      flushMs: 1000,
      onFailure: insightsNotWritten,
    });
  const insightsStore = writtenBehind || new MemoryInsightsStore({ retentionDays });
  const insights = { recorder: createInsightsRecorder({ store: insightsStore, logger, redis }), store: insightsStore };

  const photos = photoParts(config, logger, redis);

  const { conversationState } = state;
  const tickets = parts.ticketDelivery
    ? { delivery: parts.ticketDelivery, close: async () => {} }
    : startTicketDelivery(config, logger, metrics);
  const liveHandoff = config.liveAgents && liveHandoffParts(config, config.liveAgents, state.storage);
  const engine = new ConversationEngine({
    content,
    recognizer,
    tickets: tickets.delivery,
    liveAgents: config.liveAgents && dutyHoursAgents(config.liveAgents.hours, config.liveAgents.waitMinutes),
    responseTime: config.tickets.responseTime,
    logger,
    photoLink: (photo, createdAt) =>
      photos.links.linkTo(photo.id, photos.origin, new Date(createdAt.getTime() + config.photos.ticketRetentionSeconds * 1000)),
  });
  const hub = liveHandoff && new TeamsLiveAgentHub({ ...liveHandoff, tickets: tickets.delivery, texts: messages.liveStaff, logger });
  const keepTicketPhotos = (ticket: Ticket) =>
    photos.store.retain(ticket.photos?.map((photo) => photo.id) ?? [], config.photos.ticketRetentionSeconds);
  const bot = new SupportBot(
    new ConversationHost({ engine, conversationState, metrics, logger, liveAgents: hub, insights: insights.recorder, keepTicketPhotos }),
  );
  const onTurnError = createTurnErrorHandler({ conversationState, messages, logger });

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
    liveHandoff,
    photos,
    readinessChecks: [
      { name: 'contentAndModel', isReady: async () => true },
      { name: 'conversationState', isReady: async () => state.isReady() },
    ],
    close: async () => {
      // Tickets still waiting for delivery are kept (queue or outbox file) before Redis goes away; so are the insights.
      await tickets.close();
      await writtenBehind?.flush().catch(insightsNotWritten);
      await state.close();
    },
  };
}

interface PhotoParts {
  store: PhotoStore;
  links: PhotoLinks;
  intake: PhotoIntake;
  /** Where the links installers get point (PUBLIC_URL). */
  origin: string;
}

/** Photos drivers send: kept in Redis when configured (else in memory), reached through signed links. */
function photoParts(config: Config, logger: Logger, redis: RedisClient | undefined): PhotoParts {
  const { photos } = config;
  const limits = {
    maxPerConversation: photos.maxPerConversation,
    maxBytesPerConversation: photos.maxBytesPerConversation,
    ttlSeconds: config.conversationState.ttlSeconds,
  };
  const store = redis ? new RedisPhotoStore(redis, { ...limits, keyPrefix: config.redis.keyPrefix }) : new MemoryPhotoStore(limits);
  if (!photos.linkSecret) logger.warn('PHOTO_LINK_SECRET is not set: using a random secret for this process (photo links die on restart)');
  if (config.env === 'production' && !config.publicUrl) logger.warn('PUBLIC_URL is not set: the photo links on tickets point at localhost');
  return {
    store,
    links: new PhotoLinks(photos.linkSecret ?? randomBytes(32).toString('base64url')),
    intake: new PhotoIntake(store, { maxFileBytes: photos.maxFileBytes, maxPerMessage: photos.maxPerMessage }),
    origin: config.publicUrl ?? `http://localhost:${config.port}`,
  };
}

interface LiveHandoffParts {
  handoffs: LiveHandoffs;
  channel: SupportChannel;
  /** The only tenant and channel whose people may take chats over. */
  support: { channelId: string; tenantId: string };
}

/** The live handoff's records (kept like conversation state) and the support team's channel, reached with the bot's credentials. */
function liveHandoffParts(config: Config, live: NonNullable<Config['liveAgents']>, storage: Storage): LiveHandoffParts {
  const channel = new SupportChannel({
    ...live.teams,
    authentication: new BotFrameworkRequestAuthentication(config.botFramework),
    botAppId: config.botFramework.appId,
    timeoutMs: config.connectorTimeoutMs,
  });
  return { handoffs: new LiveHandoffs(storage), channel, support: live.teams };
}

/** Microsoft Teams: which tenants are served, what the bot reads there, and how it answers (cards). */
function teamsMiddleware(
  config: Config,
  logger: Logger,
  content: Content,
  photos: PhotoParts,
): { tenantGate: Middleware; conversation: Middleware[] } {
  if (config.botFramework.appId && config.teams.allowedTenantIds.length === 0)
    logger.warn('TEAMS_ALLOWED_TENANT_IDS is empty: every Teams user is refused');
  return {
    tenantGate: teamsTenantGate({ allowedTenantIds: config.teams.allowedTenantIds, refusal: content.messages.teamsTenantRefused, logger }),
    conversation: [
      teamsInput(),
      teamsPhotos({ intake: photos.intake, messages: content.messages, logger, timeoutMs: config.connectorTimeoutMs }),
      fieldStaffSteps({ content }),
    ],
  };
}

/**
 * An adapter that runs turns in this process (terminal chat, self-hosted Direct Line), with the same
 * metrics, turn guard, input limits and turn error handling as the Bot Framework endpoint.
 * `beforeGuard` goes right after the metrics (the typing indicator, so it covers a wait for the lock).
 */
export function inProcessAdapterFor(runtime: BotRuntime, beforeGuard: Middleware[] = []): InProcessAdapter {
  const adapter = new InProcessAdapter();
  adapter.onTurnError = runtime.onTurnError;
  adapter.use(runtime.turnMetrics, ...beforeGuard, runtime.turnGuard, runtime.inputLimits);
  return adapter;
}

/** The Direct Line activity log: in Redis (answering through an outage) when configured, else in memory. */
function directLineLog(config: Config, logger: Logger, redis: RedisClient | undefined): ConversationLog {
  // The activity log lives as long as the conversation's state.
  const options = { ttlSeconds: config.conversationState.ttlSeconds, limits: config.webchat.log };
  if (!redis) return new InMemoryConversationLog(options);
  return new OutageTolerantLog(new RedisConversationLog(redis, { ...options, keyPrefix: config.redis.keyPrefix, logger }), {
    isUnavailable: (error) => isRedisUnavailable(redis, error),
    logger,
  });
}

/** The website widget: the chat page, its token route and the self-hosted Direct Line (polling and streams). */
function webChatRoutes(
  config: Config,
  logger: Logger,
  runtime: BotRuntime,
  rateLimits: RateLimits,
): { routes: RouteRegistrar[]; conversations: DirectLineConversations; close(): Promise<void> } {
  const { webchat } = config;
  const tokens = new DirectLineTokens({
    secret: tokenSecretOrDevSecret(webchat.tokenSecret, logger),
    ttlSeconds: webchat.tokenTtlSeconds,
    // An expired token renews into its conversation for as long as the conversation is kept.
    renewableForSeconds: config.conversationState.ttlSeconds,
  });
  const directLineAdapter = inProcessAdapterFor(runtime, [typingIndicator({ logger })]);
  const log = directLineLog(config, logger, runtime.redis);
  const streams = new DirectLineStreams({ log, tokens, logger });
  const conversations = new DirectLineConversations({
    adapter: directLineAdapter,
    logic: (context) => runtime.bot.run(context),
    log,
    bot: { id: config.botFramework.appId ?? 'bot', name: 'Charging cable assistant' },
  });
  const routes = [
    embeddingRoutes({ origins: config.webPage.embedOrigins, logger }),
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
      renewal: webchat.azureDirectLine ? undefined : selfHostedRenewal(tokens),
      limit: rateLimits.tokenRequests,
      clientAddress: clientAddressOf(config.limits.trustedProxyHops),
      logger,
    }),
    directLineRoutes({
      conversations,
      tokens,
      maxActivityBytes: webchat.maxActivityBytes,
      conversationTurns: rateLimits.conversationTurns,
      publicUrl: config.publicUrl,
      trustedProxyHops: config.limits.trustedProxyHops,
      photos: { intake: runtime.photos.intake, links: runtime.photos.links, linkLifeSeconds: config.conversationState.ttlSeconds },
    }),
    (server: Server) => streams.attach(server.server),
  ];
  return {
    routes,
    conversations,
    close: async () => {
      await streams.close();
      await log.close();
    },
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
  const rateLimits = createRateLimits({
    limits: config.limits,
    redis: runtime.redis,
    keyPrefix: config.redis.keyPrefix,
    logger,
    onRefused: (limit) => metrics.rateLimited.inc({ limit }),
  });
  const adapter = new EndpointAdapter(new BotFrameworkRequestAuthentication(config.botFramework), config.connectorTimeoutMs);
  adapter.onTurnError = runtime.onTurnError;
  const teams = teamsMiddleware(config, logger, runtime.content, runtime.photos);
  if (config.env === 'production' && !config.insights.token) logger.warn('INSIGHTS_TOKEN is not set: the insights API stays closed');
  const webChat = webChatRoutes(config, logger, runtime, rateLimits);
  const logic = (context: TurnContext) => runtime.bot.run(context);
  // The support team's actions in their Teams channel, delivered into the driver's conversation the way its messages come.
  const liveStaff = runtime.liveHandoff && [
    staffActions({
      ...runtime.liveHandoff,
      deliver: driverDelivery({ directLine: webChat.conversations, endpoint: adapter, botAppId: config.botFramework.appId, logic }),
      turnGuard: runtime.turnGuard,
      texts: runtime.content.messages.liveStaff,
      logger,
    }),
  ];
  // Refused tenants are turned away before anything reads or writes state.
  adapter.use(
    runtime.turnMetrics,
    ...(liveStaff ?? []),
    teams.tenantGate,
    typingIndicator({ logger }),
    runtime.turnGuard,
    ...teams.conversation,
    runtime.inputLimits,
  );

  const http = createHttpService({
    logger,
    maxBodyBytes: config.maxBodyBytes,
    shutdownGraceMs: config.shutdownGraceMs,
    keepAliveTimeoutMs: config.keepAliveTimeoutMs,
    readinessChecks: runtime.readinessChecks,
    ownBodyRoutes: [directLineUploadPath],
    routes: [
      securityHeaders(),
      metricsRoute(registry, config.metrics.token),
      botFrameworkEndpoint({
        adapter,
        logic,
        conversationTurns: rateLimits.conversationTurns,
        refusedRequests: rateLimits.refusedRequests,
        clientAddress: clientAddressOf(config.limits.trustedProxyHops),
        logger,
      }),
      ...webChat.routes,
      photoRoutes({ store: runtime.photos.store, links: runtime.photos.links }),
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
      // Streams first: their clients reconnect (to another instance) while requests in flight finish.
      await webChat.close();
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
  // botbuilder prints to the console (a token it refused, with its stack): that goes to the JSON log.
  routeConsoleToLog(logger);
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
