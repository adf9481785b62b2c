import { ForbiddenError, NotFoundError } from '../domain/errors.ts';
import { acknowledgementBy } from '../domain/escalation.ts';
import type { Clock, Log } from '../domain/ports.ts';
import type { EscalationRecord, ReportSlot, SlotRepository } from '../domain/report-slot.ts';
import type { Principal } from '../domain/scope.ts';
import { retryOnConflict } from './case-deps.ts';
import { acknowledgeInputSchema } from './escalations.ts';

export { acknowledgeInputSchema as reportAcknowledgeInputSchema };

/**
 * A recipient of a report ladder level (the 包乡镇人员 at level 1, the 包片领导 at 2, the chief or office at 3) says
 * they took the late report on: who, when, a note, on the slot's escalation record. The first one stands (a second
 * is `changed: false`); the office may acknowledge any level. Acknowledging does not stop the ladder: only filing
 * the report does (the school still owes it), but the board and the next recipient see who is on it.
 */
export async function acknowledgeReportEscalationUseCase(
  deps: { slots: Pick<SlotRepository, 'get' | 'save'>; clock: Clock; log: Log },
  ref: { slotId: string; level: number },
  input: { note?: string },
  by: Principal,
): Promise<{ slot: ReportSlot; record: EscalationRecord; changed: boolean }> {
  const body = acknowledgeInputSchema.parse(input);
  return retryOnConflict(async () => {
    const slot = await deps.slots.get(ref.slotId);
    if (!slot) throw new NotFoundError('report slot', ref.slotId);
    const record = slot.escalations.find((e) => e.level === ref.level);
    if (!record || ref.level === 0) throw new NotFoundError('escalation level', String(ref.level));
    if (by.role !== 'office' && !record.personIds.includes(by.personId))
      throw new ForbiddenError('只有这一级催报的接收人或控辍办可以确认跟进');
    if (record.acknowledged) return { slot, record, changed: false };
    const acknowledged = acknowledgementBy(by, deps.clock.now(), body.note);
    const next: ReportSlot = {
      ...slot,
      escalations: slot.escalations.map((e) => (e === record ? { ...e, acknowledged } : e)),
    };
    const saved = await deps.slots.save(next);
    deps.log.info('report escalation acknowledged', { slotId: slot.id, level: ref.level, role: by.role });
    return { slot: saved, record: { ...record, acknowledged }, changed: true };
  });
}
