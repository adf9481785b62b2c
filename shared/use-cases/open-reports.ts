import type { AppConfig } from '../config/app-config.ts';
import { type CalendarGap, SchoolCalendar } from '../domain/calendar.ts';
import { CALENDAR_ALERT_DAYS, calendarGapMessages } from '../domain/calendar-alerts.ts';
import { CalendarNotCoveredError, TermNotConfiguredError } from '../domain/errors.ts';
import { levelDueAt } from '../domain/ladder.ts';
import type { Message } from '../domain/message.ts';
import { type Cadence, deadlineOf, isDueOn, periodOf } from '../domain/periods.ts';
import type { Clock, DirectoryRepository, Log } from '../domain/ports.ts';
import { newSlot, type SlotRepository } from '../domain/report-slot.ts';
import { type CstDate, cstDate } from '../domain/time.ts';
import { ladderTimeOf } from '../domain/working-time.ts';
import { runLimited } from './run-limited.ts';

export interface OpenReportsDeps {
  slots: SlotRepository;
  directory: Pick<DirectoryRepository, 'load'>;
  /** Where the office's calendar-gap SMS go (a deterministic id already enqueued is skipped: false). */
  outbox: { enqueue(message: Message): Promise<boolean> };
  clock: Clock;
  log: Log;
  config: Pick<AppConfig, 'calendar' | 'reports' | 'sms'>;
}

export interface OpenReportsResult {
  date: CstDate;
  /** Per cadence due today: slots created and slots that already existed. */
  opened: Partial<Record<Cadence, { created: number; existing: number; periodKey: string }>>;
  /** What the calendar cannot decide within CALENDAR_WARNING_DAYS (a missing national year, no next term). */
  calendarGaps: CalendarGap[];
  /** Calendar-gap SMS enqueued for the office by this run (each gap and threshold once, ever). */
  calendarAlerts: number;
}

/**
 * Opens the report slots that become owed today (scheduled daily, early morning CST).
 * 1. For each configured cadence, find the period containing today; it is owed today only if today is the
 *    period's last school day (daily: every school day).
 * 2. For each active school, create its slot conditionally (attribute_not_exists): a second run creates nothing.
 * 3. Each new slot enters the sparse due index at deadline + the ladder's first delay.
 * Before that, whatever the calendar will not be able to decide within 45 days (a national year without data, the
 * end of the configured terms) is logged and, at 45/30/14/7 days, sent to the office once per threshold.
 */
export async function openReports(deps: OpenReportsDeps, input: { date?: CstDate } = {}): Promise<OpenReportsResult> {
  const now = deps.clock.now();
  const date = input.date ?? cstDate(now);
  const calendar = new SchoolCalendar(deps.config.calendar, (m) => deps.log.warn(m));
  const result: OpenReportsResult = { date, opened: {}, calendarGaps: [], calendarAlerts: 0 };
  result.calendarGaps = calendar.gaps(date, CALENDAR_WARNING_DAYS);
  let directory: Awaited<ReturnType<OpenReportsDeps['directory']['load']>> | undefined;
  if (result.calendarGaps.length > 0) {
    for (const gap of result.calendarGaps)
      deps.log.warn(
        gap.kind === 'year'
          ? `national holiday calendar missing for ${gap.year}: report periods from ${gap.firstDay} (in ${gap.daysLeft} days) will be refused; add config/holidays/${gap.year}.json`
          : `no term configured after ${gap.lastTermEnd}: report periods from ${gap.firstDay} (in ${gap.daysLeft} days) will be refused; add the next term to calendar.terms`,
        { ...gap },
      );
    directory = await deps.directory.load();
    const alerts = calendarGapMessages(result.calendarGaps, directory, now, date, deps.config.sms, CALENDAR_ALERT_DAYS);
    for (const message of alerts) if (await deps.outbox.enqueue(message)) result.calendarAlerts++;
  }
  // One cadence the calendar cannot decide (e.g. an ISO week reaching into an uncovered year) must not stop the
  // others: they open, the refused ones are listed, and the run fails at the end so the operators are alarmed.
  const owed: ReturnType<typeof periodOf>[] = [];
  const refused: { cadence: Cadence; error: Error }[] = [];
  for (const cadence of deps.config.reports.cadences) {
    try {
      const period = periodOf(cadence, date, calendar);
      if (isDueOn(period, date)) owed.push(period);
    } catch (error) {
      if (!(error instanceof CalendarNotCoveredError || error instanceof TermNotConfiguredError)) throw error;
      refused.push({ cadence, error });
    }
  }
  if (owed.length === 0) return finish(deps, result, refused);

  directory ??= await deps.directory.load();
  const schools = directory.schools.filter((s) => s.active !== false);
  const ladderTime = ladderTimeOf(calendar, deps.config.reports.officeHours, (m) => deps.log.warn(m));
  for (const period of owed) {
    const deadline = deadlineOf(period, deps.config.reports.dueTime[period.cadence])!;
    const firstDueAt = levelDueAt(deadline.toISOString(), deps.config.reports.ladders[period.cadence], 0, ladderTime);
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
  return finish(deps, result, refused);
}

/** Days ahead of a missing national calendar year that the daily run starts warning (a month and a half). */
export const CALENDAR_WARNING_DAYS = 45;

function finish(
  deps: Pick<OpenReportsDeps, 'log'>,
  result: OpenReportsResult,
  refused: { cadence: Cadence; error: Error }[],
): OpenReportsResult {
  if (refused.length === 0) return result;
  for (const { cadence, error } of refused) {
    deps.log.error('report period refused', { date: result.date, cadence, reason: error.message });
  }
  throw new CadencesRefusedError(
    result,
    refused.map((r) => r.cadence),
    refused[0]!.error,
  );
}

/** Some cadences could not be opened (the others were): carries what was opened, for the log and a re-run. */
export class CadencesRefusedError extends Error {
  constructor(
    readonly result: OpenReportsResult,
    readonly cadences: Cadence[],
    cause: Error,
  ) {
    super(`report periods refused for ${cadences.join(', ')} on ${result.date}: ${cause.message}`, { cause });
    this.name = 'CadencesRefusedError';
  }
}
