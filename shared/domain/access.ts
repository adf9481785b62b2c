import * as z from 'zod/mini';
import { parseStored, type SameType } from './stored.ts';

/**
 * Ports of the HTTP API's access layer: the audit trail of personal-data reads (R9) and the lifetime of
 * Idempotency-Keys (Powertools idempotency, shared/adapters/dynamo/idempotency.ts).
 */

/**
 * Which personal data was read. A write whose reply shows the case or plan (the R9 view) is audited like a read,
 * under the write's name: the reply is a read of the record as it now stands.
 */
export const auditActions = [
  'read-case',
  'read-timeline',
  'read-messages',
  'list-cases',
  'export-ledger',
  /** A follow-up/送教上门 plan record (caseId holds the plan's case, or the plan id when it has none). */
  'read-plan',
  /** The follow-up due list of a school (one entry per plan or campaign listed). */
  'list-followup-due',
  'open-case',
  'update-case',
  'log-visit',
  'record-return',
  'record-transfer',
  'record-exemption',
  /** A follow-up/送教上门 visit recorded (the reply shows the plan). */
  'record-plan-visit',
  /** A 送教上门 plan created. */
  'create-plan',
  /** A 大家访 list created, or a household's visit recorded (caseId `campaign-<windowId>-<schoolId>`). */
  'create-campaign',
  'record-campaign-visit',
] as const;
export type AuditAction = (typeof auditActions)[number];

/** One read of a case's personal data (or a write's reply showing it): who, when, which case. */
export interface AuditEntry {
  id: string;
  at: string;
  personId: string;
  role: string;
  action: AuditAction;
  caseId: string;
  schoolId: string;
  /** Whether the caller saw the unmasked R9 fields. */
  sensitive: boolean;
}

export interface AuditLog {
  record(entries: AuditEntry[]): Promise<void>;
  /** Reads of one case, oldest first (for the office). */
  listForCase(caseId: string): Promise<AuditEntry[]>;
}

/** The stored form of an audit entry, checked when read back: a corrupt item fails naming the field. */
export const auditEntrySchema = z.object({
  id: z.string().check(z.minLength(1)),
  at: z.iso.datetime({ offset: true }),
  personId: z.string().check(z.minLength(1)),
  role: z.string().check(z.minLength(1)),
  action: z.enum(auditActions),
  caseId: z.string().check(z.minLength(1)),
  schoolId: z.string().check(z.minLength(1)),
  sensitive: z.boolean(),
});

/** The schema and the interface describe the same record (checked by the compiler both ways). */
const auditEntrySchemaMatches: SameType<z.infer<typeof auditEntrySchema>, AuditEntry> = true;
void auditEntrySchemaMatches;

/** A stored audit entry read back, or an error naming the entry and every field that is wrong. */
export const parseStoredAuditEntry = (item: unknown): AuditEntry => parseStored(auditEntrySchema, item, 'audit entry');

/** Keys live 24 hours: long enough for a phone on a poor connection to retry, short enough to stay small. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** In-memory AuditLog (tests). */
export class MemoryAuditLog implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async record(entries: AuditEntry[]): Promise<void> {
    this.entries.push(...entries);
  }
  async listForCase(caseId: string): Promise<AuditEntry[]> {
    return this.entries.filter((e) => e.caseId === caseId);
  }
}
