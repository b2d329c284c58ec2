import { spawn } from 'node:child_process';
import { freePort, projectRoot, waitUntilUp } from '../support/process';

describe('npm start, the documented start command', () => {
  it('passes SIGTERM on: the service shuts down cleanly, the command exits 0 and nothing keeps listening', async () => {
    const port = await freePort();
    // detached: its own process group, so the test can look for anything left of it afterwards.
    const npm = spawn('npm', ['start'], {
      cwd: projectRoot,
      env: { ...process.env, PORT: String(port), LOG_LEVEL: 'info' },
      detached: true,
    });
    let output = '';
    npm.stdout.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
    try {
      await waitUntilUp(`http://127.0.0.1:${port}/healthz`, 60_000);
      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('"msg":"stopped"');
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
      expect(() => process.kill(-npm.pid!, 0)).toThrow();
    } finally {
      try {
        process.kill(-npm.pid!, 'SIGKILL');
      } catch {
        // already gone, as it should be
      }
    }
  }, 90_000);
});
