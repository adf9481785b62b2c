import {
  actionOfStatusChange,
  closedStates,
  parseInput,
  type StatusChangeInput,
  statusChangeInputSchema,
  statusChangeLabel,
} from '../domain/case.ts';
import { InvalidTransitionError, NotFoundError } from '../domain/errors.ts';
import { type CaseDeps, retryOnConflict } from './case-deps.ts';
import { type EndCaseResult, endCase } from './end-case.ts';
import type { OnReturned } from './record-return.ts';

/**
 * Records a 学籍 status change with its evidence (R5, §四(二)2).
 * 1. Validate (evidence required; 转出 needs a destination, 休学 an approval reference).
 * 2. 转出 / 休学 / 复学 end the case (pending timers and reminders cancelled — see endCase).
 * 3. 转入 and 辍学 are recorded on the timeline of an open case; 辍学 also makes a 未按时返校 case a 辍学 case.
 */
export async function recordStatusChangeUseCase(
  deps: Pick<CaseDeps, 'repo' | 'clock' | 'newId' | 'log'> & { onReturned?: OnReturned },
  caseId: string,
  input: StatusChangeInput,
): Promise<EndCaseResult> {
  const change = parseInput(statusChangeInputSchema, input);
  const action = actionOfStatusChange(change.kind);
  const data = { statusChange: change.kind, label: statusChangeLabel[change.kind], ...change };
  if (action) {
    const result = await endCase(deps, {
      effective: { field: 'effectiveOn', date: change.effectiveOn },
      caseId,
      action,
      eventType: 'status-change',
      by: change.by,
      data,
      ...(change.kind === 'transfer-out'
        ? { patch: { transfer: { destination: change.destination!, effectiveOn: change.effectiveOn } } }
        : {}),
    });
    if (action === 'record-return') await deps.onReturned?.({ ...result, returnedOn: change.effectiveOn });
    return result;
  }
  return retryOnConflict(async () => {
    const c = await deps.repo.getCase(caseId);
    if (!c) throw new NotFoundError('case', caseId);
    if (closedStates.has(c.state)) throw new InvalidTransitionError('case', c.state, `record-${change.kind}`);
    const now = deps.clock.now();
    const next = {
      ...c,
      updatedAt: now.toISOString(),
      ...(change.kind === 'dropout' && c.kind === 'not-returned' ? { kind: 'dropped-out' as const } : {}),
    };
    await deps.repo.commit({
      case: next,
      expectedVersion: c.version,
      events: [{ id: deps.newId(), caseId, at: now.toISOString(), type: 'status-change', by: change.by, data }],
    });
    deps.log.info('status change recorded', { caseId, change: change.kind });
    return { case: { ...next, version: c.version + 1 }, cancelledMessageIds: [] };
  });
}
