import * as z from 'zod/mini';
import { ValidationError } from './errors.ts';
import { type CstDate, cstDate, cstInstant, isCstDate, parseDuration } from './time.ts';

/**
 * Input rules shared by every route and command: dates that exist, text that is what it looks like. Reasons are
 * in Chinese (officials read them); the field path stays in `field`.
 */

/** A business date `YYYY-MM-DD` that exists on the calendar (2023-02-30, 2023-13-01, 2023-02-29 are refused). */
export const cstDateSchema = z
  .string({ error: '应为日期 YYYY-MM-DD' })
  .check(z.regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD'), z.refine(isCstDate, '不是真实存在的日期'));

/** A time of day `HH:MM` (24-hour, CST), as the configuration writes deadlines and office hours. */
export const hhmmSchema = z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected HH:MM (24-hour, CST)'));

/** A delay as the configuration writes it (`30m`, `2h`, `1d16h`); `examples` goes into the Chinese reason. */
export function durationSchema(examples: string) {
  return z.string().check(
    z.refine(
      (v) => {
        try {
          parseDuration(v);
          return true;
        } catch {
          return false;
        }
      },
      { message: `应为时长，如 ${examples}` },
    ),
  );
}

const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ]([01]\d|2[0-3]):([0-5]\d)$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An instant as officials type it: `2023-02-22 10:30` (or `T`) in Beijing time, or a full ISO instant with its
 * offset. Parsed to ISO UTC; the date must exist and the time of day be real.
 */
export const cstDateTimeSchema = z.pipe(
  z.string({ error: '应为时间，如 2023-02-22 10:30' }),
  z.transform((s: string, ctx) => {
    const local = LOCAL_DATE_TIME.exec(s.trim());
    if (local) {
      if (!isCstDate(local[1]!)) {
        ctx.issues.push({ code: 'custom', message: '不是真实存在的日期', input: s });
        return z.NEVER;
      }
      return cstInstant(local[1]!, `${local[2]}:${local[3]}`).toISOString();
    }
    const parsed = ISO_INSTANT.test(s) ? Date.parse(s) : Number.NaN;
    if (Number.isNaN(parsed) || !isCstDate(s.slice(0, 10))) {
      ctx.issues.push({ code: 'custom', message: '时间格式应为 YYYY-MM-DD HH:mm（北京时间）', input: s });
      return z.NEVER;
    }
    return new Date(parsed).toISOString();
  }),
);

/** C0/C1 controls except tab and newline, and the bidi embedding/override/isolate marks (text spoofing). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point of this pattern
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/;
/** A UTF-16 surrogate without its pair (not text: it cannot be stored or shown). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Only invisible characters (spaces, zero-width, BOM): blank to a reader. */
const INVISIBLE_ONLY = /^[\s\u200B-\u200D\u2060\uFEFF]*$/;

function cleanText(schema: z.ZodMiniString<string>, allowEmpty: boolean) {
  const raw = z
    .string({ error: '应为文本' })
    .check(z.refine((s) => !LONE_SURROGATE.test(s), '含有无效的字符编码（孤立代理项）'));
  const cleaned = z.string().check(
    z.refine((s) => !FORBIDDEN.test(s), '含有不允许的控制字符或双向文本控制符'),
    z.refine((s) => (allowEmpty && s === '') || !INVISIBLE_ONLY.test(s), '不能为空'),
  );
  return z.pipe(
    z.pipe(
      z.pipe(
        raw,
        z.transform((s: string) => s.normalize('NFC').trim()),
      ),
      cleaned,
    ),
    schema,
  );
}

type CleanText = ReturnType<typeof cleanText>;

/**
 * One schema per kind and length, shared by every field that uses it: about fifty fields use a dozen lengths, and
 * each schema is seven zod objects built at import (module init of every function that validates input). Zod
 * schemas are immutable, so sharing one is safe.
 */
const cleanTexts = new Map<string, CleanText>();
function cleanTextOf(max: number, allowEmpty: boolean): CleanText {
  const key = `${allowEmpty ? 'note' : 'text'}:${max}`;
  let schema = cleanTexts.get(key);
  if (!schema) {
    schema = cleanText(z.string().check(z.maxLength(max, `最多 ${max} 个字符`)), allowEmpty);
    cleanTexts.set(key, schema);
  }
  return schema;
}

/** Required text: NFC-normalised and trimmed; refused when blank, zero-width-only, or holding controls. */
export function text(max: number) {
  return cleanTextOf(max, false);
}

/** Optional free text (a note): may be empty, otherwise the same rules as `text`. */
export function note(max: number) {
  return cleanTextOf(max, true);
}

/** How far ahead of the server clock a reported instant may be (phones with a slightly fast clock). */
export const CLOCK_SKEW_MS = 5 * 60_000;

/** Refuses a date in the future or before the case opened, naming the field (e.g. a return dated next week). */
export function assertDateInCase(field: string, date: CstDate, bounds: { now: Date; openedAt?: string }): void {
  const today = cstDate(bounds.now);
  if (date > today) throw new ValidationError([{ field, reason: `不能晚于今天（${today}）` }]);
  if (bounds.openedAt) assertNotBeforeOpening(field, date, bounds.openedAt);
}

/** Refuses a business date before the CST day the case was opened, naming the field. */
export function assertNotBeforeOpening(field: string, date: CstDate, openedAt: string): void {
  const opened = cstDate(new Date(openedAt));
  if (date < opened) throw new ValidationError([{ field, reason: `不能早于立案日期（${opened}）` }]);
}

/** Refuses an instant in the future (beyond a small clock skew), naming the field. */
export function assertNotFuture(field: string, instant: string, now: Date): void {
  if (Date.parse(instant) > now.getTime() + CLOCK_SKEW_MS)
    throw new ValidationError([{ field, reason: '不能是将来的时间' }]);
}
