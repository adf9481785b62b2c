import * as z from 'zod/mini';
import type { AuditEntry } from '../domain/access.ts';
import { decodePageCursor, encodePageCursor, tableKeySchema } from '../domain/page-cursor.ts';

/** The table key of an audit entry (where a page resumes). */
export interface AuditKey {
  pk: string;
  sk: string;
}

/** A page of audit entries with their keys; `more` when the read stopped before the end of the case's entries. */
export interface AuditPage {
  items: { entry: AuditEntry; key: AuditKey }[];
  more: boolean;
}

/** A case's audit entries, newest first, one read per page (`pk = AUDIT#<caseId>`, backwards). */
export interface CaseAuditSource {
  pageForCase(caseId: string, limit: number, startKey?: AuditKey): Promise<AuditPage>;
  /** The partition key of a case's entries: a cursor's key must lie in it. */
  partitionOf(caseId: string): string;
}

/** Where the next page starts: the case (`c`) and the key of the last entry shown (`k`). */
const cursorSchema = z.strictObject({ c: z.string().check(z.minLength(1), z.maxLength(64)), k: tableKeySchema });

export interface CaseAuditPage {
  entries: AuditEntry[];
  nextCursor: string | null;
}

/**
 * One page of who read a case's personal data, newest first (R9): one Query of `limit + 1` entries from the cursor's
 * key (the extra one tells whether another page follows, so the last page is never empty). The cursor names the case
 * and a key inside the case's partition: another case's cursor, or a tampered one, is a 400 naming `query.cursor`.
 * Entries written while the caller pages are newer than the first page: they show on a fresh first page.
 */
export async function listCaseAuditPage(
  source: CaseAuditSource,
  input: { caseId: string; limit: number; cursor?: string | undefined },
): Promise<CaseAuditPage> {
  const { caseId, limit } = input;
  const cursor = input.cursor
    ? decodePageCursor(input.cursor, cursorSchema, (c) => c.c === caseId && c.k.pk === source.partitionOf(caseId))
    : undefined;
  const page = await source.pageForCase(caseId, limit + 1, cursor?.k);
  const shown = page.items.slice(0, limit);
  const more = page.items.length > limit || page.more;
  const last = shown.at(-1);
  return {
    entries: shown.map((i) => i.entry),
    nextCursor: more && last ? encodePageCursor({ c: caseId, k: last.key }) : null,
  };
}
