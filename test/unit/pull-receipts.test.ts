import { describe, expect, it } from 'vitest';
import type { DeliveryReceipt } from '../../shared/domain/delivery.ts';
import { pullReceipts } from '../../shared/use-cases/pull-receipts.ts';
import type { ReceiptStore } from '../../shared/use-cases/record-receipts.ts';

const clock = { now: () => new Date('2026-12-02T02:00:00Z') };
const log = { info: () => {}, warn: () => {}, error: () => {} };
const receipt = (i: number, messageId?: string): DeliveryReceipt => ({
  provider: 'tencent',
  ...(messageId ? { messageId } : {}),
  providerMessageId: `fake-tc-${i}`,
  status: i % 3 === 0 ? 'UNDELIVERED' : 'DELIVERED',
  at: '2026-12-02T01:59:00.000Z',
  code: i % 3 === 0 ? 'UNDELIV' : 'DELIVRD',
});

/** A provider that hands each receipt out once, `limit` at a time (as PullSmsSendStatus does). */
function source(all: DeliveryReceipt[]) {
  const left = [...all];
  const calls: number[] = [];
  const pull = async (limit: number) => {
    calls.push(limit);
    return left.splice(0, limit);
  };
  return { calls, pull };
}

/** The outbox's delivery records: first receipt wins, unknown ids are unknown. */
function store(known: string[]): ReceiptStore & { written: Map<string, DeliveryReceipt> } {
  const written = new Map<string, DeliveryReceipt>();
  return {
    written,
    record: async (id, r) => {
      if (!known.includes(id)) return 'unknown';
      if (written.has(id)) return 'duplicate';
      written.set(id, r);
      return 'recorded';
    },
  };
}

describe('pullReceipts', () => {
  it('pages until a short page, writing each receipt once and counting duplicates and strangers', async () => {
    const known = Array.from({ length: 7 }, (_, i) => `m-${i}`);
    const all = [...known.map((id, i) => receipt(i, id)), receipt(90, 'm-1'), receipt(91, 'not-ours'), receipt(92)];
    const src = source(all);
    const receipts = store(known);
    const result = await pullReceipts({ source: src, receipts, clock, log }, { limit: 4 });
    expect(src.calls).toEqual([4, 4, 4]);
    expect(result).toEqual({ pages: 3, pulled: 10, recorded: 7, duplicate: 1, unknown: 2 });
    expect(receipts.written.get('m-3')?.status).toBe('UNDELIVERED');
    // The duplicate did not overwrite the first receipt.
    expect(receipts.written.get('m-1')?.providerMessageId).toBe('fake-tc-1');
  });

  it('stops after the page budget; the rest waits for the next run', async () => {
    const all = Array.from({ length: 30 }, (_, i) => receipt(i, `m-${i}`));
    const src = source(all);
    const first = await pullReceipts({ source: src, receipts: store([]), clock, log }, { limit: 5, pages: 2 });
    expect(first.pulled).toBe(10);
    const second = await pullReceipts({ source: src, receipts: store([]), clock, log }, { limit: 5, pages: 10 });
    expect(second.pulled).toBe(20);
    expect(second.pages).toBe(5);
  });

  it('an empty source (SNS, Alibaba) costs one call and writes nothing', async () => {
    const src = source([]);
    expect(await pullReceipts({ source: src, receipts: store([]), clock, log })).toEqual({
      pages: 1,
      pulled: 0,
      recorded: 0,
      duplicate: 0,
      unknown: 0,
    });
  });
});
