import type { Cadence } from '../domain/periods.ts';
import type { Clock, DirectoryRepository } from '../domain/ports.ts';
import { runLimited } from './run-limited.ts';

/** Counts one school's OPEN report slots whose deadline has passed, per cadence, from the owner index. */
export interface LateSlotCounter {
  countLate(schoolId: string, now: Date): Promise<Partial<Record<Cadence, number>>>;
}

export interface LateSlotCounts {
  total: number;
  /** Every collected cadence, 0 included, so each gauge gets a point every run. */
  byCadence: Partial<Record<Cadence, number>>;
  /** Schools read one by one (the per-school count); absent when the count comes from the aggregates. */
  schools?: number;
}

/**
 * The figures behind the `OpenLateSlots` and `OpenLateSlotsByCadence` gauges (hourly in school hours, reconcile).
 * Every late slot counts: one waiting for its next ladder level and one whose whole ladder was sent alike, which
 * the chase sweep's due-index read cannot see.
 * 1. Load the directory: every school, inactive ones too (a closed school's unfiled report is still unfiled).
 * 2. Count each school's open slots past their deadline on the owner index (one Query per school, 16 in flight).
 * 3. Add them up per cadence.
 */
export async function countLateSlots(deps: {
  directory: Pick<DirectoryRepository, 'load'>;
  counter: LateSlotCounter;
  clock: Clock;
  cadences: readonly Cadence[];
}): Promise<LateSlotCounts> {
  const now = deps.clock.now();
  const { schools } = await deps.directory.load();
  const perSchool = await runLimited(schools, 16, (s) => deps.counter.countLate(s.id, now));
  const byCadence: Partial<Record<Cadence, number>> = Object.fromEntries(deps.cadences.map((c) => [c, 0]));
  for (const counts of perSchool)
    for (const [cadence, n] of Object.entries(counts)) {
      // A cadence the bureau stopped collecting may still have open slots: they are late all the same.
      byCadence[cadence as Cadence] = (byCadence[cadence as Cadence] ?? 0) + (n ?? 0);
    }
  const total = Object.values(byCadence).reduce((a, b) => a + b, 0);
  return { total, byCadence, schools: schools.length };
}
