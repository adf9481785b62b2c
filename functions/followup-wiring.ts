import { DynamoDirectoryRepository } from '../shared/adapters/dynamo/directory-repository.ts';
import { DynamoFollowUpRepository } from '../shared/adapters/dynamo/followup-repository.ts';
import { DynamoNoteRepository } from '../shared/adapters/dynamo/note-repository.ts';
import { DuplicatePlanError } from '../shared/domain/errors.ts';
import type { DirectoryRepository } from '../shared/domain/ports.ts';
import type { FollowUpDeps } from '../shared/use-cases/followup-deps.ts';
import { followUpOnReturned } from '../shared/use-cases/followup-on-return.ts';
import type { OnReturned } from '../shared/use-cases/record-return.ts';
import type { Deps } from './deps.ts';

/** The follow-up use cases' ports from a function's deps (API, CLI, demo and tests alike). */
export function followUpDepsOf(
  deps: Pick<Deps, 'doc' | 'tableName' | 'clock' | 'newId' | 'log' | 'config'>,
  directory: DirectoryRepository = new DynamoDirectoryRepository(deps.doc, deps.tableName),
): FollowUpDeps {
  return {
    repo: new DynamoFollowUpRepository(deps.doc, deps.tableName),
    directory,
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    config: deps.config,
    notes: new DynamoNoteRepository(deps.doc, deps.tableName),
  };
}

/** What happened to the 保学 plan after a return was recorded. */
export interface FollowUpOutcome {
  /** `exists`: the pupil already has an active follow-up plan (one per pupil), which goes on. */
  status: 'created' | 'exists' | 'failed';
}

/**
 * The `onReturned` hook every return path passes (API return and 复学 status change, CLI, demo): creates the
 * 保学 plan (R5/R6). The return itself is already committed when the hook runs, so a failure here (e.g. the
 * calendar does not cover the year) must not turn the request into an error the caller would retry against a
 * closed case: it is logged with the case id and reported in `outcome`. The plan id is deterministic per case
 * and return date, so creating it again later is safe.
 */
export function returnHook(followUp: FollowUpDeps): {
  onReturned: OnReturned;
  outcome: () => FollowUpOutcome | undefined;
} {
  const create = followUpOnReturned(followUp);
  let outcome: FollowUpOutcome | undefined;
  return {
    onReturned: async (result) => {
      try {
        await create(result);
        outcome = { status: 'created' };
      } catch (error) {
        if (error instanceof DuplicatePlanError) {
          outcome = { status: 'exists' };
          followUp.log.info('follow-up plan not created: the pupil already has an active one', {
            caseId: result.case.id,
            planId: error.existingPlanId,
          });
          return;
        }
        outcome = { status: 'failed' };
        followUp.log.error('follow-up plan not created after a return', {
          caseId: result.case.id,
          error: error instanceof Error ? error.name : typeof error,
        });
      }
    },
    outcome: () => outcome,
  };
}
