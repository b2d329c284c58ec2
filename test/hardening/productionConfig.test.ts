import { loadConfig } from '../../src/config';
import { configProblems } from '../support/config';

const secret32 = 'x'.repeat(32);
const production = {
  NODE_ENV: 'production',
  MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
  MicrosoftAppPassword: 'app-password',
  WEBCHAT_TOKEN_SECRET: secret32,
  PHOTO_LINK_SECRET: secret32,
};

describe('configuration in production', () => {
  it('starts with app credentials and a long enough web chat secret', () => {
    expect(configProblems(production)).toEqual([]);
  });

  it.each([
    ['no app id', { MicrosoftAppId: '' }, 'MicrosoftAppId'],
    ['no app password for a multi-tenant bot', { MicrosoftAppPassword: '' }, 'MicrosoftAppPassword'],
    ['no tenant for a single-tenant bot', { MicrosoftAppType: 'SingleTenant' }, 'MicrosoftAppTenantId'],
    ['no web chat token secret', { WEBCHAT_TOKEN_SECRET: '' }, 'WEBCHAT_TOKEN_SECRET'],
    ['a web chat token secret of 31 bytes', { WEBCHAT_TOKEN_SECRET: 'x'.repeat(31) }, 'WEBCHAT_TOKEN_SECRET'],
    ['no photo link secret', { PHOTO_LINK_SECRET: '' }, 'PHOTO_LINK_SECRET'],
    ['an insights token of 31 bytes', { INSIGHTS_TOKEN: 'x'.repeat(31) }, 'INSIGHTS_TOKEN'],
  ])('refuses to start with %s, naming the variable', (_kind, change, variable) => {
    const problems = configProblems({ ...production, ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${variable}: .*production`));
  });

  it('counts the secret in bytes, not characters', () => {
    expect(configProblems({ ...production, WEBCHAT_TOKEN_SECRET: 'é'.repeat(16) })).toEqual([]);
  });

  it('accepts a managed identity without a password, but not without its tenant', () => {
    const managed = { ...production, MicrosoftAppType: 'UserAssignedMSI', MicrosoftAppPassword: '' };
    expect(configProblems({ ...managed, MicrosoftAppTenantId: 'tenant' })).toEqual([]);
    expect(configProblems(managed)).toEqual([expect.stringMatching(/^MicrosoftAppTenantId: /)]);
  });

  it('lets development run without any of them', () => {
    expect(configProblems({ NODE_ENV: 'development' })).toEqual([]);
  });
});

describe('hardening settings', () => {
  it('has defaults for every limit', () => {
    expect(loadConfig({}).limits).toEqual({
      maxMessageChars: 1000,
      conversationTurns: { points: 30, windowSeconds: 60 },
      tokenRequests: { points: 10, windowSeconds: 60 },
      refusedRequests: { points: 10, windowSeconds: 60 },
      trustedProxyHops: 0,
    });
    expect(loadConfig({}).connectorTimeoutMs).toBe(5_000);
  });

  it('reads the origins that may embed the chat page, and refuses one that is not a URL', () => {
    expect(loadConfig({ WEBCHAT_EMBED_ORIGINS: 'https://www.example.com, https://shop.example.com' }).webPage.embedOrigins).toEqual([
      'https://www.example.com',
      'https://shop.example.com',
    ]);
    expect(configProblems({ WEBCHAT_EMBED_ORIGINS: 'www.example.com' })[0]).toMatch(/^WEBCHAT_EMBED_ORIGINS/);
  });
});
