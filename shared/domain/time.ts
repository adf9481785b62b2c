/**
 * Business time is China Standard Time (UTC+8, no DST). Instants are stored as ISO-8601 UTC strings;
 * business dates as `YYYY-MM-DD` in CST.
 */
export const CST_OFFSET_MS = 8 * 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;
export const TIME_ZONE = 'Asia/Shanghai';

/** A business date `YYYY-MM-DD` in China Standard Time. */
export type CstDate = string;

/** The clock port: every use case takes one, tests pass a fixed one. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock fixed at one instant, for tests. */
export function fixedClock(iso: string): Clock & { set(iso: string): void; advance(ms: number): void } {
  let current = new Date(iso);
  return {
    now: () => new Date(current.getTime()),
    set: (next) => {
      current = new Date(next);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}

/** Calendar fields of an instant in CST. */
export function cstParts(instant: Date): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
} {
  const shifted = new Date(instant.getTime() + CST_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth() + 1,
    day: shifted.getUTCDate(),
    hour: shifted.getUTCHours(),
    minute: shifted.getUTCMinutes(),
    second: shifted.getUTCSeconds(),
    // ISO weekday: Monday 1 … Sunday 7
    weekday: shifted.getUTCDay() === 0 ? 7 : shifted.getUTCDay(),
  };
}

/** The CST business date of an instant. */
export function cstDate(instant: Date): CstDate {
  const p = cstParts(instant);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** `HH:MM` in CST. */
export function cstTimeOfDay(instant: Date): string {
  const p = cstParts(instant);
  return `${pad(p.hour)}:${pad(p.minute)}`;
}

/**
 * The instant of a CST wall-clock time on a business date (`time` as `HH:MM` or `HH:MM:SS`).
 * Impossible dates and times (2023-02-30, 24:00) are refused rather than rolled over.
 */
export function cstInstant(date: CstDate, time = '00:00'): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(time);
  if (!m || !t) throw new RangeError(`not a CST date/time: ${date} ${time}`);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0)];
  const utc = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(utc);
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new RangeError(`not a CST date/time: ${date} ${time}`);
  }
  return new Date(utc - CST_OFFSET_MS);
}

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isCstDate(text: string): boolean {
  try {
    cstInstant(text);
    return true;
  } catch {
    return false;
  }
}

/** A business date shifted by whole days. */
export function addDays(date: CstDate, days: number): CstDate {
  return cstDate(new Date(cstInstant(date).getTime() + days * DAY_MS));
}

/** ISO weekday of a business date: Monday 1 … Sunday 7. */
export function weekdayOf(date: CstDate): number {
  return cstParts(cstInstant(date)).weekday;
}

/** `2023-02-20T10:00:00` style local CST text, as EventBridge Scheduler's at() wants it. */
export function cstLocalDateTime(instant: Date): string {
  const p = cstParts(instant);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** Human Chinese date `2月27日` for SMS text. */
export function cstMonthDay(instant: Date): string {
  const p = cstParts(instant);
  return `${p.month}月${p.day}日`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Parses a duration like `90m`, `2h`, `7d`, `1d12h` into milliseconds. */
export function parseDuration(text: string): number {
  const re = /(\d+)\s*(d|h|m|s)/g;
  let total = 0;
  let consumed = 0;
  for (const match of text.matchAll(re)) {
    const unit = match[2] as 'd' | 'h' | 'm' | 's';
    total += Number(match[1]) * { d: DAY_MS, h: 3_600_000, m: 60_000, s: 1000 }[unit];
    // Whitespace inside a match ("30 m") is allowed, so count it the way the check below does.
    consumed += match[0].replace(/\s+/g, '').length;
  }
  if (consumed === 0 || consumed !== text.replace(/\s+/g, '').length) {
    throw new RangeError(`not a duration: "${text}" (use e.g. 30m, 2h, 7d)`);
  }
  return total;
}
