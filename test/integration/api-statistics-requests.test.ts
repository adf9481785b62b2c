import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { NARROW_READ_TOWNSHIPS, rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { slotToItem } from '../../shared/adapters/dynamo/slot-repository.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { apiEvent, apiWorld } from '../support/api-world.ts';
import { countRequests, countyDirectory, countySchoolId, putAll } from '../support/county.ts';
import { freshTable } from '../support/dynamo.ts';
import { openSlot } from '../support/slot-fixtures.ts';

const schoolId = countySchoolId;

/**
 * A county of `schools` schools in `townships` townships: every school owed the daily report of 3-2, 3-5 and 3-9
 * (every 3rd school's 3-9 report not filed), the aggregates rebuilt from the items. The API's requests are counted on
 * warm calls (the directory is cached per container; its load is not the statistics' read).
 */
async function countyWorld(schools: number, townships: number) {
  const { doc, tableName } = await freshTable('stats-requests');
  const { deps } = await apiWorld(doc, tableName);
  await new DynamoDirectoryRepository(doc, tableName).save(countyDirectory(schools, townships), {
    officeIds: ['office-1'],
  });
  const items: Record<string, unknown>[] = [];
  for (let s = 0; s < schools; s++) {
    const townshipId = `tw-${(s % townships) + 1}`;
    for (const day of ['2026-03-02', '2026-03-05', '2026-03-09']) {
      const late = day === '2026-03-09' && s % 3 === 0;
      const filed = { state: 'SUBMITTED' as const, firstSubmittedAt: cstInstant(day, '16:00').toISOString() };
      items.push(slotToItem(openSlot(schoolId(s), townshipId, 'daily', day, late ? {} : filed)));
    }
  }
  await putAll(doc, tableName, items);
  await rebuildAggregates(doc, tableName);
  const sent = countRequests(doc, 'countStatisticsRequests');
  const handler = createApiHandler(deps);
  const office: Principal = { personId: 'office-1', name: '测试办公室', role: 'office' };
  const statistics = async (query: Record<string, string>) => {
    sent.length = 0;
    const res = await handler(apiEvent({ method: 'GET', path: '/api/statistics', as: office, query }));
    expect(res.statusCode).toBe(200);
    return { body: JSON.parse(res.body ?? '{}'), sent: [...sent] };
  };
  await statistics({ from: '2026-03-01', to: '2026-03-10' }); // loads and caches the directory
  return { statistics };
}

interface Row {
  schoolId?: string;
  townshipId: string;
  reportsDue: number;
  reportsOnTime: number;
}
/** The seeded county's rows (the API test organisation's own schools and townships sit beside them). */
const ours = (rows: Row[]) => rows.filter((r) => (r.schoolId ?? r.townshipId).match(/^(sc|tw)-/));
const sum = (rows: Row[], k: 'reportsDue' | 'reportsOnTime') => ours(rows).reduce((n, r) => n + r[k], 0);

describe('GET /api/statistics: requests per call do not grow with the schools (DynamoDB Local)', () => {
  it('40 schools in 12 townships vs 400 in 120: the same requests, one Query per bucket; one township: one BatchGet', async () => {
    expect(12).toBeGreaterThan(NARROW_READ_TOWNSHIPS);
    const small = await countyWorld(40, 12);
    const large = await countyWorld(400, 120);
    for (const range of [
      { from: '2026-03-01', to: '2026-03-10' },
      { from: '2026-03-02', to: '2026-03-08' },
    ]) {
      const a = await small.statistics(range);
      const b = await large.statistics(range);
      console.info(`statistics ${range.from}…${range.to}: 40 schools ${a.sent.join(',')}; 400 ${b.sent.join(',')}`);
      expect(b.sent).toEqual(a.sent);
      expect(a.sent.every((c) => c === 'QueryCommand')).toBe(true);
      // A month to date: 3-1, the week 3-2…3-8, 3-9, today and the all-time bucket (5); a whole past week: 3. One
      // Query per bucket of the range (each fits in a page here), nothing per township or school.
      expect(a.sent.length).toBeLessThanOrEqual(5);
      // And the figures are whole: every school's rows, every report owed in the range counted once.
      const days = range.to === '2026-03-10' ? 3 : 2;
      for (const [w, schools] of [
        [a, 40],
        [b, 400],
      ] as const) {
        expect(ours(w.body.schools)).toHaveLength(schools);
        expect(sum(w.body.schools, 'reportsDue')).toBe(schools * days);
        const late = range.to === '2026-03-10' ? Math.ceil(schools / 3) : 0;
        expect(sum(w.body.townships, 'reportsOnTime')).toBe(schools * days - late);
      }
    }
    // A narrow read (one township, 4 schools at both sizes): one BatchGet of its keys.
    const q = { from: '2026-03-01', to: '2026-03-10', townshipId: 'tw-3' };
    for (const w of [await small.statistics(q), await large.statistics(q)]) {
      expect(w.sent).toEqual(['BatchGetItemCommand']);
      expect(ours(w.body.schools)).toHaveLength(4);
      expect(sum(w.body.schools, 'reportsDue')).toBe(12);
    }
  }, 180_000);
});
