import AdmZip from 'adm-zip';
import { colorIcon, outlineIcon } from './appIcons';

export const manifestSchemaVersion = '1.17';

export interface TeamsAppOptions {
  /** The bot's MicrosoftAppId (Entra app registration); also used as the Teams app id. */
  appId: string;
  version: string;
  developer: { name: string; websiteUrl: string };
}

/** A page under the developer's site: `/privacy` after its path, its query kept (`https://x.example/en?r=1` gives `https://x.example/en/privacy?r=1`). */
export function pageUnder(websiteUrl: string, page: string): string {
  const url = new URL(websiteUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/${page}`;
  return url.href;
}

/** The Teams app manifest (schema 1.17): a bot for 1:1 chats, group chats and team channels. */
export function teamsManifest(options: TeamsAppOptions) {
  const { appId, developer } = options;
  return {
    $schema: `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifestSchemaVersion}/MicrosoftTeams.schema.json`,
    manifestVersion: manifestSchemaVersion,
    version: options.version,
    id: appId,
    developer: {
      name: developer.name,
      websiteUrl: developer.websiteUrl,
      privacyUrl: pageUnder(developer.websiteUrl, 'privacy'),
      termsOfUseUrl: pageUnder(developer.websiteUrl, 'terms'),
    },
    name: { short: 'Cable release', full: 'Charging cable release assistant' },
    description: {
      short: 'Free a stuck charging cable, step by step.',
      full:
        'Guides field staff and customers through releasing a charging cable stuck in a car or a home charger, ' +
        'shows every step of a procedure in one card, and raises an escalation ticket to installers.',
    },
    icons: { color: 'color.png', outline: 'outline.png' },
    accentColor: '#0B6E4F',
    bots: [
      {
        botId: appId,
        scopes: ['personal', 'team', 'groupChat'],
        supportsFiles: false,
        isNotificationOnly: false,
        commandLists: [
          {
            scopes: ['personal', 'team', 'groupChat'],
            commands: [
              { title: 'steps', description: 'All steps of a procedure in one card, e.g. "steps stuck in car"' },
              { title: 'help', description: 'What the assistant can do' },
            ],
          },
        ],
      },
    ],
    validDomains: [] as string[],
  };
}

/** The zip to upload in Teams (Apps > Manage your apps > Upload an app). */
export function teamsAppPackage(options: TeamsAppOptions): Buffer {
  const zip = new AdmZip();
  zip.addFile('manifest.json', Buffer.from(`${JSON.stringify(teamsManifest(options), null, 2)}\n`));
  zip.addFile('color.png', colorIcon());
  zip.addFile('outline.png', outlineIcon());
  return zip.toBuffer();
}
