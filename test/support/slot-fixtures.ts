import type { ReportSlot } from '../../shared/domain/report-slot.ts';
import { cstInstant } from '../../shared/domain/time.ts';

/** An OPEN report slot of `schoolId` due on `dueDate` at 17:00 CST (late from then on), created at 06:00 that day. */
export const openSlot = (
  schoolId: string,
  townshipId: string,
  cadence: ReportSlot['cadence'],
  dueDate: string,
  extra: Partial<ReportSlot> = {},
) =>
  ({
    id: `${schoolId}:${cadence}:${dueDate}`,
    schoolId,
    townshipId,
    cadence,
    periodKey: dueDate,
    dueDate,
    deadline: cstInstant(dueDate, '17:00').toISOString(),
    state: 'OPEN',
    nextLevel: 0,
    escalations: [],
    history: [],
    createdAt: cstInstant(dueDate, '06:00').toISOString(),
    version: 1,
    ...extra,
  }) as ReportSlot;
