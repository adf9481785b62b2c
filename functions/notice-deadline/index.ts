import { z } from 'zod';
import { METRICS } from '../../infra/metrics.ts';
import { fromZodIssues } from '../../shared/domain/errors.ts';
import { type DeadlineOutcome, handleNoticeDeadlineUseCase } from '../../shared/use-cases/handle-notice-deadline.ts';
import { caseDepsOf } from '../case-reactor/case-deps.ts';
import type { Deps } from '../deps.ts';

/** The payload each notice's `at()` schedule carries (set by startNoticeTimer). */
export const noticeTimerEventSchema = z.object({ caseId: z.string().min(1), noticeId: z.string().min(1) });

/** Timer target: the notice's week is over. Idempotent: a second invocation finds the notice resolved. */
export function createNoticeDeadlineHandler(deps: Deps) {
  const cases = caseDepsOf(deps);
  return async (event: unknown): Promise<{ outcome: DeadlineOutcome }> => {
    const parsed = noticeTimerEventSchema.safeParse(event);
    if (!parsed.success) throw fromZodIssues(parsed.error.issues, 'event');
    const outcome = await handleNoticeDeadlineUseCase(cases, parsed.data);
    if (outcome === 'escalated') deps.metrics.count(METRICS.noticesLapsed);
    return { outcome };
  };
}
