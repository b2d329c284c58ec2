import fs from 'node:fs';
import path from 'node:path';

/**
 * What `npm test` needs from the machine besides Node: the redis-server package (each run starts a
 * private server of its own) and a Chromium or Chrome for the browser tests, which are never skipped.
 */

type Env = Record<string, string | undefined>;

/** Where Chromium or Chrome is usually installed, looked at after CHROMIUM_PATH and the names on PATH. */
export const chromiumLocations = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
];
const chromiumNames = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function isExecutableFile(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The first `name` on `PATH` that can be run. */
function onPath(name: string, env: Env): string | undefined {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, name))
    .find(isExecutableFile);
}

/** CHROMIUM_PATH when set (then it must be there), else the first Chromium or Chrome on PATH or where it usually is. */
export function findChromium(env: Env, locations = chromiumLocations): string | undefined {
  if (env.CHROMIUM_PATH) return isExecutableFile(env.CHROMIUM_PATH) ? env.CHROMIUM_PATH : undefined;
  for (const name of chromiumNames) {
    const found = onPath(name, env);
    if (found) return found;
  }
  return locations.find(isExecutableFile);
}

const packages = {
  redis: { what: 'redis-server', debian: 'redis-server', mac: 'brew install redis' },
  chromium: { what: 'Chromium', debian: 'chromium', mac: 'brew install --cask chromium' },
};

export type Prerequisites = { chromium: string; problem?: undefined } | { problem: string };

/** The Chromium to test with, or one line saying what to install and how, on Debian/Ubuntu and on macOS. */
export function checkPrerequisites(env: Env, locations = chromiumLocations): Prerequisites {
  const chromium = findChromium(env, locations);
  const missing = [
    ...(onPath('redis-server', env) && onPath('redis-cli', env) ? [] : [packages.redis]),
    ...(chromium ? [] : [packages.chromium]),
  ];
  if (chromium && missing.length === 0) return { chromium };
  const chromiumHint = chromium
    ? ''
    : env.CHROMIUM_PATH
      ? ` (CHROMIUM_PATH=${env.CHROMIUM_PATH} is not an executable file)`
      : ' (or set CHROMIUM_PATH to a Chromium or Chrome)';
  return {
    problem:
      `npm test needs ${missing.map((p) => p.what).join(' and ')}: ` +
      `\`sudo apt-get install ${missing.map((p) => p.debian).join(' ')}\` on Debian/Ubuntu` +
      `${chromium ? '' : ' (Ubuntu: chromium-browser)'}, \`${missing.map((p) => p.mac).join(' && ')}\` on macOS${chromiumHint}`,
  };
}
