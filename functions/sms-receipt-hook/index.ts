import { timingSafeEqual } from 'node:crypto';
import { DynamoDeliveryReceipts } from '../../shared/adapters/dynamo/delivery-receipts.ts';
import { aliyunReceipts } from '../../shared/domain/delivery.ts';
import { recordReceipts } from '../../shared/use-cases/record-receipts.ts';
import type { Deps } from '../deps.ts';

/** The part of an API Gateway HTTP API (payload 2.0) event the hook reads. */
export interface HookEvent {
  body?: string | null;
  isBase64Encoded?: boolean;
  queryStringParameters?: Record<string, string | undefined> | null;
}

export interface HookResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** Alibaba's SmsReport push expects `{"code":0,"msg":"成功"}`; anything else it retries later. */
const answer = (statusCode: number, code: number, msg: string): HookResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8' },
  body: JSON.stringify({ code, msg }),
});

const sameToken = (given: string, expected: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
};

/**
 * Alibaba Cloud SmsReport push (`POST /hooks/sms/aliyun?token=…`, no authorizer: Alibaba signs nothing, so the
 * caller proves itself with the shared secret `callbackToken` of the provider's SSM SecureString, compared in
 * constant time; the token is in the query, which the API's access log does not record). Each receipt is written
 * once (a push repeated by Alibaba changes nothing); a body that is not an SmsReport array is a 400.
 */
export function createSmsReceiptHookHandler(deps: Deps): (event: HookEvent) => Promise<HookResult> {
  const { hookToken } = deps;
  if (!hookToken) throw new Error('sms-receipt-hook needs the callback token (the sms-receipts access)');
  const receipts = new DynamoDeliveryReceipts(deps.doc, deps.tableName);
  return async (event) => {
    const given = event.queryStringParameters?.token ?? '';
    if (!given || !sameToken(given, await hookToken())) {
      deps.log.warn('receipt hook: wrong or missing token');
      return answer(403, 403, '令牌无效');
    }
    let entries: unknown;
    try {
      const text = event.isBase64Encoded ? Buffer.from(event.body ?? '', 'base64').toString('utf8') : event.body;
      entries = JSON.parse(text ?? '');
    } catch {
      return answer(400, 400, '请求体不是 JSON');
    }
    if (!Array.isArray(entries) || entries.length > 1000)
      return answer(400, 400, '请求体应为状态报告数组（至多 1000 条）');
    let parsed: ReturnType<typeof aliyunReceipts>;
    try {
      parsed = aliyunReceipts(entries);
    } catch {
      return answer(400, 400, '状态报告格式不正确');
    }
    const counts = await recordReceipts({ receipts, clock: deps.clock, log: deps.log }, parsed);
    deps.log.info('receipt hook', { ...counts, entries: parsed.length });
    return answer(200, 0, '成功');
  };
}
