import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryAll, queryPage, queryPages, scanAll } from '../../shared/adapters/dynamo/client.ts';
import { ownerIndexPrefix } from '../../shared/adapters/dynamo/key-conditions.ts';
import { freshTable } from '../support/dynamo.ts';

/** 7 items of one owner under `X#`, 2 under `Y#`: pages of 2 force several round trips. */
let world: Awaited<ReturnType<typeof freshTable>>;
beforeAll(async () => {
  world = await freshTable('page');
  const items = [
    ...Array.from({ length: 7 }, (_, i) => ({
      pk: `X#${i}`,
      sk: 'X',
      gsi2pk: 'OWNER#1',
      gsi2sk: `X#${i}`,
      entity: 'X',
    })),
    ...Array.from({ length: 2 }, (_, i) => ({
      pk: `Y#${i}`,
      sk: 'Y',
      gsi2pk: 'OWNER#1',
      gsi2sk: `Y#${i}`,
      entity: 'Y',
    })),
  ];
  for (const Item of items) await world.doc.send(new PutCommand({ TableName: world.tableName, Item }));
});

const xs = () => ({ TableName: world.tableName, ...ownerIndexPrefix('OWNER#1', 'X#'), Limit: 2 });

describe('one way to page', () => {
  it('queryAll follows every page (7 items in pages of 2) and nothing of the other prefix', async () => {
    const items = await queryAll(world.doc, xs());
    expect(items.map((i) => i.gsi2sk)).toEqual(['X#0', 'X#1', 'X#2', 'X#3', 'X#4', 'X#5', 'X#6']);
  });

  it('queryPages yields 4 pages of at most 2, and a per-page limit stops a budgeted read early', async () => {
    const sizes: number[] = [];
    for await (const page of queryPages(world.doc, xs())) sizes.push(page.Items?.length ?? 0);
    expect(sizes.slice(0, 3)).toEqual([2, 2, 2]);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(7);

    const got: unknown[] = [];
    const { Limit: _l, ...input } = xs();
    for await (const page of queryPages(world.doc, input, () => Math.min(5 - got.length, 3))) {
      got.push(...(page.Items ?? []));
      if (got.length >= 5) break;
    }
    expect(got).toHaveLength(5);
  });

  it('queryPage: pages joined from nextKey give every item once; the last page has no nextKey', async () => {
    const { Limit: _l, ...input } = xs();
    const seen: unknown[] = [];
    let nextKey: Record<string, unknown> | undefined;
    let pages = 0;
    do {
      const page = await queryPage(world.doc, input, 3, nextKey);
      seen.push(...page.items.map((i) => i.gsi2sk));
      nextKey = page.nextKey;
      pages++;
    } while (nextKey && pages < 10);
    expect(seen).toEqual(['X#0', 'X#1', 'X#2', 'X#3', 'X#4', 'X#5', 'X#6']);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('queryPage refuses a page size outside 1…100 (101 only to look one item ahead)', async () => {
    const { Limit: _l, ...input } = xs();
    for (const bad of [0, 102, 2.5, -1]) await expect(queryPage(world.doc, input, bad)).rejects.toThrow(/1…100/);
    expect((await queryPage(world.doc, input, 101)).items).toHaveLength(7);
  });

  it('scanAll reads every page of a Scan', async () => {
    const items = await scanAll(world.doc, { TableName: world.tableName, Limit: 2 });
    expect(items).toHaveLength(9);
  });
});
