import type { Facts } from '../domain/digest.ts';
import { ValidationError } from '../domain/errors.ts';
import type { StatisticsSource } from '../domain/followup-ports.ts';
import type { DirectorySnapshot } from '../domain/ports.ts';
import { type DateRange, type Statistics, statisticsBy } from '../domain/statistics.ts';

/** Loads the facts of the given schools over a range from the three sources. */
export async function loadFacts(source: StatisticsSource, schoolIds: string[], range: DateRange): Promise<Facts> {
  const [reports, cases, visits] = await Promise.all([
    source.reportFacts(schoolIds, range),
    source.caseFacts(schoolIds, range),
    source.visitFacts(schoolIds, range),
  ]);
  return { reports, cases, visits };
}

/**
 * Statistics per school and township over any period (R8, §六): on-time report rate, cases opened / returned /
 * lapsed, median days to return, visits done vs due.
 * 1. Validate the range; pick the schools in scope (one township, or all; `schoolIds` narrows to the caller's scope).
 * 2. Load the facts and compute.
 */
export async function computeStatisticsUseCase(
  deps: { facts: StatisticsSource; directory: { load(): Promise<DirectorySnapshot> } },
  input: { range: DateRange; asOf: Date; townshipId?: string; schoolIds?: readonly string[] },
): Promise<{ schools: Map<string, Statistics>; townships: Map<string, Statistics> }> {
  const { from, to } = input.range;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from))
    throw new ValidationError([{ field: 'from', reason: '日期格式应为 YYYY-MM-DD' }]);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(to)) throw new ValidationError([{ field: 'to', reason: '日期格式应为 YYYY-MM-DD' }]);
  if (from > to) throw new ValidationError([{ field: 'to', reason: '不能早于开始日期（from）' }]);
  const directory = await deps.directory.load();
  const schoolIds = directory.schools
    .filter((s) => !input.townshipId || s.townshipId === input.townshipId)
    .filter((s) => !input.schoolIds || input.schoolIds.includes(s.id))
    .map((s) => s.id);
  const facts = await loadFacts(deps.facts, schoolIds, input.range);
  return statisticsBy(facts, input.range, input.asOf);
}
