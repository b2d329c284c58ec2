import { type Config, loadConfig } from '../../src/config';
import { buildService, type Service } from '../../src/index';
import { createLogger } from '../../src/logger';

export interface RunningService {
  service: Service;
  baseUrl: string;
  config: Config;
}

/** The real service on a free port of the loopback interface, configured from `env`. */
export async function startService(env: Record<string, string | undefined> = {}): Promise<RunningService> {
  const config = loadConfig({ LOG_LEVEL: 'silent', NODE_ENV: 'test', ...env });
  const service = buildService(config, createLogger(config));
  const port = await service.http.listen(0, '127.0.0.1');
  return { service, baseUrl: `http://127.0.0.1:${port}`, config };
}
