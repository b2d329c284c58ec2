import path from 'node:path';
import { loadConfig } from '../../src/config';
import { projectRoot } from '../../src/paths';
import { configProblems } from '../support/config';

describe('ticket configuration', () => {
  it('defaults to the outbox file under data/, delivered in-service', () => {
    const { tickets } = loadConfig({});
    expect(tickets.adapter).toEqual({ kind: 'outbox' });
    expect(tickets.outboxFile).toBe(path.join(projectRoot, 'data/tickets.jsonl'));
    expect(tickets.worker).toBe('embedded');
    expect(tickets.responseTime).toBe('within 24 hours');
  });

  it('chooses the webhook when its URL and secret are set', () => {
    const { tickets } = loadConfig({ TICKET_WEBHOOK_URL: 'https://hooks.example.com/t', TICKET_WEBHOOK_SECRET: 's3cret' });
    expect(tickets.adapter).toEqual({ kind: 'webhook', url: 'https://hooks.example.com/t', secret: 's3cret' });
  });

  it('chooses Zendesk when its three variables are set', () => {
    const { tickets } = loadConfig({ ZENDESK_SUBDOMAIN: 'acme', ZENDESK_EMAIL: 'bot@acme.example', ZENDESK_API_TOKEN: 't' });
    expect(tickets.adapter).toEqual({ kind: 'zendesk', subdomain: 'acme', email: 'bot@acme.example', apiToken: 't' });
  });

  it('takes the response time text and retry settings', () => {
    const { tickets } = loadConfig({
      TICKET_RESPONSE_TIME_TEXT: 'by the end of the next working day',
      TICKET_DELIVERY_ATTEMPTS: '3',
      TICKET_BACKOFF_BASE_MS: '10',
      TICKET_BACKOFF_MAX_MS: '40',
    });
    expect(tickets.responseTime).toBe('by the end of the next working day');
    expect(tickets.retry).toEqual({ attempts: 3, backoffBaseMs: 10, backoffMaxMs: 40 });
  });

  it.each([
    [{ TICKET_WEBHOOK_URL: 'https://hooks.example.com/t' }, 'TICKET_WEBHOOK_SECRET: required with TICKET_WEBHOOK_URL'],
    [{ TICKET_WEBHOOK_SECRET: 's' }, 'TICKET_WEBHOOK_URL: required'],
    [{ TICKET_ADAPTER: 'webhook' }, 'TICKET_WEBHOOK_URL: required'],
    [{ ZENDESK_SUBDOMAIN: 'acme' }, 'ZENDESK_API_TOKEN: required for the Zendesk adapter'],
    [{ TICKET_ADAPTER: 'zendesk', ZENDESK_SUBDOMAIN: 'acme', ZENDESK_API_TOKEN: 't' }, 'ZENDESK_EMAIL: required'],
    [
      {
        TICKET_WEBHOOK_URL: 'https://h.example.com',
        TICKET_WEBHOOK_SECRET: 's',
        ZENDESK_SUBDOMAIN: 'a',
        ZENDESK_EMAIL: 'a@b.example',
        ZENDESK_API_TOKEN: 't',
      },
      'TICKET_ADAPTER: both the webhook and Zendesk are configured',
    ],
    [{ TICKET_BACKOFF_BASE_MS: '5000', TICKET_BACKOFF_MAX_MS: '100' }, 'TICKET_BACKOFF_BASE_MS: must not exceed'],
    [{ TICKET_WORKER: 'standalone' }, 'TICKET_WORKER: "standalone" needs Redis'],
    [{ TICKET_WEBHOOK_URL: 'ftp://h.example.com', TICKET_WEBHOOK_SECRET: 's' }, 'TICKET_WEBHOOK_URL'],
    [
      { ZENDESK_SUBDOMAIN: 'acme.zendesk.com', ZENDESK_EMAIL: 'a@b.example', ZENDESK_API_TOKEN: 't' },
      'ZENDESK_SUBDOMAIN: just the subdomain',
    ],
  ])('names the problem with %j', (env, problem) => {
    expect(configProblems(env).join('\n')).toContain(problem);
  });

  it('lets TICKET_ADAPTER pick one of two configured systems', () => {
    const { tickets } = loadConfig({
      TICKET_ADAPTER: 'zendesk',
      TICKET_WEBHOOK_URL: 'https://h.example.com',
      TICKET_WEBHOOK_SECRET: 's',
      ZENDESK_SUBDOMAIN: 'acme',
      ZENDESK_EMAIL: 'a@b.example',
      ZENDESK_API_TOKEN: 't',
    });
    expect(tickets.adapter.kind).toBe('zendesk');
  });
});
