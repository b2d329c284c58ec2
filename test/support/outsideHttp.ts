import nock from 'nock';

/**
 * Puts the outside world's HTTP behind nock for one test file: only the hosts given stay reachable,
 * and nock is switched off after the file. Importing nock patches Node's http module for the whole
 * jest worker, so without the restore every later file in that worker would send its real requests
 * through nock's interceptor, whose sockets do not keep the agent's timeouts.
 */
export function mockOutsideHttp(...reachableHosts: string[]): void {
  beforeAll(() => {
    nock.disableNetConnect();
    for (const host of reachableHosts) nock.enableNetConnect(host);
  });
  afterAll(() => {
    nock.cleanAll();
    nock.enableNetConnect();
    nock.restore();
  });
}
