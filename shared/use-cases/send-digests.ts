import {
  monthlyReportNotice,
  previousMonth,
  previousWeek,
  townshipMonthlyReport,
  weeklyDigests,
} from '../domain/digest.ts';
import type { DirectorySnapshot } from '../domain/ports.ts';
import type { DateRange } from '../domain/statistics.ts';
import { loadScopeStatistics } from './aggregate-statistics.ts';
import { loadFacts } from './compute-statistics.ts';
import { type DigestDeps, smsOf } from './followup-deps.ts';

/** The numbers of a range: from the aggregates (a few requests), else from the facts of every school. */
async function numbersOf(deps: DigestDeps, schoolIds: string[], range: DateRange, now: Date) {
  if (deps.aggregates) return loadScopeStatistics(deps.aggregates, range, now);
  if (!deps.facts) throw new Error('digests: neither aggregates nor a facts source is wired in');
  return loadFacts(deps.facts, schoolIds, range);
}

/**
 * Weekly digest (R8): one SMS per 包片领导 and 包乡镇人员 with counts of the previous Monday–Sunday.
 * 1. Load the directory (unless the caller passes the one it loaded for the run) and the facts of every school.
 * 2. Build one message per person and enqueue each with its mark in the week's partition; an id already enqueued
 *    (a rerun) is skipped, and when all of them are (one Query of the marks), the facts are not read at all.
 */
export async function sendWeeklyDigestsUseCase(
  deps: DigestDeps,
  loaded?: DirectorySnapshot,
): Promise<{ enqueued: number; skipped: number }> {
  const now = deps.clock.now();
  const range = previousWeek(now);
  const period = `WEEK#${range.from}`;
  const directory = loaded ?? (await deps.directory.load());
  const options = { ...smsOf(deps), recipients: deps.config.followup.digests.weeklyRecipients };
  // Ids do not depend on the counts: when every digest of the week is enqueued (every daily run after Monday's),
  // the week's facts are not read again.
  const expected = weeklyDigests(directory, { reports: [], cases: [], visits: [] }, range, now, options).map(
    (m) => m.id,
  );
  const done = new Set(await deps.repo.enqueuedDigestIds(period));
  if (expected.every((id) => done.has(id))) return { enqueued: 0, skipped: expected.length };
  const facts = await numbersOf(
    deps,
    directory.schools.map((s) => s.id),
    range,
    now,
  );
  const messages = weeklyDigests(directory, facts, range, now, options);
  let enqueued = 0;
  for (const m of messages) if (!done.has(m.id) && (await deps.repo.enqueueDigest(period, m))) enqueued++;
  deps.log.info('weekly digests', { week: range.from, enqueued, skipped: messages.length - enqueued });
  return { enqueued, skipped: messages.length - enqueued };
}

/**
 * Monthly report per township for its government (R8, §五(五)).
 * 1. Load the directory (unless passed, as for the weekly digest). For each active township, build the report of the previous month (per-school counts, no child named).
 * 2. Store it with the SMS to the government contact in one transaction; a rerun finds it stored and skips (and
 *    when every township's report is stored, the facts are not read at all).
 */
export async function sendMonthlyReportsUseCase(
  deps: DigestDeps,
  loaded?: DirectorySnapshot,
): Promise<{ stored: number; skipped: number; unresolved: string[] }> {
  const now = deps.clock.now();
  const range = previousMonth(now);
  const directory = loaded ?? (await deps.directory.load());
  const townships = directory.townships.filter((x) => x.active !== false);
  // The daily run after the first of the month finds every report stored: skip reading the month's facts again.
  const done = new Set(await deps.repo.monthlyReportTownships(range.key));
  if (townships.every((t) => done.has(t.id))) return { stored: 0, skipped: townships.length, unresolved: [] };
  const facts = await numbersOf(
    deps,
    directory.schools.map((s) => s.id),
    range,
    now,
  );
  let stored = 0;
  let skipped = 0;
  const unresolved: string[] = [];
  for (const t of townships) {
    const report = townshipMonthlyReport(directory, t.id, facts, range, now, deps.config.bureau.name);
    const notice = monthlyReportNotice(directory, report, now, smsOf(deps));
    if (notice.unresolved) unresolved.push(notice.unresolved);
    if (await deps.repo.saveMonthlyReport(report, notice.message)) stored++;
    else skipped++;
  }
  if (unresolved.length) deps.log.warn('monthly reports without a government contact', { unresolved });
  deps.log.info('monthly township reports', { month: range.key, stored, skipped });
  return { stored, skipped, unresolved };
}
