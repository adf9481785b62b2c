import { type CaseState, caseStates, closedStates } from '../domain/case.ts';
import type { DirectoryRepository } from '../domain/ports.ts';
import { runLimited } from './run-limited.ts';

/** The states of a case that is not closed (the `CasesByState` breakdown). */
export const openCaseStates = caseStates.filter((s) => !closedStates.has(s));
export type OpenCaseState = (typeof openCaseStates)[number];

/** Counts one school's open cases per state from the owner index (keys only, no case item is loaded). */
export interface OpenCaseCounter {
  countOpen(schoolId: string): Promise<Partial<Record<CaseState, number>>>;
}

export interface OpenCaseCounts {
  total: number;
  /** Every open state, 0 included, so each gauge gets a point every day. */
  byState: Record<OpenCaseState, number>;
  schools: number;
}

/**
 * The figures behind the `OpenCases` and `CasesByState` gauges (daily, from the reconcile function).
 * 1. Load the directory: every school, inactive ones too (a closed school's open cases are still open).
 * 2. Count each school's open cases on the owner index (one keys-only Query per school, at most 16 in flight).
 * 3. Add them up per state.
 */
export async function countOpenCases(deps: {
  directory: Pick<DirectoryRepository, 'load'>;
  counter: OpenCaseCounter;
}): Promise<OpenCaseCounts> {
  const { schools } = await deps.directory.load();
  return countOpenCasesOf(schools, deps.counter);
}

/**
 * Open cases per state of the given schools (the statistics tab's chart: the schools in the caller's scope).
 * Counts only, no case item is loaded.
 */
export async function countOpenCasesOf(
  schools: readonly { id: string }[],
  counter: OpenCaseCounter,
): Promise<OpenCaseCounts> {
  const perSchool = await runLimited(schools, 16, (s) => counter.countOpen(s.id));
  const byState = Object.fromEntries(openCaseStates.map((s) => [s, 0])) as Record<OpenCaseState, number>;
  for (const counts of perSchool)
    for (const [state, n] of Object.entries(counts)) {
      if (state in byState) byState[state as OpenCaseState] += n ?? 0;
    }
  const total = Object.values(byState).reduce((a, b) => a + b, 0);
  return { total, byState, schools: schools.length };
}
