import { randomUUID } from 'node:crypto';
import { type Activity, CloudAdapter, type ConversationReference, type InvokeResponse, TurnContext } from 'botbuilder';
// CloudAdapter.process runs this on every activity before its turn (timestamps as Dates); so does this endpoint.
import { validateAndFixActivity } from 'botbuilder/lib/activityValidator';
import {
  type AuthenticateRequestResult,
  AuthenticationConstants,
  AuthenticationError,
  type BotFrameworkAuthentication,
  type ConnectorClient,
  type ConnectorFactory,
} from 'botframework-connector';
import type { Request, Response, Server } from 'restify';
import { KeptByKey } from '../keptByKey';
import type { Logger } from '../logger';
import { botAppIdOf } from '../security/botFrameworkAuthentication';
import { internalErrorBody } from '../security/errorBodies';
import { type RateLimit, sendTooManyRequests } from '../security/rateLimits';
import type { RouteRegistrar } from '../server';
import { type TurnAdmission, turnAdmissionKey } from '../state/conversationTurnGuard';
import { boundedConnectorFactory, connectorReplies } from './connectorReplies';
import { checkIncomingActivity } from './incomingActivity';

/**
 * CloudAdapter, running a turn for a request this endpoint has already authenticated, with every
 * reply to the channel's connector bounded to `connectorTimeoutMs` and one it did not take failing
 * the turn's replies with the reason (`connectorReplies`, its first middleware).
 *
 * A connector client (an Azure HTTP pipeline of a dozen policies) is made once per bot, service URL
 * and audience and kept, where CloudAdapter makes one every turn: that was a tenth of a turn's
 * allocations. The clients are stateless between calls; their credentials cache and renew tokens.
 */
export class EndpointAdapter extends CloudAdapter {
  private readonly connectorClients = new KeptByKey<ConnectorClient>(keptConnectorClients);
  /** The admission of each turn in progress, by its activity (the turn's context is made inside CloudAdapter). */
  private readonly admissions = new WeakMap<Partial<Activity>, Promise<TurnAdmission>>();

  constructor(
    readonly authentication: BotFrameworkAuthentication,
    private readonly connectorTimeoutMs: number,
  ) {
    super(authentication);
    this.use(connectorReplies(connectorTimeoutMs), {
      onTurn: (context, next) => {
        const admission = this.admissions.get(context.activity);
        if (admission) context.turnState.set(turnAdmissionKey, admission);
        return next();
      },
    });
  }

  /** Runs the middleware and `logic`; the replies (expectReplies) or invoke response, if any. */
  async runTurn(
    authenticated: AuthenticateRequestResult,
    activity: Activity,
    logic: (context: TurnContext) => Promise<void>,
    admission?: Promise<TurnAdmission>,
  ): Promise<InvokeResponse | undefined> {
    const connectorFactory = authenticated.connectorFactory && this.keptFactory(authenticated.connectorFactory, authenticated);
    if (admission) this.admissions.set(activity, admission);
    try {
      return await this.processActivity({ ...authenticated, connectorFactory }, activity, logic);
    } finally {
      this.admissions.delete(activity);
    }
  }

  /**
   * BotAdapter's own, as a native async function. botbuilder is compiled to ES2015, so its async
   * methods are `__awaiter` generators: each call makes a fresh generator function whose map lives in
   * the old generation and keeps what the function closes over (here the turn's context, so the whole
   * turn) reachable until the next full collection. This one ran every turn (docs/benchmarks.md).
   */
  protected override async runMiddleware(context: TurnContext, next: (revocableContext: TurnContext) => Promise<void>): Promise<void> {
    if (context.activity?.locale) context.locale = context.activity.locale;
    // Revoked after the turn, as botbuilder does: a handler that kept the context fails loudly.
    const revocable = Proxy.revocable(context, {});
    try {
      await this.middleware.run(revocable.proxy, () => next(revocable.proxy));
    } catch (error) {
      if (!this.onTurnError) throw error;
      await this.onTurnError(revocable.proxy, error as Error);
    } finally {
      revocable.revoke();
    }
  }

  private keptFactory(factory: ConnectorFactory, authenticated: AuthenticateRequestResult): ConnectorFactory {
    const bounded = boundedConnectorFactory(factory, this.connectorTimeoutMs);
    const botAppId = botAppIdOf(authenticated.claimsIdentity);
    return {
      create: (serviceUrl, audience) =>
        this.connectorClients.get(JSON.stringify([botAppId, serviceUrl, audience ?? '']), () => bounded.create(serviceUrl, audience)),
    };
  }

  /**
   * Runs `activity` as a turn of the conversation of `reference`, started by the bot (a proactive
   * turn, as `continueConversationAsync` runs one, with this activity instead of its continuation
   * event): the same middleware and bounded replies, which go to the conversation's channel with the
   * bot's credentials.
   */
  async runProactiveTurn(
    botAppId: string | undefined,
    reference: Partial<ConversationReference>,
    activity: Partial<Activity>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const claimsIdentity = this.createClaimsIdentity(botAppId);
    const addressed = TurnContext.applyConversationReference({ ...activity }, reference, true) as Activity;
    // A turn of its own: not the id of the message the reference was taken from, which was processed already.
    addressed.id = randomUUID();
    const connectorFactory = this.authentication.createConnectorFactory(claimsIdentity);
    await this.runTurn(
      { claimsIdentity, audience: AuthenticationConstants.ToChannelFromBotOAuthScope, connectorFactory },
      addressed,
      logic,
    );
  }
}

/** Service URLs are few (one per channel and region); the bound only stops a caller that names many from growing the map. */
const keptConnectorClients = 100;

export interface BotFrameworkEndpointDeps {
  adapter: EndpointAdapter;
  logic: (context: TurnContext) => Promise<void>;
  /** Turns per conversation, taken only once the request is authenticated. */
  conversationTurns: RateLimit;
  /** Refused (unauthenticated) requests per client address. */
  refusedRequests: RateLimit;
  clientAddress: (req: Request) => string;
  logger: Logger;
}

const refusals = {
  401: { code: 'Unauthorized', message: 'A valid Bot Framework token is required.' },
  403: { code: 'Forbidden', message: 'This caller may not post to this bot.' },
} as const;

/**
 * `POST /api/messages`, the Bot Framework endpoint: what `CloudAdapter.process` does, in an order
 * that counts the right things. The activity is checked (400 naming the fields), the request
 * authenticated (401, counted per client address: 429 past the limit), and only then is a turn of
 * its conversation counted (429 past the limit), so unauthenticated posts naming a conversation
 * cannot lock it out. The count goes out with the turn's first Redis commands; the turn guard waits
 * for it with the lock, and a turn it refuses runs nothing. No refusal is printed to the console
 * (CloudAdapter prints each with its stack).
 */
export function botFrameworkEndpoint(deps: BotFrameworkEndpointDeps): RouteRegistrar {
  return (server: Server) => {
    server.post('/api/messages', async (req: Request, res: Response) => {
      const check = checkIncomingActivity(req.body);
      if (!check.ok) {
        res.send(400, { code: 'InvalidActivity', message: 'This is not a valid activity.', problems: check.problems });
        return;
      }
      const activity = validateAndFixActivity(check.activity);
      const authenticated = await authenticate(deps, req, res, activity);
      if (!authenticated) return;
      // Counted now and decided by the turn guard with the lock's first attempt: one round trip for both.
      const admission = deps.conversationTurns.take(activity.conversation.id);
      const result = await deps.adapter.runTurn(authenticated, activity, deps.logic, admission);
      const turn = await admission;
      if (!turn.allowed) sendTooManyRequests(res, turn);
      else sendTurnResult(res, result);
    });
  };
}

/** The request's authentication (once, with the adapter's own), or undefined once the refusal is answered. */
async function authenticate(
  deps: BotFrameworkEndpointDeps,
  req: Request,
  res: Response,
  activity: Activity,
): Promise<AuthenticateRequestResult | undefined> {
  try {
    return await deps.adapter.authentication.authenticateRequest(activity, req.header('authorization') ?? '');
  } catch (error) {
    if (!(error instanceof AuthenticationError)) throw error;
    const address = await deps.refusedRequests.take(deps.clientAddress(req));
    if (!address.allowed) {
      sendTooManyRequests(res, address);
      return undefined;
    }
    const status = error.statusCode === 403 ? 403 : 401;
    deps.logger.info({ status, channel: activity.channelId }, 'request refused: no valid Bot Framework token');
    res.send(status, refusals[status]);
    return undefined;
  }
}

/**
 * The turn's answer: the replies (expectReplies) or the invoke response as the bot gave them. An
 * invoke nobody handles (botbuilder answers 501 Not Implemented) is a request this bot does not
 * take, 400; a 5xx the bot set gets the fixed body.
 */
function sendTurnResult(res: Response, result: InvokeResponse | undefined): void {
  if (!result) res.send(200);
  else if (result.status === 501)
    res.send(400, { code: 'UnsupportedInvoke', message: 'This bot does not handle invoke activities of this name.' });
  else if (result.status >= 500) res.send(result.status, internalErrorBody);
  else res.send(result.status, result.body);
}
