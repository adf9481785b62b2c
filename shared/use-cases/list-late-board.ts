import * as z from 'zod/mini';
import type { AppConfig } from '../config/app-config.ts';
import {
  type AggregateReader,
  bucketsOf,
  type ReportSummary,
  readPlan,
  reportSummaryFromCounters,
} from '../domain/aggregates.ts';
import { ValidationError } from '../domain/errors.ts';
import type { Cadence } from '../domain/periods.ts';
import type { DirectorySnapshot } from '../domain/ports.ts';
import type { ReportSlot } from '../domain/report-slot.ts';
import { canRead, canReadTownship, type Principal } from '../domain/scope.ts';
import { cstDate } from '../domain/time.ts';
import { indexSnapshot } from './aggregate-statistics.ts';
import { type LateReportRow, lateReportRow } from './list-late-reports.ts';

/** What narrows a township's late slots (DynamoDB filters after the key condition). */
export interface LateSlotFilter {
  cadence?: Cadence;
  level?: number;
  schoolId?: string;
}

/** One read of a township's late slots: each with its index key (where a page may resume), and DynamoDB's own. */
export interface LateBoardPage {
  items: { slot: ReportSlot; key: Record<string, unknown> }[];
  nextKey?: Record<string, unknown>;
}

/** Unfiled slots of one township whose deadline is at or before `now`, oldest first (the sparse late index). */
export interface LateBoardSource {
  page(
    townshipId: string,
    now: Date,
    filter: LateSlotFilter,
    limit: number,
    startKey?: Record<string, unknown>,
  ): Promise<LateBoardPage>;
}

export interface LateBoardQuery {
  townshipId?: string;
  cadence?: Cadence;
  level?: number;
  limit: number;
  cursor?: string;
}

export interface LateBoard {
  asOf: string;
  rows: LateReportRow[];
  nextCursor?: string;
  summary: {
    period: { from: string; to: string };
    county?: ReportSummary;
    townships: (ReportSummary & { townshipId: string })[];
  };
}

/**
 * Items a township read asks DynamoDB for (one Query evaluates at most this many, before the filters): one more than
 * the largest page, so a page that fills up knows whether its township holds more (no empty page at the end).
 */
const READ_PAGE = 101;
/** Reads a page may spend beyond one per township (filters that drop most items): the page then ends short. */
const EXTRA_READS = 8;

/** Where the next page starts: a township (`t`), the key inside it (`k`), and the query it belongs to (`q`). */
const cursorSchema = z.strictObject({
  t: z.string().check(z.minLength(1), z.maxLength(64)),
  q: z.string().check(z.maxLength(200)),
  k: z.optional(
    z.strictObject({
      pk: z.string().check(z.startsWith('SLOT#'), z.maxLength(300)),
      sk: z.literal('SLOT'),
      gsi3pk: z.string().check(z.startsWith('LATE#'), z.maxLength(100)),
      gsi3sk: z.string().check(z.maxLength(400)),
    }),
  ),
});
type Cursor = z.infer<typeof cursorSchema>;

const badCursor = (reason: string) => new ValidationError([{ field: 'query.cursor', reason }]);
const fingerprint = (q: LateBoardQuery) => [q.townshipId ?? '', q.cadence ?? '', q.level ?? ''].join('|');
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(raw: string, q: LateBoardQuery, townshipIds: readonly string[]): Cursor {
  let cursor: Cursor;
  try {
    cursor = cursorSchema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')));
  } catch {
    throw badCursor('翻页游标 cursor 无效：请使用上一页返回的 nextCursor');
  }
  if (cursor.q !== fingerprint(q)) throw badCursor('翻页游标 cursor 与本次查询条件不符：请从第一页重新查询');
  // A cursor names only a township the caller may read now, and a key inside that township's partition.
  if (!townshipIds.includes(cursor.t)) throw badCursor('翻页游标 cursor 指向的乡镇不在您的查看范围内');
  const k = cursor.k;
  if (k && (k.gsi3pk !== `LATE#${cursor.t}` || !k.gsi3sk.endsWith(`#${k.pk}`)))
    throw badCursor('翻页游标 cursor 无效：请使用上一页返回的 nextCursor');
  return cursor;
}

/** The townships the caller's late board reads, in id order, and the one school a school head is held to. */
export function lateBoardScope(principal: Principal, snapshot: DirectorySnapshot, townshipId?: string) {
  const areaOf = new Map(snapshot.townships.map((t) => [t.id, t.areaId]));
  const schoolId = principal.role === 'school-head' ? principal.schoolId : undefined;
  const school = schoolId ? snapshot.schools.find((s) => s.id === schoolId && s.active !== false) : undefined;
  const townshipIds = snapshot.townships
    .filter((t) => t.active !== false && (!townshipId || t.id === townshipId))
    .filter((t) =>
      school
        ? t.id === school.townshipId && canRead(principal, { schoolId: school.id, townshipId: t.id, areaId: t.areaId })
        : canReadTownship(principal, { townshipId: t.id, areaId: t.areaId }),
    )
    .map((t) => t.id)
    .sort();
  return { townshipIds, schoolId: school?.id, areaOf };
}

/**
 * The late-report board, one page (R1): every unfiled slot in scope past its deadline, oldest first per township,
 * townships in id order; and the scope's report summary of the month to date from the aggregates.
 * 1. Resolve the scope (office: all townships; leader: their area; contact: their township; head: their school;
 *    teacher: nothing) and check the cursor against it and the query.
 * 2. Read the townships from the cursor on, one Query of the late index per township (more only when a township
 *    holds more than the page), until the page is full or the read budget (townships + a few) is spent.
 * 3. Summarise each township in scope from the aggregates (one read per bucket of the month, not per school).
 */
export async function listLateBoard(
  deps: { source: LateBoardSource; aggregates: AggregateReader; config: Pick<AppConfig, 'reports'> },
  input: { principal: Principal; snapshot: DirectorySnapshot; query: LateBoardQuery; now: Date },
): Promise<LateBoard> {
  const { principal, snapshot, query, now } = input;
  const scope = lateBoardScope(principal, snapshot, query.townshipId);
  const ids = scope.townshipIds;
  const cursor = query.cursor ? decodeCursor(query.cursor, query, ids) : undefined;
  const filter: LateSlotFilter = {
    ...(query.cadence ? { cadence: query.cadence } : {}),
    ...(query.level !== undefined ? { level: query.level } : {}),
    ...(scope.schoolId ? { schoolId: scope.schoolId } : {}),
  };
  const activeSchool = new Set(snapshot.schools.filter((s) => s.active !== false).map((s) => s.id));
  const slots: ReportSlot[] = [];
  let i = cursor ? ids.indexOf(cursor.t) : 0;
  let k: Record<string, unknown> | undefined = cursor?.k;
  let reads = 0;
  while (i < ids.length && slots.length < query.limit && reads < ids.length + EXTRA_READS) {
    const page = await deps.source.page(ids[i]!, now, filter, READ_PAGE, k);
    reads++;
    const room = query.limit - slots.length;
    const taken = page.items.slice(0, room);
    slots.push(...taken.map((x) => x.slot));
    // The page filled inside this read: resume right after the last slot shown; else where DynamoDB stopped.
    k = page.items.length > room ? taken.at(-1)!.key : page.nextKey;
    if (!k) i++;
  }
  const visible = slots.filter(
    (s) =>
      activeSchool.has(s.schoolId) &&
      canRead(principal, { schoolId: s.schoolId, townshipId: s.townshipId, areaId: scope.areaOf.get(s.townshipId) }),
  );
  const next =
    i < ids.length ? encodeCursor({ t: ids[i]!, q: fingerprint(query), ...(k ? { k: k as never } : {}) }) : undefined;
  return {
    asOf: now.toISOString(),
    rows: visible.map((s) => lateReportRow(deps.config, now, s)),
    ...(next ? { nextCursor: next } : {}),
    summary: await summaryOf(
      deps.aggregates,
      now,
      ids,
      scope.schoolId,
      principal.role === 'office' && !query.townshipId,
    ),
  };
}

/** The month to date of each township in scope (a head: their school only), from one read of the aggregates. */
async function summaryOf(
  reader: AggregateReader,
  now: Date,
  townshipIds: readonly string[],
  schoolId: string | undefined,
  withCounty: boolean,
): Promise<LateBoard['summary']> {
  const today = cstDate(now);
  const period = { from: `${today.slice(0, 8)}01`, to: today };
  if (townshipIds.length === 0) return { period, townships: [] };
  const plan = readPlan(period, now);
  const snapshot = await reader.read(bucketsOf(plan), townshipIds);
  const inScope = new Set(townshipIds);
  // Summed once per bucket (one pass over the snapshot), not once per township.
  const byTownship = indexSnapshot(snapshot, (t, s) =>
    inScope.has(t) && (!schoolId || s === schoolId) ? t : undefined,
  );
  const county = indexSnapshot(snapshot, (t) => (inScope.has(t) ? 'county' : undefined));
  return {
    period,
    ...(withCounty ? { county: reportSummaryFromCounters(plan, county('county')) } : {}),
    townships: townshipIds.map((townshipId) => ({
      townshipId,
      ...reportSummaryFromCounters(plan, byTownship(townshipId)),
    })),
  };
}
