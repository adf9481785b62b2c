import * as z from 'zod/mini';
import { METRICS } from '../../shared/observability/metrics.ts';
import { type DeadlineOutcome, handleNoticeDeadlineUseCase } from '../../shared/use-cases/handle-notice-deadline.ts';
import { caseDepsOf } from '../case-reactor/case-deps.ts';
import type { Deps } from '../deps.ts';
import { parsedHandler } from '../parsed-handler.ts';

/** The payload each notice's `at()` schedule carries (set by startNoticeTimer). */
export const noticeTimerEventSchema = z.object({
  caseId: z.string().check(z.minLength(1)),
  noticeId: z.string().check(z.minLength(1)),
});

/** Timer target: the notice's week is over. Idempotent: a second invocation finds the notice resolved. */
export function createNoticeDeadlineHandler(deps: Deps) {
  const cases = caseDepsOf(deps);
  return parsedHandler(noticeTimerEventSchema, async (event): Promise<{ outcome: DeadlineOutcome }> => {
    const outcome = await handleNoticeDeadlineUseCase(cases, event);
    if (outcome === 'escalated') deps.metrics.count(METRICS.noticesLapsed);
    return { outcome };
  });
}
