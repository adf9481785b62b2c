import * as z from 'zod/mini';
import type { Role } from './directory.ts';
import { durationSchema, hhmmSchema } from './input.ts';
import { type Cadence, cadences } from './periods.ts';
import type { DirectorySnapshot } from './ports.ts';
import { parseDuration } from './time.ts';
import { delayBases, delayUntil, type LadderTime } from './working-time.ts';

/**
 * The escalation ladder of R1 as configuration: for each cadence, levels in order, each sent a delay after the
 * report's deadline to a set of recipient kinds. Level 0 is the school head, 1 the township's 包乡镇人员,
 * 2 the 包片领导, 3 the 总负责人 + office by default; the bureau may change delays and recipients, not the rule
 * that levels go out one at a time, in order, and stop when the report arrives.
 */
export const recipientKinds = ['school-head', 'township-contact', 'area-leader', 'chief', 'office'] as const;
export const recipientKindSchema = z.enum(recipientKinds);
export type RecipientKind = z.infer<typeof recipientKindSchema>;

const hhmm = hhmmSchema;
const duration = durationSchema('30m、2h、1d16h');

export const ladderLevelSchema = z.object({
  /** Delay after the deadline (e.g. `30m`, `1d16h`), counted on `basis`. */
  after: duration,
  /**
   * `wall`: calendar time. `working`: only officials' office hours on national working days count (调休 Saturdays
   * included), so a Friday deadline's next level lands on Monday. `school`: office hours on school days.
   */
  basis: z._default(z.enum(delayBases), 'wall'),
  recipients: z.array(recipientKindSchema).check(z.minLength(1)),
});
export type LadderLevel = z.infer<typeof ladderLevelSchema>;

export const ladderSchema = z.array(ladderLevelSchema).check(
  z.minLength(1),
  z.maxLength(10),
  z.refine(
    (levels) => levels.every((l, i) => i === 0 || parseDuration(l.after) > parseDuration(levels[i - 1]!.after)),
    {
      message: '催报各级延时须严格递增',
    },
  ),
);
export type Ladder = z.infer<typeof ladderSchema>;

/**
 * Defaults (CST), in working time with office hours 08:00–18:00. Deadlines are 17:00 on the period's last school
 * day. Level 0 (the head) counts school days, the others officials' working days, so a level never lands on a
 * weekend or holiday: daily +30m (17:30), +2h (09:00 the next working day), +10h (17:00 the next working day),
 * +12h (09:00 two working days later); weekly (due Friday) +30m, +2h (Monday 09:00), +12h (Tuesday 09:00), +22h
 * (Wednesday 09:00); monthly +30m, +22h, +42h, +62h (09:00 three, five and seven working days later).
 */
export const defaultLadders: Record<Cadence, z.input<typeof ladderSchema>> = {
  daily: [
    { after: '30m', basis: 'school', recipients: ['school-head'] },
    { after: '2h', basis: 'working', recipients: ['township-contact'] },
    { after: '10h', basis: 'working', recipients: ['area-leader'] },
    { after: '12h', basis: 'working', recipients: ['chief', 'office'] },
  ],
  weekly: [
    { after: '30m', basis: 'school', recipients: ['school-head'] },
    { after: '2h', basis: 'working', recipients: ['township-contact'] },
    { after: '12h', basis: 'working', recipients: ['area-leader'] },
    { after: '22h', basis: 'working', recipients: ['chief', 'office'] },
  ],
  monthly: [
    { after: '30m', basis: 'school', recipients: ['school-head'] },
    { after: '22h', basis: 'working', recipients: ['township-contact'] },
    { after: '42h', basis: 'working', recipients: ['area-leader'] },
    { after: '62h', basis: 'working', recipients: ['chief', 'office'] },
  ],
};

export const reportsConfigSchema = z.object({
  /** Time of day (CST) on the period's last school day by which the report is due. */
  dueTime: z._default(
    z.object({
      daily: z._default(hhmm, '17:00'),
      weekly: z._default(hhmm, '17:00'),
      monthly: z._default(hhmm, '17:00'),
    }),
    { daily: '17:00', weekly: '17:00', monthly: '17:00' },
  ),
  ladders: z._default(
    z.object({
      daily: z._default(ladderSchema, defaultLadders.daily as Ladder),
      weekly: z._default(ladderSchema, defaultLadders.weekly as Ladder),
      monthly: z._default(ladderSchema, defaultLadders.monthly as Ladder),
    }),
    defaultLadders as Record<Cadence, Ladder>,
  ),
  /** Officials' office hours: `working`/`school` ladder delays count only this time of a working day. */
  officeHours: z._default(
    z
      .object({ start: hhmm, end: hhmm })
      .check(z.refine((h) => h.start < h.end, { message: '办公时间的结束须晚于开始', path: ['end'] })),
    { start: '08:00', end: '18:00' },
  ),
  /** Which cadences the bureau collects; a cadence left out opens no slots. */
  cadences: z._default(z.array(z.enum(cadences)).check(z.minLength(1)), [...cadences]),
});
export type ReportsConfig = z.infer<typeof reportsConfigSchema>;

/** Where a slot stands on its ladder; `nextLevel` is the count of levels already sent. */
export interface LadderPosition {
  state: 'OPEN' | 'SUBMITTED';
  /** ISO instant of the report's deadline. */
  deadline: string;
  nextLevel: number;
}

export type NextStep =
  | { kind: 'due'; level: number; at: Date }
  | { kind: 'waiting'; level: number; at: Date }
  | { kind: 'done'; reason: 'submitted' | 'ladder-complete' };

/**
 * The instant level `level` becomes due: deadline + its delay on the level's basis (`time` gives the calendar and
 * office hours; a wall-clock ladder needs none).
 */
export function levelDueAt(deadline: string, ladder: Ladder, level: number, time?: LadderTime): Date {
  const step = ladder[level];
  if (!step) throw new RangeError(`ladder has no level ${level}`);
  return delayUntil(new Date(deadline), parseDuration(step.after), step.basis, time);
}

/**
 * Which level is due next and when. Pure: only the next unsent level is ever considered (never skipping,
 * even when several are overdue), a sent level is never offered again, and a submitted slot is done.
 */
export function nextEscalation(position: LadderPosition, ladder: Ladder, now: Date, time?: LadderTime): NextStep {
  if (position.state === 'SUBMITTED') return { kind: 'done', reason: 'submitted' };
  if (position.nextLevel >= ladder.length) return { kind: 'done', reason: 'ladder-complete' };
  const at = levelDueAt(position.deadline, ladder, position.nextLevel, time);
  return at.getTime() <= now.getTime()
    ? { kind: 'due', level: position.nextLevel, at }
    : { kind: 'waiting', level: position.nextLevel, at };
}

/** A person who gets a level's message, with the role under which they get it. */
export interface Recipient {
  personId: string;
  name: string;
  phone: string;
  role: Role;
  kind: RecipientKind;
}

const roleOfKind: Record<RecipientKind, Role> = {
  'school-head': 'school-head',
  'township-contact': 'township-contact',
  'area-leader': 'area-leader',
  chief: 'chief',
  office: 'office',
};

/**
 * Resolves a level's recipient kinds for one school from the directory: active people only, each person
 * once (someone who is both 总负责人 and office gets one SMS). `missing` names kinds nobody could be found for.
 */
export function resolveRecipients(
  kinds: readonly RecipientKind[],
  schoolId: string,
  directory: DirectorySnapshot,
): { recipients: Recipient[]; missing: RecipientKind[] } {
  const people = new Map(directory.people.filter((p) => p.active !== false).map((p) => [p.id, p]));
  const school = directory.schools.find((s) => s.id === schoolId);
  const township = school && directory.townships.find((t) => t.id === school.townshipId);
  const area = township && directory.areas.find((a) => a.id === township.areaId);
  const idsFor = (kind: RecipientKind): string[] => {
    switch (kind) {
      case 'school-head':
        return school ? [school.headId] : [];
      case 'township-contact':
        return township?.contactIds ?? [];
      case 'area-leader':
        return area ? [area.leaderId] : [];
      case 'chief':
        return directory.meta.chiefId ? [directory.meta.chiefId] : [];
      case 'office':
        return directory.meta.officeIds ?? [];
    }
  };
  const recipients: Recipient[] = [];
  const missing: RecipientKind[] = [];
  const seen = new Set<string>();
  for (const kind of kinds) {
    const found = idsFor(kind)
      .map((id) => people.get(id))
      .filter((p) => p !== undefined);
    if (found.length === 0) missing.push(kind);
    for (const p of found) {
      if (seen.has(p.id)) continue;
      seen.add(p.id);
      recipients.push({ personId: p.id, name: p.name, phone: p.phone, role: roleOfKind[kind], kind });
    }
  }
  return { recipients, missing };
}

/** Reads the part of the directory that a set of schools' ladders need (plus the chief and office). */
export interface DirectoryReader {
  loadFor(schoolIds: string[]): Promise<DirectorySnapshot>;
}

/** A DirectoryReader over a full snapshot loader (local runtime, tests): loads everything, fine for small data. */
export function snapshotReader(load: () => Promise<DirectorySnapshot>): DirectoryReader {
  return { loadFor: () => load() };
}
