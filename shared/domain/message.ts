import * as z from 'zod/mini';
import { idSchema, mobileSchema, roleSchema } from './directory.ts';

/**
 * An outbound SMS in the outbox. Written in the same transaction as the change that causes it; the dispatcher
 * sends it at most once per claim and marks it SENT (a crash in between: FAILED uncertain, never resent; docs/sms.md).
 */
export const messageStatuses = ['QUEUED', 'SENDING', 'SENT', 'FAILED', 'CANCELLED'] as const;
export type MessageStatus = (typeof messageStatuses)[number];

export const audienceSchema = z.enum(['guardian', 'official']);
export type Audience = z.infer<typeof audienceSchema>;

export const messageSchema = z.object({
  /** Deterministic: the same cause always yields the same id, so a retry cannot enqueue twice. */
  id: z.string().check(z.minLength(8), z.maxLength(200)),
  audience: audienceSchema,
  recipient: z.object({
    personId: z.optional(idSchema),
    role: z.union([roleSchema, z.literal('guardian')]),
    phone: mobileSchema,
    /** Display name for the office's log (guardians: masked). */
    label: z.string().check(z.maxLength(64)),
  }),
  template: z.string().check(z.minLength(1)),
  /**
   * The exact wording (`notice.guardian.short`) a template provider has approved under a code of its own; the
   * stage's `sms.provider.templates` maps it. Absent on messages written before providers were added.
   */
  templateKey: z.optional(z.string().check(z.minLength(1))),
  /** Named template parameters as sent (names masked for officials); the provider fills its template with them. */
  params: z.optional(z.record(z.string(), z.string())),
  /** The rendered text, signature included: what SNS and the sink send, and what the log and console show. */
  text: z.string().check(z.minLength(1)),
  parts: z.int().check(z.gte(1)),
  /** Do not send before this instant (quiet hours, reminders scheduled ahead). ISO UTC. */
  notBefore: z.iso.datetime(),
  status: z.enum(messageStatuses),
  createdAt: z.iso.datetime(),
  attempts: z._default(z.int().check(z.gte(0)), 0),
  sentAt: z.optional(z.iso.datetime()),
  providerMessageId: z.optional(z.string()),
  failureReason: z.optional(z.string()),
  /** The provider's delivery receipt, once one came (first one wins; docs/sms.md "Delivery receipts"). */
  delivery: z.optional(
    z.object({
      status: z.enum(['DELIVERED', 'UNDELIVERED']),
      at: z.iso.datetime(),
      code: z.string(),
      provider: z.string(),
      receivedAt: z.iso.datetime(),
      providerMessageId: z.optional(z.string()),
    }),
  ),
  /** What caused it: a report slot, a case, a notice. */
  subject: z.object({ kind: z.enum(['slot', 'case', 'notice', 'system', 'plan']), id: z.string() }),
  /** For the office's views and statistics. */
  schoolId: z.optional(idSchema),
  townshipId: z.optional(idSchema),
  /**
   * The case a case's or notice's message is about: its message log (`GET /api/cases/:caseId/messages`) is one index
   * Query on it. Absent on other messages and on those written before the log was paged.
   */
  caseId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  version: z._default(z.int().check(z.gte(0)), 0),
  /** A merged official message (one per official per round): the causes it covers, for the console's full list. */
  covers: z.optional(
    z
      .array(
        z.object({
          id: z.string().check(z.minLength(1), z.maxLength(200)),
          summary: z.string().check(z.maxLength(200)),
          schoolId: z.optional(idSchema),
        }),
      )
      .check(z.maxLength(100)),
  ),
});
export type Message = z.infer<typeof messageSchema>;

/** UCS-2 SMS segmentation: 70 characters fit a single SMS, 67 per part once split. */
export function smsParts(text: string): number {
  const isGsm = /^[\x20-\x7E\n\r]*$/.test(text);
  const length = text.length; // UTF-16 code units: UCS-2 counts a character outside the BMP twice
  const single = isGsm ? 160 : 70;
  const perPart = isGsm ? 153 : 67;
  return length <= single ? 1 : Math.ceil(length / perPart);
}
