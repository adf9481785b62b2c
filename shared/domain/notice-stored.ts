import * as z from 'zod/mini';
import { townshipOrderKinds } from './escalation.ts';
import { deliveryTaskReasons, type Notice, noticeStatuses, receiptMethods, systemReceiptMethods } from './notice.ts';
import { parseStored, type SameType } from './stored.ts';

/**
 * The stored form of a notice, checked when read back (shared/adapters/dynamo): a corrupt item fails loudly, naming
 * the field, instead of reaching a view as a Notice it is not. A module of its own so the functions that never read
 * notices back through it (the case reactor, the deadline) do not bundle the schema.
 */

const instant = z.iso.datetime({ offset: true });
const calendarDay = z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/));
const actorSchema = z.object({ personId: z.optional(z.string()), name: z.string() });
const ackSchema = z.object({ by: z.extend(actorSchema, { role: z.string() }), at: instant, note: z.string() });

export const noticeSchema = z.object({
  id: z.string().check(z.minLength(1)),
  caseId: z.string().check(z.minLength(1)),
  schoolId: z.string().check(z.minLength(1)),
  townshipId: z.string().check(z.minLength(1)),
  issuedAt: instant,
  deadline: instant,
  receipt: z.optional(
    z.object({
      receivedAt: instant,
      method: z.enum([...receiptMethods, ...systemReceiptMethods]),
      receivedBy: z.string(),
      evidenceRef: z.optional(z.string()),
      recordedAt: instant,
      recordedBy: actorSchema,
    }),
  ),
  deliveryTask: z.optional(
    z.object({
      reason: z.enum(deliveryTaskReasons),
      openedAt: instant,
      messageId: z.string(),
      code: z.optional(z.string()),
      closedAt: z.optional(instant),
    }),
  ),
  escalation: z.optional(
    z.object({
      level: z.int().check(z.gte(0)),
      nextAt: z.optional(instant),
      acknowledged: z.optional(ackSchema),
      townshipOrder: z.optional(
        z.object({
          kind: z.enum(townshipOrderKinds),
          orderedOn: calendarDay,
          ref: z.string(),
          deadline: calendarDay,
          recordedBy: actorSchema,
          recordedAt: instant,
          lapsedAt: z.optional(instant),
        }),
      ),
      closedBy: z.optional(z.object({ state: z.string(), at: instant })),
    }),
  ),
  status: z.enum(noticeStatuses),
  issuedBy: actorSchema,
  timerName: z.string().check(z.minLength(1)),
  reminderMessageIds: z.array(z.string()),
  resolvedAt: z.optional(instant),
  version: z.int().check(z.gte(0)),
});

/** The schema and the interface describe the same record (checked by the compiler both ways). */
const noticeSchemaMatches: SameType<z.infer<typeof noticeSchema>, Notice> = true;
void noticeSchemaMatches;

/** A stored notice read back: the Notice it holds, or an error naming the notice and every field that is wrong. */
export const parseStoredNotice = (item: unknown): Notice => parseStored(noticeSchema, item, 'notice');
