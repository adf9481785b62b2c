import type { AppConfig } from '../config/app-config.ts';
import { SchoolCalendar } from '../domain/calendar.ts';
import { ConcurrentUpdateError } from '../domain/errors.ts';
import { type DirectoryReader, levelDueAt, nextEscalation, resolveRecipients } from '../domain/ladder.ts';
import type { Note } from '../domain/official-round.ts';
import type { Clock, DirectorySnapshot, Log } from '../domain/ports.ts';
import type { ReportSlot, SlotRepository } from '../domain/report-slot.ts';
import { renderedFields, renderSms } from '../domain/templates/render.ts';
import {
  reportEscalationTemplate,
  reportParams,
  reportReminderTemplate,
} from '../domain/templates/report-templates.ts';
import { type LadderTime, ladderTimeOf } from '../domain/working-time.ts';
import { runLimited } from './run-limited.ts';
import { type NoteRepository, type RoundResult, sendOfficialRound } from './send-official-round.ts';

export interface ChaseReportsDeps {
  slots: SlotRepository;
  /** Officials' notes and their merged round (one SMS per official per sweep). */
  notes: NoteRepository;
  directory: DirectoryReader;
  clock: Clock;
  log: Log;
  config: Pick<AppConfig, 'reports' | 'sms' | 'calendar'>;
}

export interface ChaseResult {
  /** Slots the due index returned. */
  due: number;
  /** Index items read (ScannedCount): grows with late slots, not schools. */
  itemsRead: number;
  escalated: number;
  /** Notes written: one per level and recipient (what used to be one SMS each). */
  notes: number;
  /** SMS the round enqueued: at most one per official (docs/sms.md "One message per official per round"). */
  messages: number;
  /** Notes held for the next day: their number reached `sms.dailyCapPerNumber`. */
  held: number;
  /** Lost races (submitted or advanced concurrently): nothing sent for them this round. */
  skipped: number;
  /** Slots taken out of the index without sending (ladder complete, school gone, schedule moved). */
  repaired: number;
}

/** Deterministic note id (and the SMS's id when it goes alone): the same slot, level and person only once. */
export const ladderMessageId = (slotId: string, level: number, personId: string) =>
  `slot#${slotId}#L${level}#${personId}`;

/**
 * The chase sweep (scheduled every 15 minutes).
 * 1. Query ONLY the sparse due index (DUE#SLOT, gsi1sk <= now): open slots whose next level is due.
 * 2. Read just the directory entries those schools need.
 * 3. For each slot advance exactly one level: the slot update (guarded by version, state and level) and one
 *    note per recipient commit in one transaction; the slot then waits for its next level or leaves the
 *    index after the last. A report filed meanwhile makes the guard fail, so nothing goes out for it.
 * 4. The round: each official's due notes (this sweep's and any left over or held) become one SMS, within the
 *    per-number daily cap. Runs every sweep, also when no slot is due, so held notes go out the next day.
 */
export async function chaseReports(deps: ChaseReportsDeps): Promise<ChaseResult> {
  const now = deps.clock.now();
  const { slots, itemsRead } = await deps.slots.queryDue(now);
  const result: ChaseResult = {
    due: slots.length,
    itemsRead,
    escalated: 0,
    notes: 0,
    messages: 0,
    held: 0,
    skipped: 0,
    repaired: 0,
  };
  const round = async () => {
    const r: RoundResult = await sendOfficialRound(deps);
    result.messages = r.messages;
    result.held = r.held;
  };
  if (slots.length === 0) {
    await round();
    return result;
  }
  const directory = await deps.directory.loadFor([...new Set(slots.map((s) => s.schoolId))]);
  const warn = (m: string) => deps.log.warn(m);
  const time = ladderTimeOf(new SchoolCalendar(deps.config.calendar, warn), deps.config.reports.officeHours, warn);
  await runLimited(slots, 8, async (slot) => {
    try {
      const outcome = await chaseOne(deps, slot, directory, now, time);
      if (outcome === 'repaired') result.repaired++;
      else {
        result.escalated++;
        result.notes += outcome;
      }
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      result.skipped++;
      deps.log.info('slot changed during the chase; left for the next sweep', { slotId: slot.id });
    }
  });
  await round();
  deps.log.info('chase sweep', { ...result });
  return result;
}

async function chaseOne(
  deps: ChaseReportsDeps,
  slot: ReportSlot,
  directory: DirectorySnapshot,
  now: Date,
  time: LadderTime,
): Promise<number | 'repaired'> {
  const ladder = deps.config.reports.ladders[slot.cadence];
  const step = nextEscalation(slot, ladder, now, time);
  const school = directory.schools.find((s) => s.id === slot.schoolId && s.active !== false);
  if (step.kind !== 'due' || !school) {
    // Not ours to send now (ladder shortened, delays changed, school closed): fix the index entry only.
    const nextDueAt = step.kind === 'waiting' && school ? step.at.toISOString() : undefined;
    if (!school) deps.log.warn('late slot of an unknown or inactive school: chasing stopped', { slotId: slot.id });
    await deps.slots.save({ ...slot, nextDueAt });
    return 'repaired';
  }

  const level = ladder[step.level]!;
  const { recipients, missing } = resolveRecipients(level.recipients, slot.schoolId, directory);
  if (missing.length > 0)
    deps.log.warn('ladder level has recipients missing from the directory', {
      slotId: slot.id,
      level: step.level,
      missing,
    });
  const township = directory.townships.find((t) => t.id === school.townshipId);
  const params = reportParams({
    schoolName: school.name,
    townshipName: township?.name ?? '',
    cadence: slot.cadence,
    periodKey: slot.periodKey,
    deadline: slot.deadline,
  });
  const rendered =
    step.level === 0
      ? renderSms(reportReminderTemplate, params, deps.config.sms)
      : renderSms(reportEscalationTemplate, { ...params, level: step.level }, deps.config.sms);
  if (rendered.overLimit)
    deps.log.warn('SMS longer than the configured parts', { template: rendered.template, parts: rendered.parts });

  const at = now.toISOString();
  const tag = step.level === 0 ? '[提醒]' : `[${step.level}级催报]`;
  const late = step.level === 0 ? '未报送' : '逾期未报';
  const notes: Note[] = recipients.map((r) => ({
    id: ladderMessageId(slot.id, step.level, r.personId),
    recipient: { personId: r.personId, role: r.role, phone: r.phone, label: r.name },
    single: renderedFields(rendered),
    group: {
      key: `report:${slot.cadence}:${slot.periodKey}:L${step.level}`,
      many: `${tag}${params.township}等{n}所学校${params.period}${params.report}${late}`,
    },
    item: school.name.slice(0, 64),
    summary: `${tag}${params.township}${params.school}${params.period}${params.report}${late}`.slice(0, 200),
    subject: { kind: 'slot', id: slot.id },
    schoolId: slot.schoolId,
    townshipId: slot.townshipId,
    createdAt: at,
    notBefore: at,
  }));
  const following = step.level + 1;
  await deps.slots.advance(
    slot,
    {
      ...slot,
      nextLevel: following,
      nextDueAt:
        following < ladder.length ? levelDueAt(slot.deadline, ladder, following, time).toISOString() : undefined,
      escalations: [
        ...slot.escalations,
        { level: step.level, at, personIds: recipients.map((r) => r.personId), messageIds: notes.map((m) => m.id) },
      ],
    },
    [],
    notes,
  );
  return notes.length;
}
