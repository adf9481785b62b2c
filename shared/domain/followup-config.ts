import * as z from 'zod/mini';
import { cstDateSchema, durationSchema, hhmmSchema } from './input.ts';
import { parseDuration } from './time.ts';
import { delayBases } from './working-time.ts';

const hhmm = hhmmSchema;
const isoDate = cstDateSchema;

/** Who an escalation goes to, resolved against the directory. */
export const escalationRoles = ['school-head', 'township-contact', 'area-leader', 'chief', 'office'] as const;
export const escalationRoleSchema = z.enum(escalationRoles);
export type EscalationRole = z.infer<typeof escalationRoleSchema>;

const duration = durationSchema('1h、21h、1d16h');

/**
 * One escalation step of a duty. Either `after` a delay past the duty's deadline counted on `basis` (default
 * officials' working time: office hours on national working days, 调休 Saturdays included, so a Friday-evening
 * deadline's step lands on Monday morning; `wall` keeps wall-clock time, `school` counts office hours on school
 * days), or — the older form — `afterDays` days (school days for visits, calendar days for campaigns) at
 * `escalateAt`.
 */
export const dutyEscalationStepSchema = z.union([
  z.object({
    after: duration,
    basis: z._default(z.enum(delayBases), 'working'),
    roles: z.array(escalationRoleSchema).check(z.minLength(1)),
  }),
  z.object({
    afterDays: z.int().check(z.gte(1), z.lte(60)),
    roles: z.array(escalationRoleSchema).check(z.minLength(1)),
  }),
]);
export type DutyEscalationStep = z.infer<typeof dutyEscalationStepSchema>;

/** Steps in one form: comparable delays (ms for `after`, days for `afterDays`); undefined when mixed. */
function stepDelays(steps: readonly DutyEscalationStep[]): number[] | undefined {
  const ms = (text: string) => {
    try {
      return parseDuration(text);
    } catch {
      return Number.NaN; // reported by the field's own check
    }
  };
  if (steps.every((s) => 'after' in s)) return steps.map((s) => ms((s as { after: string }).after));
  if (steps.every((s) => 'afterDays' in s)) return steps.map((s) => (s as { afterDays: number }).afterDays);
  return undefined;
}

/**
 * When a duty (a visit, a campaign) reminds and escalates, relative to its due date: reminders `daysBefore` the
 * due date at `at` (school days for visits, calendar days for campaigns), escalation steps after the deadline
 * (`dueTime` on the due date), see dutyEscalationStepSchema.
 */
export const dutyScheduleSchema = z
  .object({
    /** The duty must be recorded by this time on its due date. */
    dueTime: z._default(hhmm, '20:00'),
    reminders: z._default(z.array(z.object({ daysBefore: z.int().check(z.gte(0), z.lte(30)), at: hhmm })), []),
    /** Time of day of `afterDays` steps. */
    escalateAt: z._default(hhmm, '09:00'),
    escalation: z.array(dutyEscalationStepSchema).check(z.minLength(1)),
  })
  .check(
    z.refine((s) => stepDelays(s.escalation) !== undefined, {
      message: '各级上报须统一使用 after（时长）或 afterDays（天数）',
      path: ['escalation'],
    }),
    z.refine((s) => (stepDelays(s.escalation) ?? []).every((d, i, all) => i === 0 || !(d <= all[i - 1]!)), {
      message: '各级上报时间须依次严格递增',
      path: ['escalation'],
    }),
  );
export type DutySchedule = z.infer<typeof dutyScheduleSchema>;

/**
 * Default reminder/escalation schedules (documented in docs/followup.md). Escalations count officials' working
 * time after the 20:00 deadline (office hours, reports.officeHours, default 08:00–18:00): +1h is 09:00 the next
 * working day, +21h 09:00 three working days later, +51h 09:00 six working days later.
 */
export const DEFAULT_SCHEDULES: Record<'plan' | 'sendTeaching' | 'campaigns', DutySchedule> = {
  plan: {
    dueTime: '20:00',
    reminders: [{ daysBefore: 1, at: '08:00' }],
    escalateAt: '09:00',
    escalation: [
      { after: '1h', basis: 'working', roles: ['school-head'] },
      { after: '21h', basis: 'working', roles: ['township-contact'] },
    ],
  },
  sendTeaching: {
    dueTime: '20:00',
    reminders: [{ daysBefore: 2, at: '08:00' }],
    escalateAt: '09:00',
    escalation: [
      { after: '1h', basis: 'working', roles: ['school-head'] },
      { after: '21h', basis: 'working', roles: ['township-contact'] },
    ],
  },
  campaigns: {
    dueTime: '20:00',
    reminders: [
      { daysBefore: 7, at: '09:00' },
      { daysBefore: 1, at: '09:00' },
    ],
    escalateAt: '09:00',
    escalation: [
      { after: '1h', basis: 'working', roles: ['school-head'] },
      { after: '21h', basis: 'working', roles: ['township-contact'] },
      { after: '51h', basis: 'working', roles: ['area-leader'] },
    ],
  },
};

/** The schedule of a feature: configured, else the default. */
export function scheduleOf(
  section: {
    plan: { schedule?: DutySchedule };
    sendTeaching: { schedule?: DutySchedule };
    campaigns: { schedule?: DutySchedule };
  },
  feature: 'plan' | 'sendTeaching' | 'campaigns',
): DutySchedule {
  return section[feature].schedule ?? DEFAULT_SCHEDULES[feature];
}

/** R6 保学: follow-up of a returned pupil (§五(四)). */
export const followUpConfigSchema = z.object({
  /** Number of follow-up visits, one every `everyDays` calendar days after the return (default: 4 weekly visits). */
  visits: z._default(z.int().check(z.gte(1), z.lte(52)), 4),
  everyDays: z._default(z.int().check(z.gte(1), z.lte(60)), 7),
  /** A pupil reported absent within this many calendar days of the return reopens the case. */
  windowDays: z._default(z.int().check(z.gte(1), z.lte(365)), 56),
  /** Reminders and escalations; absent = the default in DEFAULT_SCHEDULES (kept out of the parsed config: Lambda env is small). */
  schedule: z.optional(dutyScheduleSchema),
});

/** R6 送教上门 一人一案 for severely disabled children (§四(三)3, §五(三)). */
export const sendTeachingConfigSchema = z.object({
  /** Minimum visits a month; each month's school days are split into this many stretches, one visit due in each. */
  minVisitsPerMonth: z._default(z.int().check(z.gte(1), z.lte(8)), 2),
  /** Reminders and escalations; absent = the default in DEFAULT_SCHEDULES (kept out of the parsed config: Lambda env is small). */
  schedule: z.optional(dutyScheduleSchema),
});

/** R7 大家访 windows before/after 寒假 and 暑假 (§四(四)2): dates are the bureau's, per year. */
export const campaignWindowSchema = z
  .object({
    id: z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/, '编号只能由小写字母、数字和连字符组成')),
    name: z.string().check(z.minLength(1), z.maxLength(24)),
    holiday: z.enum(['winter', 'summer']),
    phase: z.enum(['before', 'after']),
    start: isoDate,
    end: isoDate,
  })
  .check(z.refine((w) => w.start <= w.end, { message: '开始日期不能晚于结束日期', path: ['end'] }));
export type CampaignWindow = z.infer<typeof campaignWindowSchema>;

export const campaignConfigSchema = z.object({
  /**
   * Windows are derived from the term dates (calendar.terms): `before` = the last `beforeDays` days of a term
   * that ends before 寒假/暑假, `after` = the last `afterDays` days of the break before the next term starts.
   * `windows` adds or replaces (same id) windows the bureau fixes otherwise.
   */
  beforeDays: z._default(z.int().check(z.gte(1), z.lte(30)), 14),
  afterDays: z._default(z.int().check(z.gte(1), z.lte(30)), 10),
  windows: z._default(z.array(campaignWindowSchema), []),
  /** Calendar days: campaigns run in the holidays. Reminders go to teachers with households still to visit. */
  /** Reminders and escalations; absent = the default in DEFAULT_SCHEDULES (kept out of the parsed config: Lambda env is small). */
  schedule: z.optional(dutyScheduleSchema),
});

/** R8 digests: weekly counts to 包片领导 and 包乡镇人员, a monthly report per township for its government. */
export const digestConfigSchema = z.object({
  /** Who gets the weekly digest (covers the previous Monday–Sunday; the monthly report the previous month). */
  weeklyRecipients: z._default(z.array(z.enum(['area-leader', 'township-contact'])), [
    'area-leader',
    'township-contact',
  ]),
});

/** The `followup` section of the app config (R6–R8). */
export const followUpSectionSchema = z.object({
  plan: z._default(followUpConfigSchema, followUpConfigSchema.parse({})),
  sendTeaching: z._default(sendTeachingConfigSchema, sendTeachingConfigSchema.parse({})),
  campaigns: z._default(campaignConfigSchema, campaignConfigSchema.parse({})),
  digests: z._default(digestConfigSchema, digestConfigSchema.parse({})),
});
export type FollowUpSection = z.infer<typeof followUpSectionSchema>;
