import * as z from 'zod/mini';
import type { SchoolCampaign } from '../domain/campaign.ts';
import type { DueHouseholdRow, DueList, DueVisitRow, Plan, PlanVisit } from '../domain/followup.ts';
import { cstDateSchema } from '../domain/input.ts';
import { decodePageCursor, encodePageCursor } from '../domain/page-cursor.ts';
import type { PriorityFlag } from '../domain/priority-groups.ts';
import { addDays, type CstDate } from '../domain/time.ts';
import {
  CAMPAIGN_MAX_DAYS,
  DUE_MAX_DAYS,
  dueHouseholdRows,
  dueRange,
  dueVisitRow,
  planShows,
} from './list-followup-due.ts';

/** An owner-index key of a visit or a campaign (where a page resumes, DynamoDB's ExclusiveStartKey). */
export interface OwnerKey {
  pk: string;
  sk: string;
  gsi2pk: string;
  gsi2sk: string;
}

/** One read of the owner index: the items with their keys, and whether the range holds more after them. */
export interface OwnerPage<T> {
  items: { value: T; key: OwnerKey }[];
  more: boolean;
  /** Where DynamoDB stopped (a read that evaluated its limit, or 1 MB, before the end of the range). */
  nextKey?: OwnerKey;
}

/** The due list's paged reads of one school (owner index `SCHOOL#<id>`), each one request. */
export interface FollowUpDuePageSource {
  /** Planned visits due in [from, to], by due date (`VISIT#<dueDate>#…`), at most `limit` evaluated. */
  visitPage(
    schoolId: string,
    from: CstDate,
    to: CstDate,
    limit: number,
    startKey?: OwnerKey,
  ): Promise<OwnerPage<PlanVisit>>;
  /** Campaigns whose window ends in [from, to], by window end (`CAMPAIGN#<end>#…`), at most `limit`. */
  campaignPage(
    schoolId: string,
    from: CstDate,
    to: CstDate,
    limit: number,
    startKey?: OwnerKey,
  ): Promise<OwnerPage<SchoolCampaign>>;
  /** The plans of these ids (≤ 100: one read); missing ones are left out. */
  plans(ids: readonly string[]): Promise<Plan[]>;
  /** The owner-index partition of a school: a cursor's keys must lie in it. */
  partitionOf(schoolId: string): string;
}

/** Campaigns one page reads at most (a school has a few a year; one more tells whether the range holds more). */
const CAMPAIGNS_PER_PAGE = 10;

const ownerKeySchema = z.strictObject({
  pk: z.string().check(z.minLength(1), z.maxLength(300)),
  sk: z.string().check(z.minLength(1), z.maxLength(300)),
  gsi2pk: z.string().check(z.minLength(1), z.maxLength(100)),
  gsi2sk: z.string().check(z.minLength(1), z.maxLength(400)),
});

/**
 * Where the next page starts. The query it belongs to: school `s`, the range `f`…`t` as resolved on the first page
 * (a default range stays the same over the pages, even past midnight), group `g`. Then the phase: visits (`v`: the
 * key after which to go on) or households (`h`: the campaign key after which to go on, and `o` households of the
 * next campaign already shown).
 */
const cursorSchema = z.strictObject({
  s: z.string().check(z.minLength(1), z.maxLength(64)),
  f: cstDateSchema,
  t: cstDateSchema,
  g: z.optional(z.string().check(z.maxLength(20))),
  p: z.enum(['v', 'h']),
  k: z.optional(ownerKeySchema),
  o: z.optional(z.int().check(z.gte(0), z.lte(100_000))),
});
type Cursor = z.output<typeof cursorSchema>;

export interface DuePageInput {
  schoolId: string;
  from?: CstDate | undefined;
  to?: CstDate | undefined;
  forPersonId?: string | undefined;
  group?: PriorityFlag | undefined;
  limit: number;
  cursor?: string | undefined;
}

/**
 * One page of what a school still owes (R6, R7), in the order of the whole list: first the planned visits by due
 * date, then the 大家访 households by window end. Requests per page are a constant, whatever the school holds:
 * 1. Visits phase: one owner-index Query of planned visits from the cursor's key (`limit + 1` evaluated), and one
 *    BatchGetItem of the plans of the visits shown (their name, kind, teachers, groups: no read per row).
 * 2. When the visits are done and the page has room (no `group`: households have none), one Query of up to 11
 *    campaigns from the cursor's key, their households taken in order from the cursor's offset.
 * A page may come back shorter than `limit` (visits of closed plans or other teachers' plans are read and left out,
 * a page reads at most 10 campaigns); `nextCursor` goes on from where the reading stopped, null at the end. A visit
 * recorded between two pages leaves the planned visits and is simply not shown again; nothing shows twice.
 */
export async function listFollowUpDuePage(
  deps: { source: FollowUpDuePageSource; clock: { now(): Date } },
  input: DuePageInput,
): Promise<DueList & { nextCursor: string | null }> {
  const { source } = deps;
  const now = deps.clock.now();
  const partition = source.partitionOf(input.schoolId);
  const cursor = input.cursor ? decodeCursor(input, partition) : undefined;
  const { from, to } = cursor
    ? { from: cursor.f as CstDate, to: cursor.t as CstDate }
    : dueRange(now, input.from, input.to);
  const base = { s: input.schoolId, f: from, t: to, ...(input.group ? { g: input.group } : {}) };
  const visits: DueVisitRow[] = [];
  const households: DueHouseholdRow[] = [];
  let next: Cursor | null = null;

  if (!cursor || cursor.p === 'v') {
    const page = await source.visitPage(input.schoolId, from, to, input.limit + 1, cursor?.k);
    const read = page.items.slice(0, input.limit);
    const ids = [...new Set(read.map((i) => i.value.planId))];
    const plans = new Map((ids.length > 0 ? await source.plans(ids) : []).map((p) => [p.id, p]));
    for (const { value: v } of read) {
      const plan = plans.get(v.planId);
      if (v.status !== 'planned' || !planShows(plan, input.forPersonId)) continue;
      const row = dueVisitRow(plan, v, now);
      if (!input.group || row.priorityGroups.includes(input.group)) visits.push(row);
    }
    const resume = page.items.length > input.limit ? read.at(-1)?.key : page.more ? page.nextKey : undefined;
    if (resume) next = { ...base, p: 'v', k: resume };
    else if (!input.group) next = { ...base, p: 'h' };
  }
  // Households when the visits are done: on this page if it has room, else from the next one.
  const room = input.limit - visits.length;
  if (cursor?.p === 'h' || (next?.p === 'h' && room > 0 && (!cursor || cursor.p === 'v'))) {
    const start = cursor?.p === 'h' ? cursor : { ...base, p: 'h' as const };
    next = await householdsPage(source, input, { from, to, now }, start, room, households);
  }
  return {
    schoolId: input.schoolId,
    from,
    to,
    visits,
    households,
    nextCursor: next ? encodePageCursor(next) : null,
  };
}

/** Fills `out` with up to `room` households from `start`; the cursor after them, or null at the end. */
async function householdsPage(
  source: FollowUpDuePageSource,
  input: DuePageInput,
  range: { from: CstDate; to: CstDate; now: Date },
  start: Cursor,
  room: number,
  out: DueHouseholdRow[],
): Promise<Cursor | null> {
  const { from, to, now } = range;
  const page = await source.campaignPage(
    input.schoolId,
    from,
    addDays(to, CAMPAIGN_MAX_DAYS),
    CAMPAIGNS_PER_PAGE + 1,
    start.k,
  );
  const { k: _k, o: _o, ...base } = start;
  let after = start.k;
  let offset = start.o ?? 0;
  const campaigns = page.items.slice(0, CAMPAIGNS_PER_PAGE);
  for (const { value: c, key } of campaigns) {
    const rows =
      c.start <= to && c.end >= from
        ? dueHouseholdRows(c, now, input.forPersonId).sort((a, b) => a.ref.localeCompare(b.ref))
        : [];
    const left = rows.slice(offset);
    const taken = left.slice(0, room - out.length);
    out.push(...taken);
    if (taken.length < left.length) return { ...base, ...(after ? { k: after } : {}), o: offset + taken.length };
    after = key;
    offset = 0;
  }
  const more = page.items.length > CAMPAIGNS_PER_PAGE || page.more;
  const resume = page.items.length > CAMPAIGNS_PER_PAGE ? after : (page.nextKey ?? after);
  return more && resume ? { ...base, k: resume } : null;
}

function decodeCursor(input: DuePageInput, partition: string): Cursor {
  return decodePageCursor(
    input.cursor!,
    cursorSchema,
    (c) =>
      c.s === input.schoolId &&
      (!input.from || c.f === input.from) &&
      (!input.to || c.t === input.to) &&
      (c.g ?? undefined) === (input.group ?? undefined) &&
      c.f <= c.t &&
      addDays(c.f as CstDate, DUE_MAX_DAYS - 1) >= c.t &&
      (!c.k || (c.k.gsi2pk === partition && c.k.gsi2sk.startsWith(c.p === 'v' ? 'VISIT#' : 'CAMPAIGN#'))) &&
      (c.p === 'h' ? !c.g : c.o === undefined),
  );
}
