import { METRICS } from '../../infra/metrics.ts';
import { DynamoOpenCaseCounter } from '../../shared/adapters/dynamo/case-counts.ts';
import { countOpenCases, type OpenCaseCounts } from '../../shared/use-cases/count-open-cases.ts';
import { type ReconcileReport, reconcileNoticesUseCase } from '../../shared/use-cases/reconcile-notices.ts';
import { caseDepsOf } from '../case-reactor/case-deps.ts';
import type { Deps } from '../deps.ts';

/**
 * Daily sweep: missed deadlines are processed, missing timers re-created. Then the open cases are counted on the
 * owner index (one keys-only Query per school; docs/deploy.md "Metrics") for the `OpenCases` and `CasesByState`
 * gauges. Fails the run if any notice failed, after the gauges are out.
 */
export function createReconcileHandler(deps: Deps) {
  const cases = caseDepsOf(deps);
  const counter = new DynamoOpenCaseCounter(deps.doc, deps.tableName);
  return async (_event?: unknown): Promise<ReconcileReport & { openCases: OpenCaseCounts }> => {
    const report = await reconcileNoticesUseCase(cases);
    const openCases = await countOpenCases({ directory: cases.directory, counter });
    deps.metrics.gauge(METRICS.openCases, openCases.total);
    for (const [state, n] of Object.entries(openCases.byState)) deps.metrics.gauge(METRICS.casesByState, n, { state });
    deps.log.info('open cases counted', { ...openCases });
    if (report.failed.length > 0)
      throw new Error(`reconcile: ${report.failed.length} of ${report.open} open notices failed (see the log)`);
    return { ...report, openCases };
  };
}
