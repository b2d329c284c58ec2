/**
 * `npm run teams:package [-- <output.zip>]`: writes the Teams app package (manifest.json and both
 * icons) for the configured MicrosoftAppId, ready to upload to Teams. Default output:
 * dist/teams-app.zip. Prints the path written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { teamsAppPackage } from '../channels/teams/appPackage';
import { ConfigError, loadConfig } from '../config';
import { projectRoot } from '../paths';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
    process.stderr.write('Set MicrosoftAppId (the Azure Bot\'s app id, a GUID) in .env or the environment first.\n');
    return 1;
  }
  const { version } = JSON.parse(fs.readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { version: string };
  const output = path.resolve(process.argv[2] ?? path.join(projectRoot, 'dist', 'teams-app.zip'));
  fs.mkdirSync(path.dirname(output), { recursive: true });
  fs.writeFileSync(output, teamsAppPackage({ appId, version, developer: config.teams.developer }));
  process.stdout.write(`${output}\n`);
  return 0;
}

process.exitCode = main();
