import { describe, expect, it } from 'vitest';
import { createDigestsHandler } from '../../functions/digests/index.ts';
import { rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { slotToItem } from '../../shared/adapters/dynamo/slot-repository.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { apiWorld } from '../support/api-world.ts';
import { countRequests, countyDirectory, countySchoolId, putAll } from '../support/county.ts';
import { freshTable } from '../support/dynamo.ts';
import { openSlot } from '../support/slot-fixtures.ts';

const schoolId = countySchoolId;

/**
 * `schools` schools in `townships` townships, each township with its own 包乡镇人员 and government contact (fake
 * phones), so the digests' recipients grow with the townships as in a real county.
 */

const READS = new Set(['GetItemCommand', 'QueryCommand', 'BatchGetItemCommand', 'ScanCommand']);

/**
 * A county on Tuesday 2026-03-10 10:00 CST (last week's digest and February's reports are due), every school owed
 * the daily reports of the week 3-2…3-8 (every 3rd school's 3-5 report not filed), the aggregates rebuilt. `run`
 * calls the digests function as the schedule does and returns its result with the read requests it sent.
 */
async function countyWorld(schools: number, townships: number) {
  const { doc, tableName } = await freshTable('digest-requests');
  const { deps } = await apiWorld(doc, tableName);
  await new DynamoDirectoryRepository(doc, tableName).save(countyDirectory(schools, townships, { ownContacts: true }), {
    officeIds: ['office-1'],
  });
  const items: Record<string, unknown>[] = [];
  for (let s = 0; s < schools; s++) {
    const townshipId = `tw-${(s % townships) + 1}`;
    for (const day of ['2026-03-02', '2026-03-05']) {
      const late = day === '2026-03-05' && s % 3 === 0;
      const filed = { state: 'SUBMITTED' as const, firstSubmittedAt: cstInstant(day, '16:00').toISOString() };
      items.push(slotToItem(openSlot(schoolId(s), townshipId, 'daily', day, late ? {} : filed)));
    }
  }
  await putAll(doc, tableName, items);
  await rebuildAggregates(doc, tableName);
  const sent = countRequests(doc, 'countDigestRequests');
  const handler = createDigestsHandler(deps);
  return {
    run: async () => {
      sent.length = 0;
      const result = await handler();
      return { result, reads: sent.filter((c) => READS.has(c)), writes: sent.filter((c) => !READS.has(c)).length };
    },
  };
}

describe('digests (daily run): read requests do not grow with the schools or recipients (DynamoDB Local)', () => {
  it('40 schools in 12 townships vs 400 in 120: the same reads on the run that sends and on the rerun that skips', async () => {
    const small = await countyWorld(40, 12);
    const large = await countyWorld(400, 120);
    const first = [await small.run(), await large.run()] as const;
    const rerun = [await small.run(), await large.run()] as const;
    for (const [label, [a, b]] of [
      ['first run', first],
      ['rerun', rerun],
    ] as const)
      console.info(`digests ${label}: 40 schools ${a.reads.join(',')}; 400 ${b.reads.join(',')}`);

    // The first run sends: one weekly digest per 包乡镇人员 (plus the API test organisation's own recipients, the
    // same at both sizes) and one monthly report per township: ten times the townships, ten times the writes…
    const [a, b] = first;
    expect(b.result.weekly.enqueued - a.result.weekly.enqueued).toBe(108);
    expect(b.result.monthly.stored - a.result.monthly.stored).toBe(108);
    expect(b.writes).toBeGreaterThan(a.writes);
    // …and the same reads: one load of the directory, one Query of the week's marks, one of the month's reports,
    // the aggregates' bucket Queries; no BatchGet of message ids (one per 100 recipients before).
    expect(b.reads).toEqual(a.reads);
    expect(a.reads).not.toContain('BatchGetItemCommand');
    // The rerun finds everything enqueued and stored: nothing sent, fewer reads (no facts), the same at both sizes.
    for (const r of rerun) {
      expect(r.result.weekly.enqueued).toBe(0);
      expect(r.result.monthly.stored).toBe(0);
      expect(r.writes).toBe(0);
    }
    expect(rerun[1].reads).toEqual(rerun[0].reads);
    expect(rerun[0].reads.length).toBeLessThan(a.reads.length);
  }, 240_000);
});
