import { type DutyHours, dutyHoursAgents, parseDutyHours } from '../../src/dutyHours';
import { configProblems } from '../support/config';

function hours(text: string): DutyHours {
  const parsed = parseDutyHours(text);
  if (!parsed.ok) throw new Error(parsed.problem);
  return parsed.hours;
}

const at = (iso: string) => new Date(iso);
const london = dutyHoursAgents(hours('Mon-Fri 08:00-18:00 Europe/London'), 10);

describe('support staff duty hours (LIVE_AGENTS_HOURS)', () => {
  it('reads days, times and the time zone; "always" is always', () => {
    expect(hours('Mon-Fri 08:00-18:00 Europe/London')).toEqual({
      kind: 'weekly',
      timeZone: 'Europe/London',
      periods: [{ days: [0, 1, 2, 3, 4], from: 480, to: 1080 }],
    });
    expect(hours('mon-fri 08:00-18:00, Sat 09:00-12:30; sun 10:00-11:00 America/New_York').kind).toBe('weekly');
    expect(hours('Monday-FRIDAY 08:00-18:00 Europe/London')).toEqual(hours('Mon-Fri 08:00-18:00 Europe/London'));
    expect(hours(' Always ')).toEqual({ kind: 'always' });
    const always = dutyHoursAgents(hours('always'), 5);
    expect([always.availableAt(at('2026-12-25T03:00:00Z')), always.waitMinutes]).toEqual([true, 5]);
  });

  it.each([
    ['Mon-Fri 08:00-18:00', /IANA time zone/],
    ['Mon-Fri 08:00-18:00 Mars/Olympus', /IANA time zone/],
    ['Weekdays 08:00-18:00 Europe/London', /days are Mon/],
    ['Mon-Fri 8-18 Europe/London', /expected days and times/],
    ['Mon-Fri 08:00-25:00 Europe/London', /00:00 to 23:59/],
    ['Mon-Fri 08:75-18:00 Europe/London', /00:00 to 23:59/],
    ['Mon-Fri 09:00-09:00 Europe/London', /same time/],
  ])('refuses %p with a clear problem', (text, problem) => {
    const parsed = parseDutyHours(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(problem);
  });

  it('follows the zone through daylight saving: 08:00 London is 08:00 UTC in winter and 07:00 UTC in summer', () => {
    // Monday 26 January 2026 (GMT) and Monday 30 March 2026, the day after the clocks went forward (BST).
    expect(london.availableAt(at('2026-01-26T07:30:00Z'))).toBe(false);
    expect(london.availableAt(at('2026-01-26T08:00:00Z'))).toBe(true);
    expect(london.availableAt(at('2026-03-30T07:30:00Z'))).toBe(true);
    expect(london.availableAt(at('2026-03-30T16:59:00Z'))).toBe(true);
    expect(london.availableAt(at('2026-03-30T17:00:00Z'))).toBe(false);
    // Autumn: Monday 26 October 2026, back on GMT.
    expect(london.availableAt(at('2026-10-26T07:30:00Z'))).toBe(false);
    expect(london.availableAt(at('2026-10-26T17:30:00Z'))).toBe(true);
  });

  it("says when staff are next on duty, in the zone's days: later today, tomorrow, or after the weekend", () => {
    expect(london.nextAvailable(at('2026-01-26T06:15:00Z'))).toBe('today at 08:00');
    expect(london.nextAvailable(at('2026-01-26T19:00:00Z'))).toBe('tomorrow at 08:00');
    // Friday evening and Saturday: Monday; Sunday just before midnight: tomorrow.
    expect(london.nextAvailable(at('2026-01-30T18:00:00Z'))).toBe('Monday at 08:00');
    expect(london.nextAvailable(at('2026-01-31T12:00:00Z'))).toBe('Monday at 08:00');
    expect(london.nextAvailable(at('2026-02-01T23:59:00Z'))).toBe('tomorrow at 08:00');
    // 23:30 UTC on Sunday 29 March 2026 is already Monday 00:30 in London (BST): later today.
    expect(london.nextAvailable(at('2026-03-29T23:30:00Z'))).toBe('today at 08:00');
  });

  it('runs a period past midnight, also from Sunday into Monday', () => {
    const nights = dutyHoursAgents(hours('Sun 22:00-02:00, Wed 09:00-10:00 UTC'), 10);
    expect(nights.availableAt(at('2026-02-01T23:00:00Z'))).toBe(true); // Sunday 23:00
    expect(nights.availableAt(at('2026-02-02T01:30:00Z'))).toBe(true); // Monday 01:30
    expect(nights.availableAt(at('2026-02-02T02:00:00Z'))).toBe(false);
    expect(nights.nextAvailable(at('2026-02-02T02:00:00Z'))).toBe('Wednesday at 09:00');
    expect(nights.nextAvailable(at('2026-02-04T10:00:00Z'))).toBe('Sunday at 22:00');
  });

  it('a zone far from UTC keeps its own days: Tokyo Monday morning is Sunday evening in UTC', () => {
    const tokyo = dutyHoursAgents(hours('Mon-Fri 09:00-17:00 Asia/Tokyo'), 10);
    expect(tokyo.availableAt(at('2026-02-01T23:30:00Z'))).toBe(false); // Monday 08:30 JST
    expect(tokyo.availableAt(at('2026-02-02T00:30:00Z'))).toBe(true); // Monday 09:30 JST
    expect(tokyo.nextAvailable(at('2026-02-01T23:30:00Z'))).toBe('today at 09:00');
  });
});

describe('live handoff configuration', () => {
  const channel = '19:4f2c1d0e9a8b4c7d@thread.tacv2';
  const tenant = '8a3f2c11-5d4e-4b8a-9c6f-0e1d2a3b4c5d';
  const configured = {
    LIVE_AGENTS_TEAMS_CHANNEL_ID: channel,
    LIVE_AGENTS_TEAMS_TENANT_ID: tenant,
    LIVE_AGENTS_HOURS: 'Mon-Fri 08:00-18:00 Europe/London',
  };

  it('is off unless the channel is set: tickets only', () => {
    expect(configProblems({})).toEqual([]);
  });

  it("is on with the channel, the tenant and the hours; the service URL is Teams' global one unless set", async () => {
    const { loadConfig } = await import('../../src/config');
    expect(loadConfig(configured).liveAgents).toEqual({
      teams: { channelId: channel, tenantId: tenant, serviceUrl: 'https://smba.trafficmanager.net/teams/' },
      hours: hours('Mon-Fri 08:00-18:00 Europe/London'),
      waitMinutes: 10,
    });
  });

  it.each([
    [
      'hours that do not parse',
      { ...configured, LIVE_AGENTS_HOURS: 'weekdays 9 to 5' },
      /^LIVE_AGENTS_HOURS: must end with an IANA time zone/,
    ],
    ['no hours', { ...configured, LIVE_AGENTS_HOURS: '' }, /^LIVE_AGENTS_HOURS: required with LIVE_AGENTS_TEAMS_CHANNEL_ID/],
    ['no tenant', { ...configured, LIVE_AGENTS_TEAMS_TENANT_ID: '' }, /^LIVE_AGENTS_TEAMS_TENANT_ID: required/],
    [
      'a tenant that is not a GUID',
      { ...configured, LIVE_AGENTS_TEAMS_TENANT_ID: 'contoso.onmicrosoft.com' },
      /^LIVE_AGENTS_TEAMS_TENANT_ID: must be the Entra tenant id/,
    ],
    [
      'a channel that is not a channel id',
      { ...configured, LIVE_AGENTS_TEAMS_CHANNEL_ID: 'Support' },
      /^LIVE_AGENTS_TEAMS_CHANNEL_ID: must be a Teams channel id/,
    ],
    ['hours without a channel', { LIVE_AGENTS_HOURS: 'always' }, /^LIVE_AGENTS_HOURS: only used with LIVE_AGENTS_TEAMS_CHANNEL_ID/],
    ['a wait of no minutes', { ...configured, LIVE_AGENTS_WAIT_MINUTES: '0' }, /^LIVE_AGENTS_WAIT_MINUTES/],
  ])('refuses %s, naming the variable', (_what, env, problem) => {
    expect(configProblems(env)).toEqual([expect.stringMatching(problem)]);
  });

  it('wants the Teams Bot Connector over https in production', () => {
    const production = {
      NODE_ENV: 'production',
      MicrosoftAppId: '11111111-2222-3333-4444-555555555555',
      MicrosoftAppPassword: 'secret',
      WEBCHAT_TOKEN_SECRET: 'a-web-chat-token-secret-of-32-bytes-or-more',
      PHOTO_LINK_SECRET: 'a-photo-link-secret-of-32-bytes-or-more',
      ...configured,
    };
    expect(configProblems(production)).toEqual([]);
    expect(configProblems({ ...production, LIVE_AGENTS_TEAMS_SERVICE_URL: 'http://connector.example' })).toEqual([
      'LIVE_AGENTS_TEAMS_SERVICE_URL: must be https when NODE_ENV=production',
    ]);
  });
});
