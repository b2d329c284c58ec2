/**
 * `npm run teams:package [-- <output.zip>]`: writes the Teams app package (manifest.json and both
 * icons) for the configured MicrosoftAppId, ready to upload to Teams. Default output:
 * dist/teams-app.zip. Prints the path written; warns on stderr about what would make the app
 * useless or look unfinished (no tenant served, placeholder publisher).
 */
import fs from 'node:fs';
import path from 'node:path';
import { teamsAppPackage } from '../channels/teams/appPackage';
import { type Config, ConfigError, defaultTeamsDeveloper, loadConfig } from '../config';
import { projectRoot } from '../paths';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function warnings(teams: Config['teams']): string[] {
  const found: string[] = [];
  if (teams.allowedTenantIds.length === 0)
    found.push('TEAMS_ALLOWED_TENANT_IDS is empty: the bot refuses every Teams user until it lists your tenant');
  if (teams.developer.name === defaultTeamsDeveloper.name)
    found.push(`TEAMS_DEVELOPER_NAME is the placeholder "${defaultTeamsDeveloper.name}"`);
  if (teams.developer.websiteUrl === defaultTeamsDeveloper.websiteUrl) {
    found.push(
      `TEAMS_DEVELOPER_URL is the placeholder ${defaultTeamsDeveloper.websiteUrl}: the app's privacy and terms links lead nowhere`,
    );
  }
  return found;
}

function main(): number {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 1;
  }
  const appId = config.botFramework.appId;
  if (!appId || !guid.test(appId)) {
    process.stderr.write("Set MicrosoftAppId (the Azure Bot's app id, a GUID) in .env or the environment first.\n");
    return 1;
  }
  const packageVersion = (JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string }).version;
  const version = config.teams.appVersion ?? packageVersion;
  const output = path.resolve(process.argv[2] ?? path.join(projectRoot, 'dist', 'teams-app.zip'));
  for (const warning of warnings(config.teams)) process.stderr.write(`Warning: ${warning}\n`);
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, teamsAppPackage({ appId, version, developer: config.teams.developer }));
  process.stdout.write(`${output}\n`);
  return 0;
}

process.exitCode = main();
