import { Writable } from 'node:stream';
import { type Config, loadConfig } from '../../src/config';
import { buildService, type Service } from '../../src/index';
import { createLogger } from '../../src/logger';

export interface RunningService {
  service: Service;
  baseUrl: string;
  config: Config;
  /** The log lines, parsed, when started with `captureLogs`. */
  logs: Record<string, unknown>[];
}

/** The real service on a free port of the loopback interface, configured from `env`. */
export async function startService(
  env: Record<string, string | undefined> = {},
  options: { captureLogs?: boolean } = {},
): Promise<RunningService> {
  const config = loadConfig({ LOG_LEVEL: options.captureLogs ? 'info' : 'silent', NODE_ENV: 'test', ...env });
  const logs: Record<string, unknown>[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const service = buildService(config, createLogger(config, options.captureLogs ? capture : undefined));
  const port = await service.http.listen(0, '127.0.0.1');
  return { service, baseUrl: `http://127.0.0.1:${port}`, config, logs };
}
