import * as z from 'zod/mini';
import { calendarConfigSchema } from '../domain/calendar.ts';
import { followUpSectionSchema } from '../domain/followup-config.ts';
import { hhmmSchema } from '../domain/input.ts';
import { reportsConfigSchema } from '../domain/ladder.ts';
import { smsProviderSchema } from '../domain/templates/provider-rules.ts';
import { delayBases } from '../domain/working-time.ts';

const hhmm = hhmmSchema;

/** Outbox dispatcher retry policy: transient failures back off exponentially, capped; after `maxAttempts` the
 * message is FAILED and the office told. A message left SENDING longer than `sendingTimeout` (a crash between
 * Publish and the SENT write) is marked FAILED as uncertain and the office told: never resent blindly. */
export const outboxConfigSchema = z.object({
  backoffBase: z._default(z.string(), '30s'),
  backoffMax: z._default(z.string(), '30m'),
  maxAttempts: z._default(z.int().check(z.gte(1), z.lte(50)), 12),
  sendingTimeout: z._default(z.string(), '10m'),
});

/**
 * The bureau's configuration: calendar, SMS, ladders, notice rules. Parsed once at init with zod; anything
 * invalid fails fast with the field named. Sections are added by the features that own them.
 */
export const appConfigSchema = z.object({
  bureau: z.object({ name: z.string().check(z.minLength(1)), county: z.string().check(z.minLength(1)) }),
  calendar: calendarConfigSchema,
  sms: z.object({
    /** Registered sender / signature shown to recipients (e.g. 【荔浦教育】). */
    senderId: z.string().check(z.minLength(1), z.maxLength(11)),
    signature: z.string().check(z.minLength(2), z.maxLength(12)),
    /** Guardian messages due in quiet hours wait for `end`; officials' messages do not wait. */
    quietHours: z.object({ start: hhmm, end: hhmm }),
    /** Keep every template within this many UCS-2 parts. */
    maxParts: z._default(z.int().check(z.gte(1), z.lte(4)), 2),
    /**
     * Most SMS one official's number gets per CST day from the merged rounds (providers refuse beyond about 10).
     * Notes over the cap are held and merged into the next day's first message, never dropped (docs/sms.md).
     */
    dailyCapPerNumber: z._default(z.int().check(z.gte(1), z.lte(100)), 10),
    /** Who sends: SNS (our rendered text) or a template provider (Tencent, Alibaba); docs/sms.md. */
    provider: z._default(smsProviderSchema, { kind: 'sns' }),
    /**
     * A guardian's notice SMS with no DELIVERED receipt this long after it was sent becomes a task for the school
     * (deliver on paper or by phone). Only where receipts reach the cloud (Tencent); a FAILED or UNDELIVERED
     * notice SMS is a task at once on any provider. Default 2h.
     */
    deliveryConfirmWithin: z._default(z.string().check(z.regex(/^\d+[mh]$/, '应为时长，如 30m 或 2h')), '2h'),
  }),
  /** Report chasing (R1): due times, escalation ladders, dispatcher retry policy. Defaults in docs/report-chasing.md. */
  reports: z._default(reportsConfigSchema, reportsConfigSchema.parse({})),
  /** Outbox dispatcher policy (see docs/sms.md). */
  outbox: z._default(outboxConfigSchema, outboxConfigSchema.parse({})),
  /** Cases and the 劝返复学通知书 (R2–R5, docs/cases.md). The one-week notice period is the law's, not config. */
  cases: z.prefault(
    z.object({
      /** Logged persuasion visits (劝返) a case needs before a notice may be issued (§四(一) 经多次动员). Default 2. */
      minVisitsBeforeNotice: z._default(z.int().check(z.gte(1), z.lte(10)), 2),
      /**
       * Whether the provider's DELIVERED receipt of the guardian's notice SMS counts as the 送达 (the week then runs
       * from the delivery time, method `sms-delivered`). Default false: only the school's recorded receipt does.
       */
      deliveredSmsCountsAsReceipt: z._default(z.boolean(), false),
      /** Days before the deadline the guardian gets a reminder SMS; 0 = no reminder. Default 2. */
      reminderDaysBefore: z._default(z.int().check(z.gte(0), z.lte(6)), 2),
      /**
       * After a lapse nobody acknowledged: how long until the 包片领导 is alerted, then the 总负责人 and the office,
       * counted on `basis` (default officials' working time: 10h = one working day of 08:00–18:00). And the days a
       * township order (责令限期改正 / 限期返校) gives by default.
       */
      escalation: z.prefault(
        z.object({
          reEscalateAfter: z._default(
            z.tuple([z.string().check(z.regex(/^(\d+[dhm])+$/)), z.string().check(z.regex(/^(\d+[dhm])+$/))]),
            ['10h', '10h'],
          ),
          basis: z._default(z.enum(delayBases), 'working'),
          townshipOrderDays: z._default(z.int().check(z.gte(1), z.lte(60)), 7),
        }),
        {},
      ),
    }),
    {},
  ),
  /**
   * R6–R8 follow-up (保学), 送教上门, 大家访 campaigns and digests (see docs/followup.md). Defaults: 4 weekly
   * follow-up visits, a 56-day reopen window, >= 2 送教 visits a month, reminders the school day before,
   * escalation to the school head then the township contacts; no campaign window unless configured.
   */
  followup: z._default(followUpSectionSchema, followUpSectionSchema.parse({})),
  /**
   * Pupil rolls and 户籍 lists: `idKeyParameter` names the SSM SecureString holding the ID-number hash key (the one
   * the CLI's `--key-parameter` reads); the api may read that parameter only. Without it, uploads in the console
   * are refused on a deployed stage (locally the runtime's key file is used).
   */
  rosters: z._default(
    z.strictObject({
      idKeyParameter: z.optional(z.string().check(z.regex(/^\/[A-Za-z0-9_.\-/]{1,1000}$/, 'SSM 参数名应以 / 开头'))),
    }),
    {},
  ),
});
export type AppConfig = z.infer<typeof appConfigSchema>;
