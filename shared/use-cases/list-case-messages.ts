import * as z from 'zod/mini';
import type { Message } from '../domain/message.ts';
import { decodePageCursor, encodePageCursor, tableKeySchema } from '../domain/page-cursor.ts';

/** The index key of an entry of a case's message log (where a page resumes). */
export interface CaseLogKey {
  pk: string;
  sk: string;
  gsi3pk: string;
  gsi3sk: string;
}

/**
 * An entry of a case's message log as the index holds it: a message about the case or one of its notices, or an
 * official's alert note (merged into a round message once `mergedInto` is set).
 */
export type CaseLogEntry =
  | { kind: 'message'; message: Message; key: CaseLogKey }
  | { kind: 'note'; id: string; summary: string; mergedInto?: string; key: CaseLogKey };

/** A case's message log, one Query per page (oldest first), and the round messages its merged notes went into. */
export interface CaseLogSource {
  page(caseId: string, limit: number, startKey?: CaseLogKey): Promise<{ entries: CaseLogEntry[]; more: boolean }>;
  /** The round messages of these ids, in one read (at most a page's worth of ids); missing ones are left out. */
  roundMessages(ids: readonly string[]): Promise<Message[]>;
  /** The index partition of a case's log: a cursor's key must lie in it. */
  partitionOf(caseId: string): string;
}

/** Where the next page starts: the case (`c`) and the index key of the last entry read (`k`). */
const cursorSchema = z.strictObject({
  c: z.string().check(z.minLength(1), z.maxLength(64)),
  k: z.strictObject({
    ...tableKeySchema.shape,
    gsi3pk: z.string().check(z.minLength(1), z.maxLength(100)),
    gsi3sk: z.string().check(z.minLength(1), z.maxLength(400)),
  }),
});

export interface CaseMessagePage {
  messages: Message[];
  nextCursor: string | null;
}

/**
 * One page of a case's message log (R5), oldest first:
 * 1. One Query of the case's log partition from the cursor's key, `limit + 1` entries (the extra one tells whether
 *    another page follows, so the last page is never empty).
 * 2. Messages show as stored. An alert note shows as the round message it was merged into, with the note's own
 *    line as text (the round's text lists other schools' causes); a note not merged yet, or sent alone as its own
 *    message (same id, already in the log), shows nothing. The page's round messages are one read together.
 * A page may so hold fewer rows than `limit`; the cursor goes on after the last entry read. Messages written while
 * the caller pages are newer than every cursor: they come on the last pages, nothing shows twice.
 */
export async function listCaseMessagesPage(
  source: CaseLogSource,
  input: { caseId: string; limit: number; cursor?: string | undefined },
): Promise<CaseMessagePage> {
  const { caseId, limit } = input;
  const partition = source.partitionOf(caseId);
  const cursor = input.cursor
    ? decodePageCursor(
        input.cursor,
        cursorSchema,
        (c) => c.c === caseId && c.k.gsi3pk === partition && c.k.gsi3sk.endsWith(`#${c.k.pk}`),
      )
    : undefined;
  const page = await source.page(caseId, limit + 1, cursor?.k);
  const read = page.entries.slice(0, limit);
  const merged = read.flatMap((e) =>
    e.kind === 'note' && e.mergedInto && e.mergedInto !== e.id ? [{ note: e, into: e.mergedInto }] : [],
  );
  const rounds = new Map(
    (merged.length > 0 ? await source.roundMessages([...new Set(merged.map((m) => m.into))]) : []).map((m) => [
      m.id,
      m,
    ]),
  );
  const messages = read.flatMap((e): Message[] => {
    if (e.kind === 'message') return [e.message];
    const round = e.mergedInto && e.mergedInto !== e.id ? rounds.get(e.mergedInto) : undefined;
    if (!round) return [];
    const { covers: _covers, ...message } = round;
    return [{ ...message, text: `（合并发送）${e.summary}` }];
  });
  const more = page.entries.length > limit || page.more;
  const last = read.at(-1);
  return { messages, nextCursor: more && last ? encodePageCursor({ c: caseId, k: last.key }) : null };
}
