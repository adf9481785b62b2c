import { Cron } from 'croner';

/**
 * EventBridge Scheduler cron expressions (six fields: minutes hours day-of-month month day-of-week year,
 * `?` for "no specific value", day-of-week 1–7 = SUN–SAT) evaluated in a time zone with croner.
 * Source: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
export class AwsCron {
  private readonly cron: Cron;

  constructor(
    readonly expression: string,
    readonly timezone: string,
  ) {
    this.cron = new Cron(toCronerPattern(expression), { timezone, paused: true, mode: '7-part', domAndDow: false });
  }

  /** The first firing strictly after `after`, or null when the expression never fires again. */
  nextAfter(after: Date): Date | null {
    return this.cron.nextRun(after);
  }

  /** The last firing at or before `at` and after `after` (exclusive), or null when there is none. */
  lastBetween(after: Date, at: Date): Date | null {
    let last: Date | null = null;
    let cursor = this.nextAfter(after);
    while (cursor && cursor.getTime() <= at.getTime()) {
      last = cursor;
      cursor = this.nextAfter(cursor);
    }
    return last;
  }
}

/** `0 8 ? * MON-FRI *` (AWS) → `0 0 8 * * MON-FRI *` (croner, seconds first, Sunday = 0). */
export function toCronerPattern(expression: string): string {
  const body = expression
    .trim()
    .replace(/^cron\((.*)\)$/, '$1')
    .trim();
  const fields = body.split(/\s+/);
  if (fields.length !== 6) {
    throw new RangeError(`an EventBridge cron has 6 fields (min hour dom month dow year), got "${expression}"`);
  }
  const [minute, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (dom !== '?' && dow !== '?') throw new RangeError(`cron "${expression}": day-of-month or day-of-week must be ?`);
  const awsDow =
    dow === '?' ? '*' : dow.replace(/(^|[,-])([1-7])/g, (_m, sep: string, d: string) => sep + (Number(d) - 1));
  const out = [minute, hour, dom === '?' ? '*' : dom, month, awsDow, year].map((f, i) => openStep(f, FIELD_MAX[i]!));
  return ['0', ...out].join(' ');
}

/** Upper bound of each field (minute, hour, dom, month, dow after the Sunday = 0 shift, year). */
const FIELD_MAX = [59, 23, 31, 12, 6, 2199];

/** AWS allows `5/15` (from 5, every 15); croner wants a range: `5-59/15`. */
function openStep(field: string, max: number): string {
  return field
    .split(',')
    .map((part) => part.replace(/^(\d+)\/(\d+)$/, (_m, from: string, step: string) => `${from}-${max}/${step}`))
    .join(',');
}
