import type { SchoolCalendar } from './calendar.ts';
import type { Person } from './directory.ts';
import type { DutySchedule, EscalationRole } from './followup-config.ts';
import type { DirectorySnapshot } from './ports.ts';
import { addDays, type CstDate, cstInstant, parseDuration } from './time.ts';
import { delayUntil, type LadderTime } from './working-time.ts';

/**
 * A duty is anything with a due date that reminds before and escalates after: a follow-up visit, a 送教上门
 * visit, a school's 大家访 campaign. Its steps are computed once, when the duty is created, and stored with it,
 * so a later config change does not move promises already made; the sweep only walks them.
 */
export interface DutyStep {
  kind: 'reminder' | 'escalation';
  /** 0 for reminders; 1, 2, … for escalation levels. */
  level: number;
  /** ISO instant at which the step fires. */
  at: string;
  /** Reminders go to the responsible people; escalations to these roles. */
  roles: ('responsible' | EscalationRole)[];
}

/** Moves a date by n days of the given basis (negative n goes back). */
export type DayShift = (date: CstDate, n: number) => CstDate;

/** Calendar days: campaigns run in the holidays. */
export const calendarDays: DayShift = (date, n) => addDays(date, n);

/**
 * School days: n school days after (or before) `date`. 0 is `date` itself if it is a school day, else the next
 * one. A holiday week in between is skipped.
 */
export function schoolDays(calendar: SchoolCalendar): DayShift {
  return (date, n) => {
    const step = n < 0 ? -1 : 1;
    let d = date;
    if (n === 0) {
      for (let i = 0; i < 60 && !calendar.isSchoolDay(d); i++) d = addDays(d, 1);
      return d;
    }
    let left = Math.abs(n);
    for (let i = 0; left > 0 && i < 400; i++) {
      d = addDays(d, step);
      if (calendar.isSchoolDay(d)) left--;
    }
    return d;
  };
}

/** The deadline instant of a duty due on `dueDate`. */
export function dutyDeadline(dueDate: CstDate, schedule: DutySchedule): Date {
  return cstInstant(dueDate, schedule.dueTime);
}

/**
 * The steps of a duty due on `dueDate`, in firing order. Reminders that would fire after the deadline are dropped.
 * `after` escalation steps count from the deadline on their basis (`time`: the national calendar and officials'
 * office hours, the same working time as the report ladders); `afterDays` steps move by `shift`.
 */
export function dutySteps(dueDate: CstDate, schedule: DutySchedule, shift: DayShift, time: LadderTime): DutyStep[] {
  const deadline = dutyDeadline(dueDate, schedule).getTime();
  const reminders: DutyStep[] = schedule.reminders
    .map((r) => ({
      kind: 'reminder' as const,
      level: 0,
      at: cstInstant(shift(dueDate, -r.daysBefore), r.at).toISOString(),
      roles: ['responsible' as const],
    }))
    .filter((s) => Date.parse(s.at) < deadline);
  const escalations: DutyStep[] = schedule.escalation.map((e, i) => ({
    kind: 'escalation' as const,
    level: i + 1,
    at: ('after' in e
      ? delayUntil(new Date(deadline), parseDuration(e.after), e.basis, time)
      : cstInstant(shift(dueDate, e.afterDays), schedule.escalateAt)
    ).toISOString(),
    roles: e.roles,
  }));
  return [...reminders, ...escalations].sort((a, b) => a.at.localeCompare(b.at));
}

/**
 * Which stored steps fire now: every step from `nextStep` whose time has come. A reminder is stale once the
 * deadline passed (the escalation says it better) and is skipped. Returns the steps to run and the new cursor.
 */
export function stepsToRun(
  steps: readonly DutyStep[],
  nextStep: number,
  now: Date,
  deadline: Date,
): { run: { step: DutyStep; index: number }[]; nextStep: number; nextAt: string | undefined } {
  const run: { step: DutyStep; index: number }[] = [];
  let i = nextStep;
  for (; i < steps.length && Date.parse(steps[i]!.at) <= now.getTime(); i++) {
    const step = steps[i]!;
    if (step.kind === 'reminder' && now.getTime() >= deadline.getTime()) continue;
    run.push({ step, index: i });
  }
  return { run, nextStep: i, nextAt: steps[i]?.at };
}

/** Where a duty sits in the organisation, to resolve its recipients. */
export interface DutyScope {
  schoolId: string;
  townshipId: string;
  responsibleIds: string[];
}

/**
 * The people a step goes to, active only, each once, in role order. Roles nobody holds (e.g. a township without
 * a contact) are reported in `unresolved` so the caller can tell the office instead of dropping the message.
 */
export function recipientsFor(
  roles: DutyStep['roles'],
  scope: DutyScope,
  directory: DirectorySnapshot,
): { people: { person: Person; role: DutyStep['roles'][number] }[]; unresolved: string[] } {
  const byId = new Map(directory.people.filter((p) => p.active !== false).map((p) => [p.id, p]));
  const school = directory.schools.find((s) => s.id === scope.schoolId);
  const township = directory.townships.find((t) => t.id === scope.townshipId);
  const area = township && directory.areas.find((a) => a.id === township.areaId);
  const out: { person: Person; role: DutyStep['roles'][number] }[] = [];
  const unresolved: string[] = [];
  const seen = new Set<string>();
  for (const role of roles) {
    const ids =
      role === 'responsible'
        ? scope.responsibleIds
        : role === 'school-head'
          ? school
            ? [school.headId]
            : []
          : role === 'township-contact'
            ? (township?.contactIds ?? [])
            : role === 'area-leader'
              ? area
                ? [area.leaderId]
                : []
              : role === 'chief'
                ? directory.meta.chiefId
                  ? [directory.meta.chiefId]
                  : []
                : (directory.meta.officeIds ?? []);
    const people = ids.map((id) => byId.get(id)).filter((p): p is Person => Boolean(p));
    if (people.length === 0) unresolved.push(role);
    for (const person of people) {
      if (seen.has(person.id)) continue;
      seen.add(person.id);
      out.push({ person, role });
    }
  }
  return { people: out, unresolved };
}
