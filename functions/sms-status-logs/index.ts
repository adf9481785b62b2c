import { DynamoDeliveryReceipts } from '../../shared/adapters/dynamo/delivery-receipts.ts';
import { type DeliveryReceipt, snsDeliveryReceipt } from '../../shared/domain/delivery.ts';
import { recordReceipts } from '../../shared/use-cases/record-receipts.ts';
import type { Deps } from '../deps.ts';
import { type InvokableHandler, parsedHandler } from '../parsed-handler.ts';
import { awslogsEventSchema } from './awslogs-schema.ts';

export interface StatusLogsResult {
  events: number;
  recorded: number;
  duplicate: number;
  unknown: number;
  /** Log events that are not an SNS delivery-status entry (skipped: a retry would not change them). */
  malformed: number;
}

/**
 * CloudWatch Logs subscription on SNS's SMS delivery-status log groups (`sns/<region>/<account>/
 * DirectPublishToPhoneNumber` and `…/Failure`): the `awslogs.data` payload (base64 gzip JSON, decoded and checked by
 * the Powertools parser middleware with `awslogsEventSchema`), each log event's message an SNS delivery-status entry. Each becomes a receipt
 * (SUCCESS → DELIVERED, FAILURE → UNDELIVERED with providerResponse as the code) matched to our message by SNS's
 * MessageId (the lookup written with the SENT mark) and written once. The entry's destination (the full phone
 * number) is dropped by the parser and never logged; a malformed entry is logged by its log event id only. A
 * receipt for no message of ours is counted and logged, not thrown (CloudWatch Logs would retry it in vain); a
 * DynamoDB failure is thrown, and the retry is harmless (each receipt is written once).
 */
export function createSmsStatusLogsHandler(deps: Deps): InvokableHandler<StatusLogsResult> {
  const receipts = new DynamoDeliveryReceipts(deps.doc, deps.tableName);
  return parsedHandler(awslogsEventSchema, async (event) => {
    const { logGroup, logEvents } = event.awslogs.data;
    const parsed: DeliveryReceipt[] = [];
    let malformed = 0;
    for (const e of logEvents) {
      try {
        parsed.push(snsDeliveryReceipt(JSON.parse(e.message)));
      } catch {
        malformed++;
        deps.log.warn('SMS status log: not an SNS delivery-status entry; skipped', { logGroup, logEventId: e.id });
      }
    }
    const counts = await recordReceipts({ receipts, clock: deps.clock, log: deps.log }, parsed);
    const result = { events: logEvents.length, ...counts, malformed };
    deps.log.info('SMS status logs', { logGroup, ...result });
    return result;
  });
}
