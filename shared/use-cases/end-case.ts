import { type Actor, applyAction, type Case, type CaseAction, type CaseEvent } from '../domain/case.ts';
import { NotFoundError } from '../domain/errors.ts';
import { assertDateInCase } from '../domain/input.ts';
import type { Notice } from '../domain/notice.ts';
import { type CaseDeps, retryOnConflict } from './case-deps.ts';

export interface EndCaseResult {
  case: Case;
  /** What happened to a notice that was still running: complied (returned in time) or withdrawn. */
  notice?: { id: string; status: Notice['status'] };
  cancelledMessageIds: string[];
}

/**
 * Ends a case: return (复学), exemption (R4), transfer out (转出), approved 休学 (R5).
 * 1. Load the case; the lifecycle refuses the action from a closed state.
 * 2. A notice still pending is resolved (returned → complied, otherwise withdrawn) and leaves the due index;
 *    its guardian reminders still QUEUED are cancelled in the same transaction, so they can never be sent.
 * 3. Commit, giving back the pupil's uniqueness key in the same transaction; a guard failure (the deadline or the
 *    dispatcher got there first) reloads and decides again.
 * The notice's stream record then makes the case-reactor delete the timer (already gone is fine).
 */
export async function endCase(
  deps: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'>,
  input: {
    caseId: string;
    action: Extract<CaseAction, 'record-return' | 'record-exemption' | 'record-transfer' | 'record-suspension'>;
    eventType: CaseEvent['type'];
    by: Actor;
    data: Record<string, unknown>;
    patch?: Partial<Case>;
    /** The date the ending took effect: not in the future and, unless `anyPast`, not before the case opened. */
    effective?: { field: string; date: string; anyPast?: boolean };
  },
): Promise<EndCaseResult> {
  return retryOnConflict(async () => {
    const c = await deps.repo.getCase(input.caseId);
    if (!c) throw new NotFoundError('case', input.caseId);
    const now = deps.clock.now();
    const next = applyAction(c, input.action, now, input.patch);
    if (input.effective)
      assertDateInCase(input.effective.field, input.effective.date, {
        now,
        ...(input.effective.anyPast ? {} : { openedAt: c.openedAt }),
      });

    const current = c.currentNoticeId ? await deps.repo.getNotice(c.id, c.currentNoticeId) : undefined;
    const pending = current?.status === 'pending' ? current : undefined;
    const resolved: Notice | undefined = pending && {
      ...pending,
      status: input.action === 'record-return' ? 'complied' : 'withdrawn',
      resolvedAt: now.toISOString(),
    };
    const cancel = pending ? await deps.repo.queuedMessageIds(pending.reminderMessageIds) : [];

    await deps.repo.commit({
      case: next,
      expectedVersion: c.version,
      ...(resolved && pending ? { notice: { value: resolved, expectedVersion: pending.version } } : {}),
      events: [
        {
          id: deps.newId(),
          caseId: c.id,
          at: now.toISOString(),
          type: input.eventType,
          by: input.by,
          data: {
            ...input.data,
            from: c.state,
            ...(resolved ? { noticeId: resolved.id, notice: resolved.status } : {}),
          },
        },
      ],
      cancelMessageIds: cancel,
      // The pupil may have a new case from now on: the key goes back in the same transaction as the ending.
      ...(c.pupilKey ? { pupilKey: { release: c.pupilKey } } : {}),
    });
    deps.log.info('case ended', { caseId: c.id, from: c.state, to: next.state, notice: resolved?.status });
    return {
      case: { ...next, version: c.version + 1 },
      ...(resolved ? { notice: { id: resolved.id, status: resolved.status } } : {}),
      cancelledMessageIds: cancel,
    };
  });
}
