import { type Activity, ConfigurationBotFrameworkAuthentication, StatusCodes } from 'botbuilder';
// botbuilder's own connector (a dependency of botbuilder): CloudAdapter answers 401 only for this class.
import { AuthenticationError } from 'botframework-connector';
import type { Config } from '../config';

/**
 * Bot Framework's own request authentication, with one correction: a token whose signature does not
 * verify (or that cannot be parsed) makes `jsonwebtoken` throw a plain error, which CloudAdapter
 * answers with 500. Every failure to authenticate a request is a 401.
 */
export class BotFrameworkRequestAuthentication extends ConfigurationBotFrameworkAuthentication {
  constructor(credentials: Config['botFramework']) {
    super({
      MicrosoftAppId: credentials.appId,
      MicrosoftAppPassword: credentials.appPassword,
      MicrosoftAppType: credentials.appType,
      MicrosoftAppTenantId: credentials.tenantId,
    });
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
