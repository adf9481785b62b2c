import { DynamoDeliveryReceipts } from '../../shared/adapters/dynamo/delivery-receipts.ts';
import { type PullReceiptsResult, pullReceipts } from '../../shared/use-cases/pull-receipts.ts';
import type { Deps } from '../deps.ts';

/**
 * Scheduled every 5 minutes: pulls the provider's delivery receipts (Tencent PullSmsSendStatus) onto the
 * messages' delivery records. On an SNS or Alibaba stage the source has nothing to pull (an empty page).
 */
export function createSmsReceiptsHandler(deps: Deps): (event?: unknown) => Promise<PullReceiptsResult> {
  if (!deps.receipts) throw new Error('sms-receipts needs a receipt source (the sms-receipts access)');
  const useCaseDeps = {
    source: deps.receipts,
    receipts: new DynamoDeliveryReceipts(deps.doc, deps.tableName),
    clock: deps.clock,
    log: deps.log,
  };
  return async () => pullReceipts(useCaseDeps);
}
