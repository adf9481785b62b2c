import { type ReconcileReport, reconcileNoticesUseCase } from '../../shared/use-cases/reconcile-notices.ts';
import { caseDepsOf } from '../case-reactor/case-deps.ts';
import type { Deps } from '../deps.ts';

/** Daily sweep: missed deadlines are processed, missing timers re-created. Fails the run if any notice failed. */
export function createReconcileHandler(deps: Deps) {
  const cases = caseDepsOf(deps);
  return async (_event?: unknown): Promise<ReconcileReport> => {
    const report = await reconcileNoticesUseCase(cases);
    if (report.failed.length > 0)
      throw new Error(`reconcile: ${report.failed.length} of ${report.open} open notices failed (see the log)`);
    return report;
  };
}
