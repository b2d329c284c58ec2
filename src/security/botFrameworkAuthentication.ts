import { type Activity, ConfigurationBotFrameworkAuthentication, StatusCodes } from 'botbuilder';
// botbuilder's own connector (a dependency of botbuilder): CloudAdapter answers 401 only for this class.
import { AuthenticationConstants, AuthenticationError, type ClaimsIdentity, type UserTokenClient } from 'botframework-connector';
import type { Config } from '../config';
import { KeptByKey } from '../keptByKey';

/** The bot a request is for, as botbuilder's connector factories name it: the audience, or for the Emulator the app id. */
export function botAppIdOf(identity: ClaimsIdentity): string {
  return identity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? identity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/**
 * Bot Framework's own request authentication, with one correction: a token whose signature does not
 * verify (or that cannot be parsed) makes `jsonwebtoken` throw a plain error, which CloudAdapter
 * answers with 500. Every failure to authenticate a request is a 401.
 *
 * The user-token client CloudAdapter asks for every turn is made once per bot and kept (it is
 * stateless between calls; its credentials cache and renew their tokens).
 */
export class BotFrameworkRequestAuthentication extends ConfigurationBotFrameworkAuthentication {
  private readonly userTokenClients = new KeptByKey<UserTokenClient>(10);

  constructor(credentials: Config['botFramework']) {
    super({
      MicrosoftAppId: credentials.appId,
      MicrosoftAppPassword: credentials.appPassword,
      MicrosoftAppType: credentials.appType,
      MicrosoftAppTenantId: credentials.tenantId,
    });
  }

  override createUserTokenClient(identity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(botAppIdOf(identity), () => super.createUserTokenClient(identity));
  }

  override async authenticateRequest(activity: Activity, authHeader: string) {
    try {
      return await super.authenticateRequest(activity, authHeader);
    } catch (error) {
      if (error instanceof AuthenticationError) throw error;
      // botframework-connector's constructor takes no options; the cause says what jsonwebtoken refused.
      throw Object.assign(new AuthenticationError('Unauthorized. The token could not be verified.', StatusCodes.UNAUTHORIZED), {
        cause: error,
      });
    }
  }
}
