import * as z from 'zod/mini';
import { idSchema, PERSON_NAME_MAX } from './directory.ts';
import { fromZodIssues, ValidationError } from './errors.ts';
import { note, text } from './input.ts';
import type { Message } from './message.ts';
import type { Note } from './official-round.ts';
import { type Cadence, cadenceSchema } from './periods.ts';
import { parseStored, type SameType } from './stored.ts';

/**
 * A report slot: what one school owes for one period of one cadence (日报/周报/月报, §五(一)).
 * OPEN until the school files it; SUBMITTED after. Re-filing the same period replaces the figures and keeps
 * the previous ones in `history`. While OPEN it sits in the sparse due index until its ladder is done.
 */
export const slotStates = ['OPEN', 'SUBMITTED'] as const;
export type SlotState = (typeof slotStates)[number];

export const countsSchema = z
  .strictObject({
    /** 应到: pupils on the roll. */
    enrolled: z.int().check(z.gte(0)),
    /** 已返校 */
    returned: z.int().check(z.gte(0)),
    /** 未按时返校 */
    notReturned: z.int().check(z.gte(0)),
    /** 辍学 (incl. never enrolled) */
    droppedOut: z.int().check(z.gte(0)),
  })
  .check(
    z.refine((c) => c.returned + c.notReturned <= c.enrolled, {
      message: '已返校与未返校人数之和不能超过在册人数',
      path: ['returned'],
    }),
  );
export type ReportCounts = z.infer<typeof countsSchema>;

/** A pupil who is not back: feeds the cases feature (R2). The full name stays in the table, never in an official's SMS. */
export const notBackSchema = z.strictObject({
  studentName: text(PERSON_NAME_MAX),
  studentId: z.optional(text(64)),
  grade: z.optional(text(16)),
  className: z.optional(text(16)),
  status: z.enum(['not-returned', 'dropped-out']),
  reason: z.optional(note(200)),
});
export type NotBackStudent = z.infer<typeof notBackSchema>;

export const submissionSchema = z
  .strictObject({
    counts: countsSchema,
    notBack: z._default(z.array(notBackSchema).check(z.maxLength(500)), []),
    /** Person who filed it (school head or a delegate). */
    submittedBy: idSchema,
    note: z.optional(note(500)),
  })
  .check(
    z.superRefine((s, ctx) => {
      const notReturned = s.notBack.filter((n) => n.status === 'not-returned').length;
      const droppedOut = s.notBack.filter((n) => n.status === 'dropped-out').length;
      if (notReturned !== s.counts.notReturned)
        ctx.addIssue({
          code: 'custom',
          path: ['notBack'],
          message: `名单列出 ${notReturned} 名未返校学生，但 counts.notReturned 为 ${s.counts.notReturned}`,
        });
      if (droppedOut !== s.counts.droppedOut)
        ctx.addIssue({
          code: 'custom',
          path: ['notBack'],
          message: `名单列出 ${droppedOut} 名辍学学生，但 counts.droppedOut 为 ${s.counts.droppedOut}`,
        });
    }),
  );
export type SubmissionInput = z.input<typeof submissionSchema>;
export type Submission = z.infer<typeof submissionSchema> & { submittedAt: string };

export interface EscalationRecord {
  level: number;
  at: string;
  personIds: string[];
  messageIds: string[];
  /** A recipient (or the office) took this level on: who, when, a note. The ladder still climbs until filed. */
  acknowledged?: { by: { personId: string; name: string; role: string }; at: string; note: string };
}

export interface ReportSlot {
  /** `<schoolId>:<cadence>:<periodKey>` */
  id: string;
  schoolId: string;
  townshipId: string;
  cadence: Cadence;
  periodKey: string;
  dueDate: string;
  /** ISO instant (UTC) of the deadline. */
  deadline: string;
  state: SlotState;
  /** Levels already sent (0 = none yet). */
  nextLevel: number;
  /** When the next level is due (ISO) while OPEN and the ladder is not done; drives the due index. */
  nextDueAt?: string;
  escalations: EscalationRecord[];
  submission?: Submission;
  /** Earlier submissions of the same period, oldest first. */
  history: Submission[];
  /** First submission time: on-time statistics (R8) compare it with the deadline. */
  firstSubmittedAt?: string;
  createdAt: string;
  version: number;
}

// The stored form of a slot, checked when read back (shared/adapters/dynamo/slot-repository.ts): a corrupt item
// fails loudly, naming the field. The shapes only: input rules (lengths, the counts' sums) were checked at filing.

const instant = z.iso.datetime({ offset: true });
const storedSubmissionSchema = z.object({
  counts: z.object({
    enrolled: z.int().check(z.gte(0)),
    returned: z.int().check(z.gte(0)),
    notReturned: z.int().check(z.gte(0)),
    droppedOut: z.int().check(z.gte(0)),
  }),
  notBack: z.array(
    z.object({
      studentName: z.string(),
      studentId: z.optional(z.string()),
      grade: z.optional(z.string()),
      className: z.optional(z.string()),
      status: z.enum(['not-returned', 'dropped-out']),
      reason: z.optional(z.string()),
    }),
  ),
  submittedBy: z.string().check(z.minLength(1)),
  note: z.optional(z.string()),
  submittedAt: instant,
});

export const storedSlotSchema = z.object({
  id: z.string().check(z.minLength(1)),
  schoolId: z.string().check(z.minLength(1)),
  townshipId: z.string().check(z.minLength(1)),
  cadence: cadenceSchema,
  periodKey: z.string().check(z.minLength(1)),
  dueDate: z.string().check(z.minLength(1)),
  deadline: instant,
  state: z.enum(slotStates),
  nextLevel: z.int().check(z.gte(0)),
  nextDueAt: z.optional(instant),
  escalations: z.array(
    z.object({
      level: z.int().check(z.gte(0)),
      at: instant,
      personIds: z.array(z.string()),
      messageIds: z.array(z.string()),
      acknowledged: z.optional(
        z.object({
          by: z.object({ personId: z.string(), name: z.string(), role: z.string() }),
          at: instant,
          note: z.string(),
        }),
      ),
    }),
  ),
  submission: z.optional(storedSubmissionSchema),
  history: z.array(storedSubmissionSchema),
  firstSubmittedAt: z.optional(instant),
  createdAt: instant,
  version: z.int().check(z.gte(0)),
});

/** The schema and the interface describe the same record (checked by the compiler both ways). */
const storedSlotSchemaMatches: SameType<z.infer<typeof storedSlotSchema>, ReportSlot> = true;
void storedSlotSchemaMatches;

/** A stored slot read back, or an error naming the slot and every field that is wrong. */
export const parseStoredSlot = (item: unknown): ReportSlot => parseStored(storedSlotSchema, item, 'report slot');

export const slotIdOf = (schoolId: string, cadence: Cadence, periodKey: string) =>
  `${schoolId}:${cadence}:${periodKey}`;

/** Parses a slot id back into its parts; throws ValidationError on anything else. */
export function parseSlotId(id: string): { schoolId: string; cadence: Cadence; periodKey: string } {
  const [schoolId, cadence, periodKey, ...rest] = id.split(':');
  const parsedCadence = cadenceSchema.safeParse(cadence);
  if (!schoolId || !periodKey || rest.length > 0 || !parsedCadence.success)
    throw new ValidationError([{ field: 'slotId', reason: '格式应为 <学校ID>:<周期>:<期号>' }]);
  return { schoolId, cadence: parsedCadence.data, periodKey };
}

/** A new OPEN slot whose first ladder level is due at `firstDueAt`. */
export function newSlot(input: {
  schoolId: string;
  townshipId: string;
  cadence: Cadence;
  periodKey: string;
  dueDate: string;
  deadline: Date;
  firstDueAt: Date;
  now: Date;
}): ReportSlot {
  return {
    id: slotIdOf(input.schoolId, input.cadence, input.periodKey),
    schoolId: input.schoolId,
    townshipId: input.townshipId,
    cadence: input.cadence,
    periodKey: input.periodKey,
    dueDate: input.dueDate,
    deadline: input.deadline.toISOString(),
    state: 'OPEN',
    nextLevel: 0,
    nextDueAt: input.firstDueAt.toISOString(),
    escalations: [],
    history: [],
    createdAt: input.now.toISOString(),
    version: 0,
  };
}

/** Validates a submission, naming each bad field. */
export function parseSubmission(input: unknown): z.infer<typeof submissionSchema> {
  const result = submissionSchema.safeParse(input);
  if (!result.success) throw fromZodIssues(result.error.issues, 'submission');
  return result.data;
}

/**
 * The slot after a (re-)submission: SUBMITTED, out of the due index, the previous figures moved to history.
 * The ladder stops here whatever level it had reached.
 */
export function submitSlot(slot: ReportSlot, submission: z.infer<typeof submissionSchema>, now: Date): ReportSlot {
  const filed: Submission = { ...submission, submittedAt: now.toISOString() };
  return {
    ...slot,
    state: 'SUBMITTED',
    nextDueAt: undefined,
    submission: filed,
    history: slot.submission ? [...slot.history, slot.submission] : slot.history,
    firstSubmittedAt: slot.firstSubmittedAt ?? filed.submittedAt,
  };
}

/** True when the first filing came in by the deadline (R8 on-time rate). */
export const wasOnTime = (slot: ReportSlot) =>
  slot.firstSubmittedAt !== undefined && slot.firstSubmittedAt <= slot.deadline;

/** Persistence of report slots. Every write is conditional; a lost race is ConcurrentUpdateError. */
export interface SlotRepository {
  get(id: string): Promise<ReportSlot | undefined>;
  /** Creates the slot unless one exists for the same school × cadence × period. */
  createIfAbsent(slot: ReportSlot): Promise<'created' | 'exists'>;
  /** Replaces the slot if its stored version is still `slot.version`; bumps the version. */
  save(slot: ReportSlot): Promise<ReportSlot>;
  /** Slots whose next ladder level is due at or before `now`, from the sparse due index only. */
  queryDue(now: Date, limit?: number): Promise<{ slots: ReportSlot[]; itemsRead: number }>;
  /**
   * Advances one ladder level: replaces `current` by `next` (guarded by current's version, OPEN state and
   * ladder position) and enqueues the level's messages in one transaction. A lost race or a message id already
   * enqueued fails the whole transaction (ConcurrentUpdateError): nothing is half-written.
   */
  /** The slot's next level with its messages and officials' notes (shared/domain/official-round.ts), atomically. */
  advance(current: ReportSlot, next: ReportSlot, messages: Message[], notes?: Note[]): Promise<ReportSlot>;
}

/** What the report's pupil list did to cases; each list holds distinct case ids. */
export interface NotBackOutcome {
  /** Returned pupils listed within the follow-up window: the same case, open again. */
  reopenedCaseIds: string[];
  /** Open cases that got a `reported-absent` event for this period. */
  fedCaseIds: string[];
  /** Cases opened for pupils matching no case. */
  openedCaseIds: string[];
  /** Cases this report had already reopened, fed or opened (a re-filing, or a concurrent filing got there first). */
  unchangedCaseIds: string[];
  /** Pupils matching several cases: nothing guessed, the school decides by hand. */
  ambiguous: number;
  /** Pupils not opened a case for, with why (matches an exempted/transferred/suspended case, absence before a return). */
  skipped: { caseId: string; reason: string }[];
}
