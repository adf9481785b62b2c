import type { Clock, Log, ReceiptSource } from '../domain/ports.ts';
import { type ReceiptStore, recordReceipts } from './record-receipts.ts';

export interface PullReceiptsResult {
  pages: number;
  pulled: number;
  recorded: number;
  duplicate: number;
  unknown: number;
}

/**
 * The scheduled receipt pull (every 5 minutes): pages of receipts from the provider, each written once onto its
 * message's delivery record. Tencent returns a receipt only once, so one that cannot be written (the table
 * unavailable mid-page) is lost: the message then stays SENT without a receipt, and the delivery check treats
 * it as not confirmed (docs/sms.md). At most `pages` pages per run; the rest waits for the next run.
 */
export async function pullReceipts(
  deps: { source: ReceiptSource; receipts: ReceiptStore; clock: Clock; log: Log },
  options: { limit?: number; pages?: number } = {},
): Promise<PullReceiptsResult> {
  const limit = options.limit ?? 100;
  const result: PullReceiptsResult = { pages: 0, pulled: 0, recorded: 0, duplicate: 0, unknown: 0 };
  for (let page = 0; page < (options.pages ?? 10); page++) {
    const batch = await deps.source.pull(limit);
    result.pages++;
    result.pulled += batch.length;
    if (batch.length > 0) {
      const counts = await recordReceipts(deps, batch);
      result.recorded += counts.recorded;
      result.duplicate += counts.duplicate;
      result.unknown += counts.unknown;
    }
    if (batch.length < limit) break;
  }
  deps.log.info('receipt pull', { ...result });
  return result;
}
