import type { AppConfig } from '../config/app-config.ts';
import type { RecipientKind } from '../domain/ladder.ts';
import type { Cadence } from '../domain/periods.ts';
import type { ReportSlot } from '../domain/report-slot.ts';
import { ladderStageLabel } from '../domain/templates/report-templates.ts';

/** OPEN report slots of these schools whose deadline has passed (including slots whose whole ladder was sent). */
export interface LateSlotSource {
  listLate(now: Date, schoolIds: readonly string[]): Promise<ReportSlot[]>;
}

export const recipientLabel: Record<RecipientKind, string> = {
  'school-head': '校长',
  'township-contact': '包乡镇人员',
  'area-leader': '包片领导',
  chief: '总负责人',
  office: '办公室',
};

export const cadenceLabel: Record<Cadence, string> = { daily: '日报', weekly: '周报', monthly: '月报' };

export interface LateReportRow {
  slotId: string;
  schoolId: string;
  townshipId: string;
  cadence: Cadence;
  cadenceLabel: string;
  periodKey: string;
  deadline: string;
  overdueMinutes: number;
  /** Ladder levels already sent (0: none yet). */
  level: number;
  levelCount: number;
  /** `尚未提醒` / `已提醒校长` / `已催报至第2级（共3级）`: the same count as the escalation SMS' "[2级催报]". */
  stage: string;
  /** Who has been told so far, e.g. `校长、包乡镇人员`. */
  reached: string;
  nextDueAt?: string;
  /** Levels 1+ sent so far: who got each (person ids) and who took it on (acknowledge-report). */
  escalations: { level: number; personIds: string[]; acknowledged: { by: string; at: string } | null }[];
}

/**
 * The late-report board (R1): every OPEN slot past its deadline, with how far up the ladder it has gone.
 * 1. Read the OPEN slots past their deadline of the schools in the caller's scope.
 * 2. Keep those the caller may see (`visible`), oldest deadline first, and describe their ladder level.
 */
export async function listLateReports(
  deps: { source: LateSlotSource; config: Pick<AppConfig, 'reports'> },
  now: Date,
  schoolIds: readonly string[],
  visible: (slot: ReportSlot) => boolean,
): Promise<LateReportRow[]> {
  const slots = (await deps.source.listLate(now, schoolIds)).filter(
    (s) => s.state === 'OPEN' && Date.parse(s.deadline) <= now.getTime() && visible(s),
  );
  return slots
    .sort((a, b) => a.deadline.localeCompare(b.deadline) || a.schoolId.localeCompare(b.schoolId))
    .map((s) => lateReportRow(deps.config, now, s));
}

/** One late slot as the board shows it: how late, and how far up its ladder it has gone. */
export function lateReportRow(config: Pick<AppConfig, 'reports'>, now: Date, s: ReportSlot): LateReportRow {
  const ladder = config.reports.ladders[s.cadence];
  const reached = [...new Set(ladder.slice(0, s.nextLevel).flatMap((l) => l.recipients))].map((r) => recipientLabel[r]);
  return {
    slotId: s.id,
    schoolId: s.schoolId,
    townshipId: s.townshipId,
    cadence: s.cadence,
    cadenceLabel: cadenceLabel[s.cadence],
    periodKey: s.periodKey,
    deadline: s.deadline,
    overdueMinutes: Math.floor((now.getTime() - Date.parse(s.deadline)) / 60_000),
    level: s.nextLevel,
    levelCount: ladder.length,
    stage: ladderStageLabel(s.nextLevel, ladder.length),
    reached: reached.join('、'),
    ...(s.nextDueAt ? { nextDueAt: s.nextDueAt } : {}),
    escalations: s.escalations
      .filter((e) => e.level > 0)
      .map((e) => ({
        level: e.level,
        personIds: e.personIds,
        acknowledged: e.acknowledged ? { by: e.acknowledged.by.name, at: e.acknowledged.at } : null,
      })),
  };
}
