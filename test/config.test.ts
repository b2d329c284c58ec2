import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configuredEnvironment, loadConfig, readDotEnv } from '../src/config';
import { configProblems } from './support/config';
import { runNode } from './support/process';

describe('configuration', () => {
  it('has working defaults for every variable', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ port: 3978, logLevel: 'info', env: 'development', redis: { connection: undefined } });
    expect(config.botFramework).toEqual({ appId: undefined, appPassword: undefined, appType: 'MultiTenant', tenantId: undefined });
  });

  it('reads and converts the variables it is given', () => {
    const config = loadConfig({
      PORT: '8080',
      LOG_LEVEL: 'debug',
      REDIS_URL: 'rediss://:secret@cache.example:6380',
      MicrosoftAppId: '00000000-0000-0000-0000-000000000001',
      MicrosoftAppType: 'SingleTenant',
    });
    expect(config.port).toBe(8080);
    expect(config.redis.connection).toEqual({ kind: 'single', url: 'rediss://:secret@cache.example:6380' });
    expect(config.botFramework.appType).toBe('SingleTenant');
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ REDIS_URL: '', MicrosoftAppId: '  ' })).toMatchObject({
      redis: { connection: undefined },
      botFramework: { appId: undefined },
    });
  });

  it('is frozen, so no module can change it at run time', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.botFramework)).toBe(true);
  });

  it.each([
    ['a port that is not a number', { PORT: 'abc' }, 'PORT'],
    ['a port out of range', { PORT: '70000' }, 'PORT'],
    ['an unknown log level', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    ['an unknown environment', { NODE_ENV: 'staging' }, 'NODE_ENV'],
    ['a Redis URL of another protocol', { REDIS_URL: 'http://cache:6379' }, 'REDIS_URL'],
    ['something that is not a URL', { REDIS_URL: 'not a url' }, 'REDIS_URL'],
    ['an unknown app type', { MicrosoftAppType: 'Anyone' }, 'MicrosoftAppType'],
  ])('refuses %s and names the variable', (_kind, env, variable) => {
    const problems = configProblems(env);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: `));
  });

  it('refuses a web chat token life below the Direct Line client’s 15-minute refresh (and its retries)', () => {
    expect(() => loadConfig({ WEBCHAT_TOKEN_TTL_SECONDS: '900' })).toThrow(/WEBCHAT_TOKEN_TTL_SECONDS: must be at least 1200/);
    expect(loadConfig({ WEBCHAT_TOKEN_TTL_SECONDS: '1200' }).webchat.tokenTtlSeconds).toBe(1200);
  });

  it('names every bad variable at once', () => {
    const problems = configProblems({ PORT: 'abc', LOG_LEVEL: 'loud' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT']);
  });

  it('checks the rules between variables in the same pass, naming every bad variable in one message', () => {
    const problems = configProblems({
      PORT: '99999',
      TICKET_WEBHOOK_URL: 'https://hooks.example.com/t',
      CONVERSATION_LOCK_TTL_MS: '1000',
      CONVERSATION_LOCK_WAIT_MS: '2000',
    });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['CONVERSATION_LOCK_WAIT_MS', 'PORT', 'TICKET_WEBHOOK_SECRET']);
    expect(() => loadConfig({ PORT: '99999', NODE_ENV: 'production' })).toThrow(
      /PORT: [^]*MicrosoftAppId: required when NODE_ENV=production/,
    );
  });

  it('stops the service before it listens, with exit code 1 and one message naming every bad variable', async () => {
    const { code, stdout, stderr } = await runNode('index.js', {
      env: { PORT: '99999', TICKET_WEBHOOK_URL: 'https://hooks.example.com/t' },
    }).finished;
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toMatch(/^Invalid configuration:\n {2}- PORT: .*\n {2}- TICKET_WEBHOOK_SECRET: required with TICKET_WEBHOOK_URL.*\n$/);
  });

  it('leaves out a rule between variables when one it reads is bad by itself, already named', () => {
    expect(configProblems({ CONVERSATION_LOCK_TTL_MS: 'soon', CONVERSATION_LOCK_WAIT_MS: '2000' })).toEqual([
      expect.stringMatching(/^CONVERSATION_LOCK_TTL_MS: /),
    ]);
    expect(configProblems({ TICKET_WEBHOOK_URL: 'ftp://hooks.example.com', TICKET_WEBHOOK_SECRET: 's' })).toEqual([
      expect.stringMatching(/^TICKET_WEBHOOK_URL: /),
    ]);
  });

  it('reads a .env file, and the real environment wins over it', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'env-')), '.env');
    fs.writeFileSync(file, 'PORT=4000\nLOG_LEVEL=warn\n');
    const config = loadConfig({ ...readDotEnv(file), ...{ LOG_LEVEL: 'error' } });
    expect(config.port).toBe(4000);
    expect(config.logLevel).toBe('error');
    expect(readDotEnv(path.join(path.dirname(file), 'missing.env'))).toEqual({});
    expect(configuredEnvironment({ LOG_LEVEL: 'error' }, file)).toEqual({ PORT: '4000', LOG_LEVEL: 'error' });
  });

  it("reads no .env under NODE_ENV=test, which the test run sets: a developer's own .env never reaches a test", () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'env-')), '.env');
    fs.writeFileSync(file, 'PORT=4000\nREDIS_URL=redis://developer:6379\n');
    expect(configuredEnvironment({ NODE_ENV: 'test' }, file)).toEqual({ NODE_ENV: 'test' });
    expect(process.env.NODE_ENV).toBe('test');
  });
});
