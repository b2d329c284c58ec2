import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { createRedisClient, createStateRedisClient, whenRedisReady, type RedisClient } from '../../src/state/redisClient';
import { deleteKeysUnder } from '../../src/state/redisKeys';

/** The run's private redis-server, started by the global setup (test/environment/globalSetup.ts). */
export const sharedRedisUrl = process.env.TEST_REDIS_URL ?? 'redis://test-redis-not-started:1';
export const silentLogger = pino({ level: 'silent' });

/** A fresh prefix per test, so tests share the server without seeing each other's keys. */
export function randomPrefix(): string {
  return `test:${randomBytes(6).toString('hex')}:`;
}

/** A fail-fast client built exactly as the service builds it. */
export async function connectTestClient(url = sharedRedisUrl): Promise<RedisClient> {
  const client = createRedisClient(
    { connection: { kind: 'single', url }, keyPrefix: '', connectTimeoutMs: 2_000, commandTimeoutMs: 2_000 },
    silentLogger,
  );
  await whenRedisReady(client, 5_000);
  return client;
}

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer().once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** A random free port; with `alsoFree`, `port + alsoFree` must be free too (a cluster node's bus port). */
export async function freePort(alsoFree?: number): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if ((await portIsFree(port)) && (alsoFree === undefined || (await portIsFree(port + alsoFree)))) return port;
  }
}

/**
 * A redis-server this test owns, on its own port: `stop` and `start` again (same data directory, so
 * with `--appendonly yes` the data survives), `remove` stops it and deletes its files.
 */
export class OwnedRedisServer {
  private process?: ChildProcess;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'evbot-redis-'));

  constructor(
    readonly port: number,
    private readonly extraArgs: string[] = [],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', this.dir];
    this.process = spawn('redis-server', [...args, ...this.extraArgs], { stdio: 'ignore' });
    for (let attempt = 0; attempt < 100; attempt++) {
      if (spawnSync('redis-cli', ['-p', String(this.port), 'ping'], { encoding: 'utf8' }).stdout.trim() === 'PONG') return;
      await sleep(50);
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  async stop(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM'); // a clean shutdown, so a server with --appendonly yes keeps its data
      const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(forced);
    }
  }

  async remove(): Promise<void> {
    await this.stop();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A local three-master Redis Cluster on free ports; `remove` stops every node it started. */
export class OwnedRedisCluster {
  readonly nodes: OwnedRedisServer[] = [];

  async start(): Promise<void> {
    for (let i = 0; i < 3; i++) {
      const port = await freePort(10_000);
      const node = new OwnedRedisServer(port, ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf']);
      this.nodes.push(node);
      await node.start();
    }
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...this.nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-yes'], {
      encoding: 'utf8',
    });
    if (create.status !== 0) throw new Error(`cluster create failed: ${create.stdout}${create.stderr}`);
    for (let attempt = 0; attempt < 100; attempt++) {
      const states = this.nodes.map((n) => spawnSync('redis-cli', ['-p', String(n.port), 'cluster', 'info'], { encoding: 'utf8' }).stdout);
      if (states.every((info) => info.includes('cluster_state:ok'))) return;
      await sleep(100);
    }
    throw new Error('cluster did not reach cluster_state:ok');
  }

  /** A client built as the service builds its state client (auto-pipelining on). */
  async connect(): Promise<RedisClient> {
    const client = createStateRedisClient(
      {
        connection: { kind: 'cluster', nodes: this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })), tls: false },
        keyPrefix: '',
        connectTimeoutMs: 2_000,
        commandTimeoutMs: 2_000,
      },
      silentLogger,
    );
    await whenRedisReady(client, 10_000);
    return client;
  }

  async remove(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.remove()));
  }
}

/**
 * For a test file on the shared Redis: one client for the file, a fresh prefix for each test, and
 * that prefix's keys deleted after it. Read `client` and `prefix` inside tests and hooks.
 */
export function useSharedRedis(): { readonly client: RedisClient; readonly prefix: string } {
  const shared = {} as { client: RedisClient; prefix: string };
  beforeAll(async () => {
    shared.client = await connectTestClient();
  });
  beforeEach(() => {
    shared.prefix = randomPrefix();
  });
  afterEach(() => deleteKeysUnder(shared.client, shared.prefix));
  afterAll(() => shared.client.disconnect());
  return shared;
}
