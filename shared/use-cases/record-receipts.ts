import type { DeliveryReceipt } from '../domain/delivery.ts';
import type { Clock, Log } from '../domain/ports.ts';

export interface ReceiptStore {
  record(messageId: string, receipt: DeliveryReceipt, receivedAt: Date): Promise<'recorded' | 'duplicate' | 'unknown'>;
  /** Our message id for a provider's id (written with the SENT mark); absent: receipts must carry our id. */
  resolve?(provider: DeliveryReceipt['provider'], providerMessageId: string): Promise<string | undefined>;
}

/**
 * Applies a batch of provider receipts to the outbox's delivery records. Idempotent: a receipt delivered twice
 * (a provider retrying its callback, a second pull) changes nothing the second time. A receipt that names no
 * message of ours (another system on the same account, or an id we never had) is counted and logged, not an error.
 * A receipt without our id (SNS's delivery-status logs) is matched by the provider's id through the store's lookup.
 */
export async function recordReceipts(
  deps: { receipts: ReceiptStore; clock: Clock; log: Log },
  receipts: DeliveryReceipt[],
): Promise<{ recorded: number; duplicate: number; unknown: number }> {
  const counts = { recorded: 0, duplicate: 0, unknown: 0 };
  const now = deps.clock.now();
  for (const r of receipts) {
    const messageId =
      r.messageId ??
      (r.providerMessageId && deps.receipts.resolve
        ? await deps.receipts.resolve(r.provider, r.providerMessageId)
        : undefined);
    const outcome = messageId ? await deps.receipts.record(messageId, r, now) : 'unknown';
    counts[outcome]++;
    if (outcome === 'unknown')
      deps.log.warn('delivery receipt for no known message', {
        provider: r.provider,
        providerMessageId: r.providerMessageId,
      });
    else if (outcome === 'recorded' && r.status === 'UNDELIVERED')
      deps.log.warn('SMS not delivered', { messageId, code: r.code });
  }
  return counts;
}
