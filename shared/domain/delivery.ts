import * as z from 'zod';

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
  SerialNo: z.string().min(1),
  ReportStatus: z.enum(['SUCCESS', 'FAIL']),
  UserReceiveTime: z.number().int().optional(),
  Description: z.string().optional(),
  SessionContext: z.string().optional(),
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
  biz_id: z.string().min(1),
  out_id: z.string().optional(),
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
