import * as z from 'zod/mini';
import type { SchoolCalendar } from './calendar.ts';
import { idSchema, PERSON_NAME_MAX } from './directory.ts';
import { ValidationError } from './errors.ts';
import { buildVisits, type Plan, type PlanVisit, parsePlanInput } from './followup.ts';
import { type FollowUpSection, scheduleOf } from './followup-config.ts';
import { cstDateSchema, text } from './input.ts';
import { priorityFlags } from './priority-groups.ts';
import { pupilKeyOf } from './pupil-key.ts';
import { addDays, type CstDate, cstDate } from './time.ts';
import type { LadderTime } from './working-time.ts';

const isoDate = cstDateSchema;

export const createSendTeachingInputSchema = z
  .object({
    /** The pupil's case, when there is one (dropout of a severely disabled child); the plan is then listed with it. */
    caseId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    studentName: text(PERSON_NAME_MAX),
    schoolId: idSchema,
    townshipId: idSchema,
    teacherIds: z.array(idSchema).check(z.minLength(1, '至少一名送教教师')),
    /** 个别化教育方案: what is taught (subjects, life skills, rehabilitation), in short. */
    content: text(500),
    from: isoDate,
    to: isoDate,
    /** Visits a month; at least the bureau's minimum. */
    visitsPerMonth: z.optional(z.int().check(z.gte(1), z.lte(8))),
    /** The pupil's uniqueness key; default: school + name (`pupilKeyOf`). One active 送教上门 plan per pupil. */
    pupilKey: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    /** The case's priority groups (`groupsOfCase`), stored on the plan; none without a case. */
    priorityGroups: z.optional(z.array(z.enum(priorityFlags))),
  })
  .check(z.refine((p) => p.from <= p.to, { message: '不能早于开始日期（from）', path: ['to'] }));
export type CreateSendTeachingInput = z.input<typeof createSendTeachingInputSchema>;

/**
 * Due dates of 送教上门 visits: each month's school days within [from, to] are split into `perMonth` equal
 * stretches and one visit is due on the last school day of each stretch. Months without school days (holidays)
 * owe nothing; a month with fewer school days than visits owes one per school day.
 */
export function sendTeachingDueDates(
  from: CstDate,
  to: CstDate,
  perMonth: number,
  calendar: SchoolCalendar,
): CstDate[] {
  const dates: CstDate[] = [];
  for (let month = from.slice(0, 7); `${month}-01` <= to; month = nextMonth(month)) {
    const start = `${month}-01` < from ? from : `${month}-01`;
    const monthEnd = addDays(`${nextMonth(month)}-01`, -1);
    const end = monthEnd > to ? to : monthEnd;
    const days = calendar.schoolDaysBetween(start, end);
    if (days.length === 0) continue;
    const n = Math.min(perMonth, days.length);
    for (let i = 1; i <= n; i++) dates.push(days[Math.ceil((i * days.length) / n) - 1]!);
  }
  return dates;
}

function nextMonth(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
}

/** 送教上门 一人一案 plan (§四(三)3, §五(三)): teachers, content and a visit frequency of at least the minimum. */
export function createSendTeachingPlan(
  input: CreateSendTeachingInput,
  ctx: { id: string; now: Date; config: FollowUpSection; calendar: SchoolCalendar; time: LadderTime },
): { plan: Plan; visits: PlanVisit[] } {
  const data = parsePlanInput(createSendTeachingInputSchema, input);
  const min = ctx.config.sendTeaching.minVisitsPerMonth;
  const perMonth = data.visitsPerMonth ?? min;
  if (perMonth < min)
    throw new ValidationError([{ field: 'visitsPerMonth', reason: `每月至少 ${min} 次（教育局规定的最低频次）` }]);
  const today = cstDate(ctx.now);
  const from = [data.from, today].sort().at(-1)!;
  const base = {
    id: ctx.id,
    kind: 'send-teaching' as const,
    schoolId: data.schoolId,
    townshipId: data.townshipId,
  };
  const dates = sendTeachingDueDates(from, data.to, perMonth, ctx.calendar);
  const visits = buildVisits(base, dates, scheduleOf(ctx.config, 'sendTeaching'), ctx.calendar, ctx.time);
  const plan: Plan = {
    ...base,
    ...(data.caseId ? { caseId: data.caseId, priorityGroups: data.priorityGroups ?? [] } : {}),
    studentName: data.studentName,
    responsibleIds: data.teacherIds,
    startsOn: data.from,
    endsOn: data.to,
    content: data.content,
    pupilKey: data.pupilKey ?? pupilKeyOf({ schoolId: data.schoolId, studentName: data.studentName }),
    visitCount: visits.length,
    status: 'active',
    createdAt: ctx.now.toISOString(),
    version: 0,
  };
  return { plan, visits };
}

/** One line of a plan's record (一人一案 台账). */
export interface PlanRecordLine {
  no: number;
  dueDate: CstDate;
  status: '已完成' | '逾期完成' | '逾期未完成' | '待完成' | '已取消';
  doneOn?: CstDate;
  doneBy?: string;
  content?: string;
  note?: string;
}

/** The plan's record: every visit, in order, with what happened (done, late, missed, pending, cancelled). */
export function planRecord(visits: readonly PlanVisit[], now: Date): PlanRecordLine[] {
  return [...visits]
    .sort((a, b) => a.no - b.no)
    .map((v) => {
      const late = v.doneAt ? v.doneAt > v.deadline : false;
      const status: PlanRecordLine['status'] =
        v.status === 'done'
          ? late
            ? '逾期完成'
            : '已完成'
          : v.status === 'cancelled'
            ? '已取消'
            : now.toISOString() > v.deadline
              ? '逾期未完成'
              : '待完成';
      return {
        no: v.no,
        dueDate: v.dueDate,
        status,
        doneOn: v.doneOn,
        doneBy: v.doneBy,
        content: v.content,
        note: v.note,
      };
    });
}
