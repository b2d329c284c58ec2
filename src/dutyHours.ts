/**
 * When support staff are on duty to take a chat over (LIVE_AGENTS_HOURS): `always`, or weekly
 * periods in one IANA time zone, e.g. `Mon-Fri 08:00-18:00, Sat 09:00-12:30 Europe/London`. Periods
 * are in the zone's wall-clock time, so they follow its daylight saving changes; a period whose end
 * is before its start runs past midnight (`Fri 22:00-02:00`).
 */
export type DutyHours =
  { readonly kind: 'always' } | { readonly kind: 'weekly'; readonly timeZone: string; readonly periods: readonly DutyPeriod[] };

export interface DutyPeriod {
  /** 0 = Monday ... 6 = Sunday. */
  readonly days: readonly number[];
  /** Minutes after midnight; `to` may pass 1440 (the next day). */
  readonly from: number;
  readonly to: number;
}

const dayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const dayWords = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const minutesPerDay = 24 * 60;
const minutesPerWeek = 7 * minutesPerDay;
const example = 'e.g. "Mon-Fri 08:00-18:00 Europe/London" or "always"';

export type DutyHoursParse = { ok: true; hours: DutyHours } | { ok: false; problem: string };

/** The hours as written in LIVE_AGENTS_HOURS, or what is wrong with them. */
export function parseDutyHours(text: string): DutyHoursParse {
  const written = text.trim();
  if (/^always$/i.test(written)) return { ok: true, hours: { kind: 'always' } };
  const zoneAt = written.lastIndexOf(' ');
  const timeZone = written.slice(zoneAt + 1);
  if (zoneAt < 0 || !isTimeZone(timeZone))
    return { ok: false, problem: `must end with an IANA time zone such as Europe/London (${example})` };
  const periods: DutyPeriod[] = [];
  for (const part of written.slice(0, zoneAt).split(/[,;]/)) {
    const period = parsePeriod(part.trim());
    if (typeof period === 'string') return { ok: false, problem: `"${part.trim()}": ${period} (${example})` };
    periods.push(period);
  }
  return { ok: true, hours: { kind: 'weekly', timeZone, periods } };
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** `Mon-Fri 08:00-18:00`, or what is wrong with it. */
function parsePeriod(part: string): DutyPeriod | string {
  const match = /^([a-z]+)(?:-([a-z]+))?\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/i.exec(part);
  if (!match) return 'expected days and times like Mon-Fri 08:00-18:00';
  const [, first, last = first, fromHours, fromMinutes, toHours, toMinutes] = match;
  const start = dayIndex(first);
  const end = dayIndex(last);
  if (start < 0 || end < 0) return 'days are Mon, Tue, Wed, Thu, Fri, Sat, Sun (or written out)';
  const from = clockMinutes(fromHours, fromMinutes);
  const to = clockMinutes(toHours, toMinutes);
  if (from === undefined || to === undefined || from === minutesPerDay) return 'times are 00:00 to 23:59 (24:00 as an end)';
  if (from === to) return 'a period must not start and end at the same time';
  const days = Array.from({ length: ((end - start + 7) % 7) + 1 }, (_, i) => (start + i) % 7);
  return { days, from, to: to > from ? to : to + minutesPerDay };
}

/** Monday is 0; "Mon" or "Monday", in any letter case; -1 for anything else. */
function dayIndex(word: string): number {
  const lower = word.toLowerCase();
  return dayWords.findIndex((day, i) => lower === dayNames[i] || lower === day.toLowerCase());
}

function clockMinutes(hours: string, minutes: string): number | undefined {
  const value = Number(hours) * 60 + Number(minutes);
  return Number(minutes) < 60 && value <= minutesPerDay ? value : undefined;
}

/** The week's minute (0 = Monday 00:00) that `now` is on the zone's clocks. */
function minuteOfWeek(now: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(now);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return dayNames.indexOf(part('weekday').toLowerCase()) * minutesPerDay + Number(part('hour')) * 60 + Number(part('minute'));
}

/** Each period of each day as [start, end) minutes of the week; an end may pass the week's end. */
function spans(hours: Extract<DutyHours, { kind: 'weekly' }>): [number, number][] {
  return hours.periods.flatMap((period) =>
    period.days.map((day): [number, number] => [day * minutesPerDay + period.from, day * minutesPerDay + period.to]),
  );
}

const clock = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Who is on duty when, as the engine's `LiveAgents` port asks it (src/handoff/liveAgents.ts). */
export interface DutyRoster {
  availableAt(now: Date): boolean;
  nextAvailable(now: Date): string;
  waitMinutes: number;
}

/** The roster of these hours; configuration reads the hours, so this module depends on nothing. */
export function dutyHoursAgents(hours: DutyHours, waitMinutes: number): DutyRoster {
  if (hours.kind === 'always') return { availableAt: () => true, nextAvailable: () => 'now', waitMinutes };
  const weekly = spans(hours);
  return {
    waitMinutes,
    availableAt(now) {
      const minute = minuteOfWeek(now, hours.timeZone);
      // A Sunday period that runs past midnight covers the start of the week too.
      return weekly.some(
        ([start, end]) => (minute >= start && minute < end) || (minute + minutesPerWeek >= start && minute + minutesPerWeek < end),
      );
    },
    nextAvailable(now) {
      const minute = minuteOfWeek(now, hours.timeZone);
      const wait = Math.min(...weekly.map(([start]) => (start - minute + minutesPerWeek) % minutesPerWeek));
      const opens = minute + wait;
      const daysAhead = Math.floor(opens / minutesPerDay) - Math.floor(minute / minutesPerDay);
      const day = daysAhead === 0 ? 'today' : daysAhead === 1 ? 'tomorrow' : dayWords[Math.floor(opens / minutesPerDay) % 7];
      return `${day} at ${clock(opens % minutesPerDay)}`;
    },
  };
}
