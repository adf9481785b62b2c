import * as z from 'zod/mini';
import { type Case, closedStates } from '../domain/case.ts';
import type { CaseRepository } from '../domain/case-ports.ts';
import { ForbiddenError, ValidationError } from '../domain/errors.ts';
import type { Notice } from '../domain/notice.ts';
import {
  groupsOfCase,
  type PriorityFlag,
  priorityFlags,
  SENSITIVE_GROUP,
  visibleGroups,
} from '../domain/priority-groups.ts';
import { canRead, maySeePovertyGroup, type Place, type Principal } from '../domain/scope.ts';

/** Most cases in one page of `GET /api/cases`. */
export const MAX_CASE_PAGE = 100;

/** `GET /api/cases` query: scope filters, state, page size and cursor, one priority group. */
export const listCasesQuerySchema = z.strictObject({
  schoolId: z.optional(z.string().check(z.minLength(1))),
  townshipId: z.optional(z.string().check(z.minLength(1))),
  state: z._default(z.enum(['open', 'closed', 'all']), 'open'),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_CASE_PAGE)), MAX_CASE_PAGE),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2000))),
  /** Checked by `groupFilter` (the allowed values depend on the caller). */
  group: z.optional(z.string().check(z.maxLength(100))),
});
export type ListCasesQuery = z.output<typeof listCasesQuerySchema>;

/**
 * `?group=`: one priority group of the roll, or nothing. An unknown value (or several, `group=a&group=b` arrives
 * joined) is a 400 naming `group` and listing the groups this caller may use (no 脱贫户 for those who may not see
 * it); 脱贫户 from a caller outside the R9 scope is a 403 whose message does not name the group.
 */
export function groupFilter(p: Principal, raw: string | undefined, field = 'query.group'): PriorityFlag | undefined {
  if (raw === undefined) return undefined;
  const seesPoverty = maySeePovertyGroup(p);
  const group = priorityFlags.find((f) => f === raw.trim());
  if (!group)
    throw new ValidationError([
      {
        field,
        reason: raw.trim()
          ? `不是可用的重点群体，应为以下之一（只能选一个）：${visibleGroups(priorityFlags, seesPoverty).join('、')}`
          : '不能为空：请选择一个重点群体，或去掉该参数',
      },
    ]);
  if (group === SENSITIVE_GROUP && !seesPoverty)
    throw new ForbiddenError('无权按该重点群体筛选：此类信息仅限教育局办公室和学生所在学校查看（R9）');
  return group;
}

/** Where the next page starts: the index of the school (in id order) and the owner-index key inside it. */
interface CaseCursor {
  i: number;
  k?: Record<string, unknown>;
}
const cursorSchema = z.strictObject({ i: z.int().check(z.gte(0)), k: z.optional(z.record(z.string(), z.unknown())) });
const encodeCursor = (c: CaseCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(cursor: string | undefined): CaseCursor {
  if (!cursor) return { i: 0 };
  try {
    return cursorSchema.parse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
  } catch {
    throw new ValidationError([{ field: 'query.cursor', reason: '翻页游标无效：请使用上一页返回的 nextCursor' }]);
  }
}

/** The caller and the organisation as the list sees them. */
export interface CaseListScope {
  principal: Principal;
  schools: readonly { id: string; townshipId: string }[];
  place(schoolId: string, townshipId: string): Place;
}

export interface CasePage {
  /** The cases of the page the caller may read, oldest opening first. */
  cases: Case[];
  /** The running (pending) notice of each listed case that has one, by case id. */
  notices: Map<string, Notice>;
  nextCursor: string | null;
}

/**
 * One page of the cases in the caller's scope: the schools in id order, one owner-index Query each until the page
 * is full, resumed from the cursor (a school's page is one Query, plus one BatchGet of pending notices). `group`
 * keeps the cases whose stored priority groups hold it (no read per row); a page may then come back shorter, and
 * the cursor goes on from where the reading stopped.
 */
export async function listCasesPage(
  repo: Pick<CaseRepository, 'pageBySchool' | 'pendingNotices'>,
  scope: CaseListScope,
  q: ListCasesQuery,
): Promise<CasePage> {
  const p = scope.principal;
  const group = groupFilter(p, q.group);
  const schools = scope.schools
    .filter(
      (s) =>
        (!q.schoolId || s.id === q.schoolId) &&
        (!q.townshipId || s.townshipId === q.townshipId) &&
        // Teachers read some cases of their school: the per-case check below narrows it.
        (canRead(p, scope.place(s.id, s.townshipId)) || (p.role === 'teacher' && s.id === p.schoolId)),
    )
    .sort((a, b) => a.id.localeCompare(b.id));
  let { i, k } = decodeCursor(q.cursor);
  const filter = q.state === 'all' ? undefined : q.state;
  const cases: Case[] = [];
  while (i < schools.length && cases.length < q.limit) {
    const page = await repo.pageBySchool(schools[i]!.id, filter, q.limit - cases.length, k);
    cases.push(...page.cases.filter((c) => !group || groupsOfCase(c).includes(group)));
    // A school with more (a full page, or DynamoDB's 1 MB page limit) goes on from its key; else the next school.
    k = page.nextKey;
    if (!k) i++;
  }
  const nextCursor = i < schools.length ? encodeCursor({ i, ...(k ? { k } : {}) }) : null;
  const visible = cases
    .filter((c) => canRead(p, scope.place(c.schoolId, c.townshipId), c.responsibleTeacher.personId))
    .sort((a, b) => a.openedAt.localeCompare(b.openedAt));
  const withNotice = visible.flatMap((c) =>
    c.currentNoticeId && !closedStates.has(c.state) ? [{ caseId: c.id, noticeId: c.currentNoticeId }] : [],
  );
  const notices = new Map(
    (withNotice.length > 0 ? await repo.pendingNotices(withNotice) : []).map((n) => [n.caseId, n]),
  );
  return { cases: visible, notices, nextCursor };
}
