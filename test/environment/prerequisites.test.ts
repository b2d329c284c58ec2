import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectRoot } from '../support/process';
import { checkPrerequisites, findChromium } from './prerequisites';

/** A directory standing in for PATH, holding executables that do nothing. */
function binDir(...names: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evbot-path-'));
  for (const name of names) fs.writeFileSync(path.join(dir, name), '#!/bin/sh\n', { mode: 0o755 });
  return dir;
}

describe('what the test run needs from the machine', () => {
  it('says in one line what to install, and how on Debian/Ubuntu and on macOS, when redis-server and Chromium are missing', () => {
    const { problem } = checkPrerequisites({ PATH: binDir() }, []);
    expect(problem).toContain('npm test needs redis-server and Chromium');
    expect(problem).toContain('sudo apt-get install redis-server chromium');
    expect(problem).toContain('brew install redis && brew install --cask chromium');
    expect(problem).toContain('CHROMIUM_PATH');
    expect(problem).not.toContain('\n');
  });

  it('names only what is missing', () => {
    expect(checkPrerequisites({ PATH: binDir('redis-server', 'redis-cli') }, []).problem).toMatch(
      /^npm test needs Chromium: `sudo apt-get install chromium`/,
    );
    const withChromium = binDir('chromium');
    expect(checkPrerequisites({ PATH: withChromium }, []).problem).toMatch(
      /^npm test needs redis-server: `sudo apt-get install redis-server` on Debian\/Ubuntu, `brew install redis` on macOS$/,
    );
  });

  it('finds Chromium or Chrome by CHROMIUM_PATH, then on PATH, then where it is usually installed', () => {
    const onPath = binDir('google-chrome');
    const elsewhere = path.join(binDir('Chromium'), 'Chromium');
    expect(findChromium({ PATH: onPath }, [elsewhere])).toBe(path.join(onPath, 'google-chrome'));
    expect(findChromium({ PATH: binDir() }, [elsewhere])).toBe(elsewhere);
    expect(findChromium({ PATH: onPath, CHROMIUM_PATH: elsewhere }, [])).toBe(elsewhere);
    // A CHROMIUM_PATH that is not there is a mistake to report, not a reason to take another browser.
    expect(findChromium({ PATH: onPath, CHROMIUM_PATH: '/nowhere/chromium' }, [elsewhere])).toBeUndefined();
    expect(checkPrerequisites({ PATH: binDir('redis-server', 'redis-cli'), CHROMIUM_PATH: '/nowhere/chromium' }, []).problem).toContain(
      'CHROMIUM_PATH=/nowhere/chromium is not an executable file',
    );
  });

  it("stops the README's test command with that line on a machine without redis-server, before any test runs", async () => {
    const jest = path.join(projectRoot, 'node_modules', 'jest', 'bin', 'jest.js');
    const child = spawn(process.execPath, [jest, 'test/config.test.ts'], { cwd: projectRoot, env: { ...process.env, PATH: binDir() } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(output.trim()).toMatch(
      /^npm test needs redis-server: `sudo apt-get install redis-server` on Debian\/Ubuntu, `brew install redis` on macOS$/,
    );
  });
});
