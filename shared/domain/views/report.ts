import type { EscalationAck } from '../escalation.ts';
import type { NotBackOutcome, ReportSlot } from '../report-slot.ts';
import { acknowledgementReply } from './acknowledgement.ts';

// Views of a filed report and of a report ladder level taken on (R1, R2). The reply lists case ids and counts,
// never a pupil's name: the same for every audience that may file or acknowledge. Pure.

/** A filed (or re-filed) report: its slot, whether on time, and what its not-back pupils did to cases. */
export function reportFiledView(r: {
  slot: ReportSlot;
  onTime: boolean;
  resubmission: boolean;
  reopenedCaseIds: string[];
  intake: NotBackOutcome;
}) {
  return {
    slotId: r.slot.id,
    state: r.slot.state,
    onTime: r.onTime,
    resubmission: r.resubmission,
    reopenedCaseIds: r.reopenedCaseIds,
    cases: {
      reopened: r.intake.reopenedCaseIds.length,
      fed: r.intake.fedCaseIds.length,
      opened: r.intake.openedCaseIds.length,
      unchanged: r.intake.unchangedCaseIds.length,
      ambiguous: r.intake.ambiguous,
      skipped: r.intake.skipped.length,
      reopenedCaseIds: r.intake.reopenedCaseIds,
      fedCaseIds: r.intake.fedCaseIds,
      openedCaseIds: r.intake.openedCaseIds,
      unchangedCaseIds: r.intake.unchangedCaseIds,
      skippedCases: r.intake.skipped,
    },
    deadline: r.slot.deadline,
    submittedAt: r.slot.submission?.submittedAt,
  };
}

/** A report ladder level taken on: who, when and the note (scrubbed, like every official's note). */
export function reportAcknowledgementView(
  ref: { slotId: string; level: number },
  ack: EscalationAck,
  changed: boolean,
) {
  return acknowledgementReply({ slotId: ref.slotId, level: ref.level }, ack, changed);
}
