import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DynamoAggregateStore, rebuildAggregates, recount } from '../../shared/adapters/dynamo/aggregate-store.ts';
import type { AggregateDelta, Counters } from '../../shared/domain/aggregates.ts';
import { type Change, changesOf, finalItems, type History, itemHistory } from '../support/aggregate-sources.ts';
import { freshTable } from '../support/dynamo.ts';

/** What is stored under AGG#…: township items' school maps and county counters, zeros left out. */
async function storedAggregates(doc: Awaited<ReturnType<typeof freshTable>>['doc'], tableName: string) {
  const townships: Record<string, Counters> = {};
  const county: Record<string, Counters> = {};
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
    for (const item of page.Items ?? []) {
      const pk = String(item.pk);
      if (!pk.startsWith('AGG#')) continue;
      const bucket = pk.slice(4);
      if (item.sk === 'C') {
        const c: Counters = {};
        for (const [k, v] of Object.entries(item))
          if (!['pk', 'sk', 'entity', 'version'].includes(k) && typeof v === 'number' && v !== 0) c[k] = v;
        if (Object.keys(c).length) county[bucket] = c;
      } else {
        const s = item.s as Record<string, Counters>;
        for (const [school, c] of Object.entries(s)) townships[`${bucket}|${item.sk}|${school}`] = c;
      }
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return { townships, county };
}

function expectedOf(delta: AggregateDelta) {
  const townships: Record<string, Counters> = {};
  const county: Record<string, Counters> = {};
  for (const [bucket, t] of delta.townships)
    for (const [townshipId, schools] of t)
      for (const [school, c] of schools) townships[`${bucket}|T#${townshipId}|${school}`] = c;
  for (const [bucket, c] of delta.county) county[bucket] = c;
  return { townships, county };
}

/** Interleaves the items' records (each item's order kept), then duplicates some and replays from earlier points. */
const deliveries = fc
  .integer({ min: 1, max: 6 })
  .chain((k) => fc.tuple(...Array.from({ length: k }, (_, i) => itemHistory(i))))
  .chain((histories: History[]) => {
    const lists = histories.map(changesOf);
    const total = lists.reduce((a, l) => a + l.length, 0);
    return fc
      .tuple(
        fc.array(fc.nat({ max: lists.length - 1 }), { minLength: total * 3, maxLength: total * 3 }),
        fc.array(
          fc.record({ duplicate: fc.boolean(), replayBack: fc.option(fc.nat({ max: 4 }), { nil: undefined }) }),
          {
            minLength: total,
            maxLength: total,
          },
        ),
      )
      .map(([picks, faults]) => {
        const cursors = lists.map(() => 0);
        const order: Change[] = [];
        for (const p of picks) {
          const i = [p, ...lists.keys()].find((j) => cursors[j]! < lists[j]!.length);
          if (i === undefined) break;
          order.push(lists[i]![cursors[i]!++]!);
        }
        for (const [i, l] of lists.entries()) while (cursors[i]! < l.length) order.push(l[cursors[i]!++]!);
        // Lambda's faults: a record delivered twice, a batch retried from an earlier record after a failure.
        const delivered: Change[] = [];
        order.forEach((c, i) => {
          delivered.push(c);
          const f = faults[i]!;
          if (f.duplicate) delivered.push(c);
          if (f.replayBack !== undefined) delivered.push(...order.slice(Math.max(0, i - f.replayBack), i + 1));
        });
        return { histories, delivered };
      });
  });

describe('aggregates kept from stream records', () => {
  it('equal a recount of the final items after any interleaving, duplicates and replays; rebuild gives the same', async () => {
    await fc.assert(
      fc.asyncProperty(deliveries, async ({ histories, delivered }) => {
        const { doc, tableName } = await freshTable('agg');
        const store = new DynamoAggregateStore(doc, tableName);
        for (const change of delivered) await store.apply(change);
        const expected = expectedOf(recount(finalItems(histories)));

        expect(await storedAggregates(doc, tableName)).toEqual(expected);

        // The rebuild reads the items themselves: store them as they are at the end, then recount.
        const { BatchWriteCommand } = await import('@aws-sdk/lib-dynamodb');
        const items = finalItems(histories);
        for (let i = 0; i < items.length; i += 25)
          await doc.send(
            new BatchWriteCommand({
              RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
            }),
          );
        const rebuilt = await rebuildAggregates(doc, tableName);
        expect(rebuilt.sources).toBe(items.length);
        expect(await storedAggregates(doc, tableName)).toEqual(expected);
        doc.destroy();
      }),
      { numRuns: 10, seed: 20260310 },
    );
  }, 120_000);

  it('a record applied twice reports the second as a duplicate and changes nothing', async () => {
    const { doc, tableName } = await freshTable('agg');
    const store = new DynamoAggregateStore(doc, tableName);
    const slot = {
      pk: 'SLOT#s1:daily:2026-03-09',
      sk: 'SLOT',
      entity: 'SLOT',
      schoolId: 's1',
      townshipId: 'ta',
      cadence: 'daily',
      deadline: '2026-03-09T09:00:00.000Z',
      state: 'OPEN',
      version: 1,
    };

    expect(await store.apply({ eventName: 'INSERT', newImage: slot })).toBe('applied');
    expect(await store.apply({ eventName: 'INSERT', newImage: slot })).toBe('duplicate');
    const day = await store.read(['D2026-03-09'], ['ta']);
    expect(day.get('D2026-03-09')?.get('ta')?.get('s1')).toEqual({ 'rd@1700': 1 });
    expect(await store.county('ALL')).toEqual({ 'so:daily:2026-03-09@1700': 1 });
  });
});

describe('aggregates per priority group', () => {
  it('a case counts in its groups; a roll refresh that changes them moves the counts; 脱贫户 from povertyRegistered on older items', async () => {
    const { doc, tableName } = await freshTable('agg');
    const store = new DynamoAggregateStore(doc, tableName);
    const base = {
      pk: 'CASE#g1',
      sk: 'CASE',
      entity: 'CASE',
      id: 'g1',
      schoolId: 's1',
      townshipId: 'ta',
      state: 'persuading',
      openedAt: '2026-03-09T02:00:00.000Z',
      povertyRegistered: true,
    };
    // Stored before groups existed: 脱贫户 from povertyRegistered.
    await store.apply({ eventName: 'INSERT', newImage: { ...base, version: 1 } });
    const school = async (bucket: string) => (await store.read([bucket], ['ta'])).get(bucket)?.get('ta')?.get('s1');
    expect(await school('ALL')).toEqual({ co: 1, 'co#pv': 1 });
    // The roll import gives it 留守 and 残疾 (脱贫户 kept consistent with povertyRegistered).
    const regrouped = { ...base, priorityGroups: ['脱贫户', '残疾', '留守'], version: 2 };
    await store.apply({ eventName: 'MODIFY', oldImage: { ...base, version: 1 }, newImage: regrouped });
    expect(await school('D2026-03-09')).toEqual({ co: 1, 'co#pv': 1, 'co#ds': 1, 'co#lb': 1 });
    // Returned: closings per group too, and the all-time open count per group drops to nothing.
    const closed = { ...regrouped, state: 'returned', closedAt: '2026-03-10T02:00:00.000Z', version: 3 };
    await store.apply({ eventName: 'MODIFY', oldImage: regrouped, newImage: closed });
    expect(await school('D2026-03-10')).toEqual({
      cc: 1,
      cr: 1,
      rt1: 1,
      'cc#pv': 1,
      'cc#ds': 1,
      'cc#lb': 1,
      'cr#pv': 1,
      'cr#ds': 1,
      'cr#lb': 1,
    });
    expect(await school('ALL')).toEqual({
      co: 1,
      cc: 1,
      'co#pv': 1,
      'co#ds': 1,
      'co#lb': 1,
      'cc#pv': 1,
      'cc#ds': 1,
      'cc#lb': 1,
    });
    expect(expectedOf(recount([closed])).townships['ALL|T#ta|s1']).toEqual(await school('ALL'));
  });
});
