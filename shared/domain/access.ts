/**
 * Ports of the HTTP API's access layer: idempotent POSTs and the audit trail of personal-data reads (R9).
 * DynamoDB adapters in shared/adapters/dynamo/{idempotency,audit}.ts; in-memory ones for tests.
 */

/** A stored response of an earlier request with the same Idempotency-Key. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type IdempotencyBegin =
  | { kind: 'new' }
  | { kind: 'replay'; response: StoredResponse }
  /** The key was used with a different request (method, path or body). */
  | { kind: 'mismatch' }
  /** The first request with this key is still running. */
  | { kind: 'in-progress' };

export interface IdempotencyStore {
  /** Claims the key for this request hash (conditional write), or says what happened to it before. */
  begin(key: string, requestHash: string, now: Date): Promise<IdempotencyBegin>;
  /** Stores the response so that retries replay it until the key expires. */
  complete(key: string, requestHash: string, response: StoredResponse, now: Date): Promise<void>;
  /** Releases the key after a failure that a retry may fix (5xx). */
  release(key: string): Promise<void>;
}

/** Which personal data was read. */
export type AuditAction =
  | 'read-case'
  | 'read-timeline'
  | 'read-messages'
  | 'list-cases'
  | 'export-ledger'
  /** A follow-up/送教上门 plan record (caseId holds the plan's case, or the plan id when it has none). */
  | 'read-plan'
  /** The follow-up due list of a school (one entry per plan or campaign listed). */
  | 'list-followup-due';

/** One read of a case's personal data: who, when, which case. */
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

/** Keys live 24 hours: long enough for a phone on a poor connection to retry, short enough to stay small. */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 3600;

/** In-memory IdempotencyStore (tests, and a fallback nobody should deploy). */
export class MemoryIdempotencyStore implements IdempotencyStore {
  readonly records = new Map<string, { hash: string; response?: StoredResponse; expiresAt: number }>();

  async begin(key: string, requestHash: string, now: Date): Promise<IdempotencyBegin> {
    const existing = this.records.get(key);
    if (existing && existing.expiresAt > now.getTime() / 1000) {
      if (existing.hash !== requestHash) return { kind: 'mismatch' };
      return existing.response ? { kind: 'replay', response: existing.response } : { kind: 'in-progress' };
    }
    this.records.set(key, { hash: requestHash, expiresAt: now.getTime() / 1000 + IDEMPOTENCY_TTL_SECONDS });
    return { kind: 'new' };
  }

  async complete(key: string, requestHash: string, response: StoredResponse, now: Date): Promise<void> {
    this.records.set(key, { hash: requestHash, response, expiresAt: now.getTime() / 1000 + IDEMPOTENCY_TTL_SECONDS });
  }

  async release(key: string): Promise<void> {
    this.records.delete(key);
  }
}

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
