import * as z from 'zod/mini';
import { idSchema, PERSON_NAME_MAX } from './directory.ts';
import { InvalidTransitionError, ValidationError } from './errors.ts';
import { parsePlanInput } from './followup.ts';
import type { CampaignWindow, DutySchedule } from './followup-config.ts';
import { calendarDays, type DutyStep, dutyDeadline, dutySteps, recipientsFor, stepsToRun } from './followup-duty.ts';
import { followUpTemplates, officialMessage, renderChecked } from './followup-templates.ts';
import { cstDateSchema, note, text } from './input.ts';
import type { Message } from './message.ts';
import type { DirectorySnapshot } from './ports.ts';
import { addDays, type CstDate, cstDate, cstMonthDay } from './time.ts';
import type { LadderTime } from './working-time.ts';

/** One household a teacher must visit in a 大家访 campaign. */
export interface Household {
  /** The pupil's or household's id in the school's roll (not a name). */
  ref: string;
  /** Full name, seen by the school and the office only. */
  studentName: string;
  teacherId: string;
  visitedOn?: CstDate;
  note?: string;
}

/** A school's part in one 大家访 window (R7, §四(四)2): each teacher's households and their completion. */
export interface SchoolCampaign {
  campaignId: string;
  name: string;
  schoolId: string;
  townshipId: string;
  start: CstDate;
  end: CstDate;
  deadline: string;
  households: Household[];
  steps: DutyStep[];
  nextStep: number;
  escalated: boolean;
  /** An official took the late school on (who, when, a note): its later escalation steps are not sent. */
  acknowledged?: { by: { personId: string; name: string; role: string }; at: string; note: string };
  completedAt?: string;
  version: number;
}

export const householdsInputSchema = z
  .array(
    z.object({
      ref: text(64),
      studentName: text(PERSON_NAME_MAX),
      teacherId: idSchema,
    }),
  )
  .check(z.minLength(1, '大家访名单至少需要一户'));

/**
 * Assigns a school's households for a campaign window. Reminders run on calendar days (campaigns run in the
 * holidays); escalations to officials on their working time (`time`), or calendar days for `afterDays` steps.
 */
export function createSchoolCampaign(
  window: CampaignWindow,
  school: { schoolId: string; townshipId: string },
  households: z.input<typeof householdsInputSchema>,
  schedule: DutySchedule,
  now: Date,
  time: LadderTime,
): SchoolCampaign {
  const list = parsePlanInput(householdsInputSchema, households);
  const refs = new Set<string>();
  for (const [i, h] of list.entries()) {
    if (refs.has(h.ref)) throw new ValidationError([{ field: `households.${i}.ref`, reason: '重复的户' }]);
    refs.add(h.ref);
  }
  const steps = dutySteps(window.end, schedule, calendarDays, time);
  const deadline = dutyDeadline(window.end, schedule).toISOString();
  const next = steps.findIndex((s) => Date.parse(s.at) > now.getTime());
  return {
    campaignId: window.id,
    name: window.name,
    ...school,
    start: window.start,
    end: window.end,
    deadline,
    households: list,
    steps,
    nextStep: next < 0 ? steps.length : next,
    escalated: false,
    version: 0,
  };
}

/** Done / total households, overall and per teacher. */
export function completion(c: Pick<SchoolCampaign, 'households'>): {
  done: number;
  total: number;
  rate: number;
  byTeacher: Map<string, { done: number; total: number }>;
} {
  const byTeacher = new Map<string, { done: number; total: number }>();
  let done = 0;
  for (const h of c.households) {
    const t = byTeacher.get(h.teacherId) ?? { done: 0, total: 0 };
    t.total++;
    if (h.visitedOn) {
      t.done++;
      done++;
    }
    byTeacher.set(h.teacherId, t);
  }
  const total = c.households.length;
  return { done, total, rate: total === 0 ? 1 : done / total, byTeacher };
}

/** A household visit as recorded (API, CLI): a real date, text that is what it looks like. */
export const householdVisitInputSchema = z.object({
  ref: text(64),
  visitedOn: cstDateSchema,
  byId: idSchema,
  note: z.optional(note(500)),
});

/**
 * Records one household visit: not before the window opens, not after today. When the last one is done the
 * campaign leaves the sweep.
 */
export function recordHouseholdVisit(
  c: SchoolCampaign,
  input: { ref: string; visitedOn: CstDate; byId: string; note?: string },
  now: Date,
): SchoolCampaign {
  const visit = parsePlanInput(householdVisitInputSchema, input);
  const idx = c.households.findIndex((h) => h.ref === visit.ref);
  if (idx < 0) throw new ValidationError([{ field: 'ref', reason: '不是本次大家访名单中的户' }]);
  const h = c.households[idx]!;
  if (h.visitedOn) throw new InvalidTransitionError('household', 'visited', 'record a visit');
  if (visit.byId !== h.teacherId) throw new ValidationError([{ field: 'byId', reason: '该户由其他教师负责' }]);
  if (visit.visitedOn < c.start) throw new ValidationError([{ field: 'visitedOn', reason: '早于大家访时段开始日期' }]);
  if (visit.visitedOn > cstDate(now))
    throw new ValidationError([{ field: 'visitedOn', reason: `不能晚于今天（${cstDate(now)}）` }]);
  const households = c.households.map((x, i) =>
    i === idx ? { ...x, visitedOn: visit.visitedOn, ...(visit.note ? { note: visit.note } : {}) } : x,
  );
  const complete = households.every((x) => x.visitedOn);
  return {
    ...c,
    households,
    ...(complete ? { completedAt: now.toISOString(), nextStep: c.steps.length } : {}),
    version: c.version + 1,
  };
}

/**
 * The sweep for one school's campaign: reminders to each teacher who still has households to visit (with their
 * own count), escalations up the ladder while the school is incomplete after the window. Pure.
 */
export function sweepCampaign(
  c: SchoolCampaign,
  now: Date,
  directory: DirectorySnapshot,
  sms: { signature: string; maxParts: number },
): { campaign: SchoolCampaign; messages: Message[]; unresolved: string[] } {
  const { done, total, byTeacher } = completion(c);
  if (c.completedAt || done === total)
    return { campaign: { ...c, nextStep: c.steps.length, version: c.version + 1 }, messages: [], unresolved: [] };
  const deadline = new Date(c.deadline);
  const due = stepsToRun(c.steps, c.nextStep, now, deadline);
  const { nextStep } = due;
  // Taken on by an official: the cursor still moves, but no further escalation goes out (reminders still do).
  const run = c.acknowledged ? due.run.filter((r) => r.step.kind !== 'escalation') : due.run;
  const messages: Message[] = [];
  const unresolved: string[] = [];
  const school = directory.schools.find((s) => s.id === c.schoolId)?.name ?? c.schoolId;
  for (const { step, index } of run) {
    const behind = [...byTeacher.entries()].filter(([, t]) => t.done < t.total).map(([id]) => id);
    const { people, unresolved: missing } = recipientsFor(
      step.roles,
      { schoolId: c.schoolId, townshipId: c.townshipId, responsibleIds: step.kind === 'reminder' ? behind : [] },
      directory,
    );
    unresolved.push(...missing.map((r) => `${r} (step ${index})`));
    for (const { person, role } of people) {
      const t = byTeacher.get(person.id);
      const rendered =
        step.kind === 'reminder'
          ? renderChecked(
              followUpTemplates.campaignReminder,
              { campaign: c.name, left: t ? t.total - t.done : 0, end: cstMonthDay(deadline) },
              sms,
            )
          : renderChecked(
              followUpTemplates.campaignEscalation,
              { campaign: c.name, school, done, total, level: step.level },
              sms,
            );
      messages.push(
        officialMessage({
          id: `campaign-${c.campaignId}-${c.schoolId}-s${index}-${person.id}`,
          person,
          role: role === 'responsible' ? 'teacher' : role,
          rendered,
          now,
          subject: { kind: 'system', id: `campaign-${c.campaignId}-${c.schoolId}` },
          schoolId: c.schoolId,
          townshipId: c.townshipId,
        }),
      );
    }
  }
  return {
    campaign: {
      ...c,
      nextStep,
      escalated: c.escalated || run.some((r) => r.step.kind === 'escalation'),
      version: c.version + 1,
    },
    messages,
    unresolved,
  };
}

/** Completion per school for the office's view, worst first. */
export function completionBySchool(
  campaigns: readonly SchoolCampaign[],
  now: Date,
): { schoolId: string; townshipId: string; done: number; total: number; rate: number; late: boolean }[] {
  return campaigns
    .map((c) => {
      const { done, total, rate } = completion(c);
      return {
        schoolId: c.schoolId,
        townshipId: c.townshipId,
        done,
        total,
        rate,
        late: done < total && now.toISOString() > c.deadline,
      };
    })
    .sort((a, b) => a.rate - b.rate || a.schoolId.localeCompare(b.schoolId));
}

/** 寒假 before a term starting Jan–Apr, 暑假 before one starting Jul–Oct; other term starts follow no long break. */
function holidayBefore(termStart: CstDate): CampaignWindow['holiday'] | undefined {
  const month = Number(termStart.slice(5, 7));
  if (month <= 4) return 'winter';
  if (month >= 7 && month <= 10) return 'summer';
  return undefined;
}

/** 寒假 for a term ending Dec–Mar, 暑假 for one ending Jun–Aug; other term ends are not before a long break. */
function holidayAfter(termEnd: CstDate): CampaignWindow['holiday'] | undefined {
  const month = Number(termEnd.slice(5, 7));
  if (month === 12 || month <= 3) return 'winter';
  if (month >= 6 && month <= 8) return 'summer';
  return undefined;
}

/**
 * The 大家访 windows of the configured terms (§四(四)2): before each 寒假/暑假 (the term's last `beforeDays` days)
 * and after it (the break's last `afterDays` days before the next term). The first configured term also gets the
 * "after" window of the break before it (e.g. after the 2023 寒假 when the config starts with the 2023 spring
 * term), since its pupils come back from a break too. Explicit windows replace derived ones with the same id.
 * Ids: `<year>-<winter|summer>-<before|after>`, the year of the break's start (for the first term's break, the
 * year of the window's start: the break's start is not configured).
 */
export function campaignWindows(
  terms: readonly { start: CstDate; end: CstDate }[],
  config: { beforeDays: number; afterDays: number; windows: readonly CampaignWindow[] },
): CampaignWindow[] {
  const sorted = [...terms].sort((a, b) => a.start.localeCompare(b.start));
  const label = { winter: '寒假', summer: '暑假' } as const;
  const derived: CampaignWindow[] = [];
  const first = sorted[0];
  const before = first && holidayBefore(first.start);
  if (first && before) {
    const start = addDays(first.start, -config.afterDays);
    derived.push({
      id: `${start.slice(0, 4)}-${before}-after`,
      name: `${start.slice(0, 4)}年${label[before]}后大家访`,
      holiday: before,
      phase: 'after',
      start,
      end: addDays(first.start, -1),
    });
  }
  sorted.forEach((term, i) => {
    const holiday = holidayAfter(term.end);
    if (!holiday) return;
    const year = term.end.slice(0, 4);
    derived.push({
      id: `${year}-${holiday}-before`,
      name: `${year}年${label[holiday]}前大家访`,
      holiday,
      phase: 'before',
      start: addDays(term.end, 1 - config.beforeDays),
      end: term.end,
    });
    const next = sorted[i + 1];
    if (next && next.start > term.end)
      derived.push({
        id: `${year}-${holiday}-after`,
        name: `${year}年${label[holiday]}后大家访`,
        holiday,
        phase: 'after',
        start: [addDays(next.start, -config.afterDays), addDays(term.end, 1)].sort().at(-1)!,
        end: addDays(next.start, -1),
      });
  });
  const explicit = new Map(config.windows.map((w) => [w.id, w]));
  const merged = derived.map((w) => explicit.get(w.id) ?? w);
  for (const w of config.windows) if (!derived.some((d) => d.id === w.id)) merged.push(w);
  return merged.sort((a, b) => a.start.localeCompare(b.start));
}
