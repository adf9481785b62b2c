import * as z from 'zod/mini';

/**
 * A provider's verdict on one sent SMS (a delivery receipt): DELIVERED or UNDELIVERED, when, and the provider's
 * own code. Matched to the outbox by our message id when the provider echoes it (Tencent SessionContext,
 * Alibaba OutId), else by the provider's message id (SNS MessageId, Tencent SerialNo, Alibaba BizId).
 */
export const deliveryStatuses = ['DELIVERED', 'UNDELIVERED'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

export interface DeliveryReceipt {
  provider: 'sns' | 'tencent' | 'aliyun';
  messageId?: string;
  providerMessageId?: string;
  status: DeliveryStatus;
  /** When the handset got it (or the carrier gave up), ISO UTC. */
  at: string;
  /** The provider's code (DELIVRD, UNDELIV, MK:0001 …). */
  code: string;
}

/** `2023-02-20 10:00:05` (CST, both providers' receipt format) → ISO UTC. */
export function cstStampToIso(stamp: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(stamp.trim());
  if (!m) throw new Error(`not a CST timestamp: ${stamp}`);
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h! - 8, mi!, s!)).toISOString();
}

const tencentPulled = z.object({
  SerialNo: z.string().check(z.minLength(1)),
  ReportStatus: z.enum(['SUCCESS', 'FAIL']),
  UserReceiveTime: z.optional(z.int()),
  Description: z.optional(z.string()),
  SessionContext: z.optional(z.string()),
});

/** Tencent PullSmsSendStatus entries (PullSmsSendStatusSet). */
export function tencentReceipts(entries: unknown[], receivedAt: Date): DeliveryReceipt[] {
  return entries.map((raw) => {
    const e = tencentPulled.parse(raw);
    return {
      provider: 'tencent',
      ...(e.SessionContext ? { messageId: e.SessionContext } : {}),
      providerMessageId: e.SerialNo,
      status: e.ReportStatus === 'SUCCESS' ? 'DELIVERED' : 'UNDELIVERED',
      at: e.UserReceiveTime ? new Date(e.UserReceiveTime * 1000).toISOString() : receivedAt.toISOString(),
      code: e.Description ?? e.ReportStatus,
    };
  });
}

const aliyunReport = z.object({
  biz_id: z.string().check(z.minLength(1)),
  out_id: z.optional(z.string()),
  success: z.boolean(),
  err_code: z.string(),
  report_time: z.string(),
});

/** Alibaba SmsReport callback body (a JSON array). */
export function aliyunReceipts(entries: unknown[]): DeliveryReceipt[] {
  return entries.map((raw) => {
    const e = aliyunReport.parse(raw);
    return {
      provider: 'aliyun',
      ...(e.out_id ? { messageId: e.out_id } : {}),
      providerMessageId: e.biz_id,
      status: e.success ? 'DELIVERED' : 'UNDELIVERED',
      at: cstStampToIso(e.report_time),
      code: e.err_code,
    };
  });
}

/**
 * One SNS SMS delivery-status log entry (the `message` of a log event in `sns/<region>/<account>/
 * DirectPublishToPhoneNumber` or `…/Failure`). Only what a receipt needs is kept: `delivery.destination` (the full
 * phone number), the carrier, price and MCC/MNC are dropped by the schema and never stored or logged.
 */
const snsDeliveryLog = z.object({
  notification: z.object({
    messageId: z.string().check(z.minLength(1), z.maxLength(100)),
    /** `2016-06-28 00:40:34.558`, UTC. */
    timestamp: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,3})?$/)),
  }),
  delivery: z.object({ providerResponse: z.optional(z.string()) }),
  status: z.enum(['SUCCESS', 'FAILURE']),
});

/** The longest provider code kept on a delivery record (SNS's providerResponse is a sentence). */
export const RECEIPT_CODE_MAX = 200;

/**
 * An SNS delivery-status log entry (already JSON-parsed) as a receipt: SUCCESS → DELIVERED, FAILURE → UNDELIVERED,
 * the code is `providerResponse`. SNS's log carries its own MessageId only (what Publish returned), so the receipt is
 * matched by the provider's id. Throws a ZodError when the entry is not of that shape.
 */
export function snsDeliveryReceipt(entry: unknown): DeliveryReceipt {
  const e = snsDeliveryLog.parse(entry);
  const [date, time] = e.notification.timestamp.split(' ') as [string, string];
  return {
    provider: 'sns',
    providerMessageId: e.notification.messageId,
    status: e.status === 'SUCCESS' ? 'DELIVERED' : 'UNDELIVERED',
    at: new Date(`${date}T${time}Z`).toISOString(),
    code: (e.delivery.providerResponse ?? e.status).slice(0, RECEIPT_CODE_MAX),
  };
}
