import { loadConfig } from '../../src/config';
import { configProblems } from '../support/config';

describe('insights configuration', () => {
  it('keeps 30 days with no token by default', () => {
    expect(loadConfig({}).insights).toEqual({ token: undefined, retentionDays: 30 });
  });

  it('reads the token and the retention', () => {
    expect(loadConfig({ INSIGHTS_TOKEN: ' secret ', INSIGHTS_RETENTION_DAYS: '2' }).insights).toEqual({
      token: 'secret',
      retentionDays: 2,
    });
  });

  it.each(['0', '367', '1.5', 'month'])('refuses INSIGHTS_RETENTION_DAYS=%s', (days) => {
    expect(configProblems({ INSIGHTS_RETENTION_DAYS: days })).toEqual([expect.stringMatching(/^INSIGHTS_RETENTION_DAYS: /)]);
  });

  it('accepts a short token outside production (tests, a developer)', () => {
    expect(configProblems({ INSIGHTS_TOKEN: 'short' })).toEqual([]);
  });
});
