import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApiPorts } from '../../functions/api/index.ts';
import { buildRouter } from '../../functions/api/routes.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';

/**
 * Every POST/PATCH route of the router, enumerated from it (a new route is fuzzed too, with `{}` as its valid body
 * until one is added below), gets generated bodies: random JSON, unparsable text, and mutations of a valid body
 * (wrong types, huge strings, impossible dates, hostile text, extra keys, `__proto__`). The answer is never 5xx,
 * a 400 names each field with a Chinese reason, any other 4xx has a code and a Chinese message, and a refusal leaves
 * the table exactly as it was (scanned before and after). Bounded: a few hundred requests in all.
 */

const RUNS_PER_ROUTE = 12;
const HAN = /\p{Script=Han}/u;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const wrongTypes: fc.Arbitrary<Json> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constant({}),
  fc.constant(-1),
  fc.constant(1e308),
);
const hugeStrings = fc.constantFrom('x'.repeat(20_000), '测'.repeat(5_000), `${'a'.repeat(70_000)}`);
const impossibleDates = fc.constantFrom(
  '2026-02-30',
  '2023-02-29',
  '2026-13-01',
  '2026-00-10',
  '2099-01-01',
  '1900-01-01',
  '2026-3-1',
  '2026-02-30T10:00:00Z',
  '2026-03-10T25:00:00Z',
  '2099-03-10T02:00:00Z',
  '',
);
const hostileText = fc.constantFrom(
  '\u202E滴滴打人',
  '\u200B\u200B\u200B',
  '\uFEFF',
  '\uD800',
  'a\uDC00b',
  '测试\u0000学生',
  '\u0007',
  '   ',
  '\u2066隔离\u2069',
  '\u0085',
);
const mutationValues: fc.Arbitrary<Json> = fc.oneof(wrongTypes, hugeStrings, impossibleDates, hostileText);

/** Every path into a JSON value (objects and arrays), the root excluded. */
function pathsOf(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...pathsOf(v, [...prefix, i])]);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...pathsOf(v, [...prefix, k])]);
  return [];
}

function setAt(value: Json, path: (string | number)[], next: Json): Json {
  const copy = structuredClone(value);
  let node = copy as Record<string | number, Json>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, Json>;
  node[path.at(-1)!] = next;
  return copy;
}

/** A raw JSON body with an own `__proto__` key (as JSON.parse makes it), beside the valid fields. */
function withProto(valid: Json): string {
  const inner = JSON.stringify(valid);
  const rest = inner.length > 2 ? `,${inner.slice(1, -1)}` : '';
  return `{"__proto__":{"polluted":true}${rest}}`;
}

describe('every POST/PATCH route: generated input is refused cleanly, never a 5xx, nothing written', () => {
  let w: Awaited<ReturnType<typeof apiCallerWorld>>;
  let ids: Record<string, string>;

  beforeAll(async () => {
    w = await apiCallerWorld('prop');
    const opened = await w.call({ method: 'POST', path: '/api/cases', as: who.headS1, body: openCaseBody('s1') });
    const plan = await w.call({
      method: 'POST',
      path: '/api/followup/send-teaching-plans',
      as: who.headS1,
      body: {
        studentName: '测试送教学生',
        schoolId: 's1',
        teacherIds: ['teacher-s1'],
        content: '识字训练',
        from: '2026-03-01',
        to: '2026-04-30',
      },
    });
    const campaign = await w.call({
      method: 'POST',
      path: '/api/followup/campaigns',
      as: who.headS1,
      body: {
        windowId: '2026-summer-before',
        schoolId: 's1',
        households: [{ ref: 'h-1', studentName: '测试家访', teacherId: 'teacher-s1' }],
      },
    });
    expect([opened.status, plan.status, campaign.status]).toEqual([201, 201, 201]);
    ids = {
      caseId: opened.body.case.id,
      planId: plan.body.plan.id,
      windowId: '2026-summer-before',
      schoolId: 's1',
      townshipId: 'ta',
      no: '1',
    };
  });

  /** A valid body per route (the office may do everything); routes not listed fall back to `{}`. */
  const valid: Record<string, Json> = {
    'POST /api/reports': {
      schoolId: 's1',
      cadence: 'daily',
      periodKey: '2026-03-10',
      submission: { counts: { enrolled: 10, returned: 10, notReturned: 0, droppedOut: 0 }, notBack: [], note: '无' },
    },
    'POST /api/cases': { ...openCaseBody('s2'), allowDuplicate: false },
    'PATCH /api/cases/:caseId': { version: 1, reason: '随父母外出', responsibleTeacher: { name: '测试教师' } },
    'POST /api/cases/:caseId/visits': { at: '2026-03-10T02:00:00Z', outcome: 'met-guardian', note: '见到家长' },
    'POST /api/cases/:caseId/notices': { confirm: true },
    'POST /api/cases/:caseId/notices/:noticeId/receipt': {
      receivedAt: '2026-03-10 10:00',
      method: 'signed-receipt',
      receivedBy: '测试家长',
      evidenceRef: '回证-1',
    },
    'POST /api/cases/:caseId/notices/:noticeId/acknowledge': { note: '已联系乡镇' },
    'POST /api/reports/slots/:slotId/escalations/:level/acknowledge': { note: '已联系学校' },
    'POST /api/followup/plans/:planId/visits/:no/acknowledge': { note: '已督促补访' },
    'POST /api/followup/campaigns/:windowId/:schoolId/acknowledge': { note: '已督促学校' },
    'POST /api/cases/:caseId/notices/:noticeId/township-order': {
      kind: '限期返校',
      orderedOn: '2026-03-10',
      ref: '测试政发〔2026〕1号',
    },
    'POST /api/cases/:caseId/return': { returnedOn: '2026-03-10', evidence: ['到校签到'], note: '已返校' },
    'POST /api/cases/:caseId/transfer': {
      kind: 'transfer-out',
      effectiveOn: '2026-03-10',
      evidence: ['转学证明'],
      destination: '测试外县中学',
    },
    'POST /api/cases/:caseId/exemption': {
      applicationRef: '申请-1',
      townshipApprovalRef: '批复-1',
      filedWithBureauOn: '2026-03-10',
      reason: '因病',
    },
    'POST /api/followup/plans/:planId/visits': { doneOn: '2026-03-10', content: '识字', note: '在家' },
    'POST /api/followup/send-teaching-plans': {
      studentName: '测试送教二',
      schoolId: 's1',
      teacherIds: ['teacher-s1'],
      content: '识字训练',
      from: '2026-03-10',
      to: '2026-04-30',
      visitsPerMonth: 2,
    },
    'POST /api/followup/campaigns': {
      windowId: '2026-summer-before',
      schoolId: 's2',
      households: [{ ref: 'h-2', studentName: '测试家访二', teacherId: 'head-s2' }],
    },
    'POST /api/followup/campaigns/:windowId/:schoolId/visits': { ref: 'h-1', visitedOn: '2026-03-10', note: '已访' },
    'POST /api/cross-check/:townshipId/candidates/:candidateId/decision': {
      decision: 'dismiss',
      reason: '在外地就读',
      note: '已核实就读证明',
    },
    'POST /api/roster-ledgers/dropouts/:entryId/strike-off': {
      reason: 'transferred',
      evidence: ['转学联系函'],
      receivingSchool: '测试外县中学',
      note: '已转学',
    },
  };

  const writeRoutes = () =>
    buildRouter(w.deps, {} as ApiPorts).routes.filter((r) => r.method === 'POST' || r.method === 'PATCH');

  const concrete = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => ids[name] ?? 'x');

  const scan = async () => {
    const items: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await w.doc.send(new ScanCommand({ TableName: w.tableName, ExclusiveStartKey: startKey }));
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return items.map((i) => JSON.stringify(i)).sort();
  };

  /** Sends a raw body as the office; checks the answer and, for a refusal, that nothing was written. */
  async function check(method: string, path: string, body: string) {
    const before = await scan();
    const res = await w.raw({ method, path, as: who.office, body });
    const where = `${method} ${path} ${body.slice(0, 200)}`;
    expect(res.status, `${where} → ${res.text.slice(0, 300)}`).toBeLessThan(500);
    if (res.status < 400) return res.status;
    const { error } = JSON.parse(res.text) as {
      error: { code: string; message: string; issues?: { field: string; reason: string }[] };
    };
    expect(error.code, where).toMatch(/^[A-Z_]+$/);
    expect(error.message, where).toMatch(HAN);
    if (res.status === 400) {
      expect(error.issues?.length, where).toBeGreaterThan(0);
      for (const issue of error.issues!) {
        expect(issue.field, where).toMatch(/\S/);
        expect(issue.reason, `${where}: ${issue.field}`).toMatch(HAN);
      }
    }
    expect(await scan(), `${where}: the table changed on a refusal`).toEqual(before);
    return res.status;
  }

  it('enumerates the write routes from the router, each with a valid body here', () => {
    const keys = writeRoutes().map((r) => `${r.method} ${r.path}`);
    expect(keys.length).toBeGreaterThanOrEqual(12);
    expect(keys.filter((k) => !(k in valid))).toEqual([]);
  });

  it('a __proto__ key is refused on every write route, naming it', async () => {
    for (const r of writeRoutes()) {
      const body = withProto(valid[`${r.method} ${r.path}`] ?? {});
      const res = await w.raw({ method: r.method, path: concrete(r.path), as: who.office, body });
      expect(res.status, `${r.method} ${r.path}`).toBe(400);
      expect(JSON.parse(res.text).error.issues, `${r.method} ${r.path}`).toContainEqual({
        field: 'body.__proto__',
        reason: '不允许的字段',
      });
    }
  });

  it('generated bodies: never 5xx, 4xx names a field in Chinese, a refusal writes nothing', async () => {
    const statuses = new Map<number, number>();
    for (const r of writeRoutes()) {
      const base = valid[`${r.method} ${r.path}`] ?? {};
      const paths = pathsOf(base);
      const mutated: fc.Arbitrary<string>[] = [
        fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
        fc.string({ maxLength: 40 }),
        fc
          .tuple(fc.string({ minLength: 1, maxLength: 12 }), mutationValues)
          .map(([k, v]) =>
            JSON.stringify(base && typeof base === 'object' && !Array.isArray(base) ? { ...base, [k]: v } : { [k]: v }),
          ),
      ];
      if (paths.length > 0)
        mutated.push(
          fc
            .tuple(fc.constantFrom(...paths), mutationValues)
            .map(([path, value]) => JSON.stringify(setAt(base, path, value))),
        );
      await fc.assert(
        fc.asyncProperty(fc.oneof(...mutated), async (body) => {
          const status = await check(r.method, concrete(r.path), body);
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }),
        { numRuns: RUNS_PER_ROUTE, seed: 20260310 },
      );
    }
    // The generators reach validation: most answers are 400s naming a field.
    expect(statuses.get(400) ?? 0).toBeGreaterThan(writeRoutes().length * 4);
  }, 120_000);
});
