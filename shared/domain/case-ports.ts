import type { Case, CaseEvent, CaseState } from './case.ts';
import type { Message } from './message.ts';
import type { Notice } from './notice.ts';
import type { Note } from './official-round.ts';

/**
 * One atomic change to a case: the case (guarded by the version it was read at), its notice, its timeline
 * events, the messages it causes and the pending messages it cancels. All land or none (one transaction).
 */
export interface CaseChange {
  case: Case;
  /** The version the case was read at; 0 for a new case. */
  expectedVersion: number;
  events: CaseEvent[];
  notice?: { value: Notice; expectedVersion: number };
  enqueue?: Message[];
  /** Officials' notes, merged into one SMS per official by the round that follows (shared/domain/official-round.ts). */
  notes?: Note[];
  /** Outbox ids to move QUEUED → CANCELLED (each conditional on still being QUEUED). */
  cancelMessageIds?: string[];
  /**
   * The pupil's uniqueness item, in the same transaction: `claim` (opening, reopening) takes `PUPIL#<key>` for this
   * case, refused with DuplicateCaseError naming the open case that holds it; `release` (ending) gives it back if this
   * case still holds it (a key never taken, e.g. data older than the keys, is nothing to give back).
   */
  pupilKey?: { claim: string } | { release: string };
}

/** Cases, notices and their timelines. Writes throw ConcurrentUpdateError when a guard fails. */
export interface CaseRepository {
  getCase(caseId: string): Promise<Case | undefined>;
  getNotice(caseId: string, noticeId: string): Promise<Notice | undefined>;
  listEvents(caseId: string): Promise<CaseEvent[]>;
  /** A school's cases (owner index): all, the open or closed ones, or those in one state; oldest first per state. */
  listBySchool(schoolId: string, filter?: CaseState | 'open' | 'closed'): Promise<Case[]>;
  /**
   * One page of a school's cases (owner index, one Query): at most `limit`, from `startKey` (the previous page's
   * `nextKey`); all, the open or the closed ones, in key order (state, then opening time).
   */
  pageBySchool(
    schoolId: string,
    filter: 'open' | 'closed' | undefined,
    limit: number,
    startKey?: Record<string, unknown>,
  ): Promise<{ cases: Case[]; nextKey?: Record<string, unknown> }>;
  /** Which of these notices are pending, read by key (one BatchGetItem per 100). */
  pendingNotices(refs: readonly { caseId: string; noticeId: string }[]): Promise<Notice[]>;
  /** Pending notices from the sparse due index, oldest deadline first; `dueBy` limits to deadlines up to it. */
  listOpenNotices(dueBy?: Date): Promise<Notice[]>;
  /** Lapsed notices whose escalation has something due by then (a re-escalation, a township order's deadline). */
  listDueEscalations(dueBy: Date): Promise<Notice[]>;
  /** Which of these outbox messages are still QUEUED (i.e. could still be cancelled). */
  queuedMessageIds(ids: string[]): Promise<string[]>;
  commit(change: CaseChange): Promise<void>;
  /** The OPEN case holding the pupil's uniqueness key, if any (a key left by a closed or missing case counts as free). */
  pupilKeyHolder(pupilKey: string): Promise<string | undefined>;
  /**
   * Adds one timeline event without touching the case (no version bump, so nobody's edit is refused for it).
   * Conditional on the event's key (`at` + `id`): the same deterministic event again is `exists`, not a duplicate.
   */
  appendEvent(event: CaseEvent): Promise<'added' | 'exists'>;
}
