import { type ChildProcess, spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';

export const projectRoot = path.resolve(__dirname, '../..');

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a built entry point of `dist/` (npm test builds first) and collects its output. */
export function runNode(
  script: string,
  options: { env?: Record<string, string>; input?: string; args?: string[] } = {},
): ChildProcess & { finished: Promise<Finished> } {
  const child = spawn(process.execPath, ['--disable-warning=DEP0111', path.join(projectRoot, 'dist', script), ...(options.args ?? [])], {
    cwd: projectRoot,
    env: { ...process.env, LOG_LEVEL: 'info', ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  if (options.input !== undefined) child.stdin.end(options.input);
  const finished = new Promise<Finished>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  return Object.assign(child, { finished });
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Polls until the URL answers 200, for a process that is starting up. */
export async function waitUntilUp(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not come up`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
