import type { AppConfig } from '../config/app-config.ts';
import { SchoolCalendar } from '../domain/calendar.ts';
import { levelDueAt } from '../domain/ladder.ts';
import { type Cadence, deadlineOf, isDueOn, periodOf } from '../domain/periods.ts';
import type { Clock, DirectoryRepository, Log } from '../domain/ports.ts';
import { newSlot, type SlotRepository } from '../domain/report-slot.ts';
import { type CstDate, cstDate } from '../domain/time.ts';
import { runLimited } from './run-limited.ts';

export interface OpenReportsDeps {
  slots: SlotRepository;
  directory: Pick<DirectoryRepository, 'load'>;
  clock: Clock;
  log: Log;
  config: Pick<AppConfig, 'calendar' | 'reports'>;
}

export interface OpenReportsResult {
  date: CstDate;
  /** Per cadence due today: slots created and slots that already existed. */
  opened: Partial<Record<Cadence, { created: number; existing: number; periodKey: string }>>;
}

/**
 * Opens the report slots that become owed today (scheduled daily, early morning CST).
 * 1. For each configured cadence, find the period containing today; it is owed today only if today is the
 *    period's last school day (daily: every school day).
 * 2. For each active school, create its slot conditionally (attribute_not_exists): a second run creates nothing.
 * 3. Each new slot enters the sparse due index at deadline + the ladder's first delay.
 */
export async function openReports(deps: OpenReportsDeps, input: { date?: CstDate } = {}): Promise<OpenReportsResult> {
  const now = deps.clock.now();
  const date = input.date ?? cstDate(now);
  const calendar = new SchoolCalendar(deps.config.calendar, (m) => deps.log.warn(m));
  const result: OpenReportsResult = { date, opened: {} };
  const owed = deps.config.reports.cadences
    .map((cadence) => periodOf(cadence, date, calendar))
    .filter((period) => isDueOn(period, date));
  if (owed.length === 0) return result;

  const directory = await deps.directory.load();
  const schools = directory.schools.filter((s) => s.active !== false);
  for (const period of owed) {
    const deadline = deadlineOf(period, deps.config.reports.dueTime[period.cadence])!;
    const firstDueAt = levelDueAt(deadline.toISOString(), deps.config.reports.ladders[period.cadence], 0);
    const outcomes = await runLimited(schools, 16, (school) =>
      deps.slots.createIfAbsent(
        newSlot({
          schoolId: school.id,
          townshipId: school.townshipId,
          cadence: period.cadence,
          periodKey: period.key,
          dueDate: period.dueDate!,
          deadline,
          firstDueAt,
          now,
        }),
      ),
    );
    const created = outcomes.filter((o) => o === 'created').length;
    result.opened[period.cadence] = { created, existing: outcomes.length - created, periodKey: period.key };
  }
  deps.log.info('report slots opened', { date, opened: result.opened });
  return result;
}
