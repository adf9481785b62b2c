import * as z from 'zod/mini';
import { DynamoAggregateStore } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoOpenCaseCounter } from '../../shared/adapters/dynamo/case-counts.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { ledgersToXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import type { AggregateReader } from '../../shared/domain/aggregates.ts';
import type { CaseRepository } from '../../shared/domain/case-ports.ts';
import { ForbiddenError, NotFoundError } from '../../shared/domain/errors.ts';
import { ledgerToCsv } from '../../shared/domain/export-ledgers.ts';
import { cstDateSchema } from '../../shared/domain/input.ts';
import { canReadTownship, type Place, type Principal } from '../../shared/domain/scope.ts';
import { cstDate, cstInstant, DAY_MS } from '../../shared/domain/time.ts';
import { countOpenCasesOf, type OpenCaseCounter } from '../../shared/use-cases/count-open-cases.ts';
import { exportLedgersUseCase } from '../../shared/use-cases/export-ledgers.ts';
import { statisticsReport } from '../../shared/use-cases/statistics-report.ts';
import { lazyModule } from '../lazy-module.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { fileReply, parseWith } from './http.ts';
import type { Route, RouteContext } from './router.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export interface InsightPorts {
  /** Statistics read the aggregates the stream keeps (functions/aggregator), not every school's items. */
  aggregates: AggregateReader;
  cases: CaseRepository;
  /** Open cases per state from the owner index's keys (the statistics tab's chart). */
  openCases: OpenCaseCounter;
}

export function insightPorts(deps: ApiDeps): InsightPorts {
  return {
    aggregates: new DynamoAggregateStore(deps.doc, deps.tableName),
    cases: new DynamoCaseRepository(deps.doc, deps.tableName),
    openCases: new DynamoOpenCaseCounter(deps.doc, deps.tableName),
  };
}

/** The longest period one statistics request may cover: a school year and a bit, so a request stays cheap. */
export const MAX_STATISTICS_DAYS = 366;

/** Days since the epoch of a CST date, NaN when it is not one (2026-02-30). Never throws inside a zod check. */
function dayNumber(d: string): number {
  try {
    return cstDate(cstInstant(d)) === d ? cstInstant(d).getTime() / DAY_MS : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const calendarDate = cstDateSchema;

const scopeFilter = {
  townshipId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  schoolId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
};

const statisticsQuery = z.strictObject({ from: calendarDate, to: calendarDate, ...scopeFilter }).check(
  z.superRefine((q, ctx) => {
    const days = dayNumber(q.to) - dayNumber(q.from) + 1;
    if (days < 1) ctx.addIssue({ code: 'custom', path: ['to'], message: '不能早于开始日期（from）' });
    else if (days > MAX_STATISTICS_DAYS)
      ctx.addIssue({
        code: 'custom',
        path: ['to'],
        message: `统计期间最多 ${MAX_STATISTICS_DAYS} 天`,
      });
  }),
);

const openCasesQuery = z.strictObject(scopeFilter);

const exportQuery = z
  .strictObject({
    ledger: z._default(z.enum(['roster', 'cases', 'all']), 'roster'),
    format: z._default(z.enum(['csv', 'xlsx']), 'csv'),
    group: z.optional(z.string().check(z.maxLength(100))),
    ...scopeFilter,
  })
  .check(
    z.superRefine((q, ctx) => {
      if (q.ledger === 'all' && q.format === 'csv')
        ctx.addIssue({ code: 'custom', path: ['ledger'], message: 'CSV 只能包含一个台账：roster 或 cases' });
    }),
  );

/** Statistics of a school are aggregates without personal data: its head and teachers read them too. */
function seesSchoolFigures(p: Principal, place: Place): boolean {
  return (
    canReadTownship(p, place) || ((p.role === 'school-head' || p.role === 'teacher') && p.schoolId === place.schoolId)
  );
}

/** The active schools in the caller's scope, narrowed by the query; a filter outside the scope is refused. */
function schoolsInScope(
  ctx: RouteContext<ApiPorts>,
  q: { townshipId?: string; schoolId?: string },
  sees: (p: Principal, place: Place) => boolean,
) {
  const { org, principal } = ctx;
  if (q.townshipId && !org.township(q.townshipId)) throw new NotFoundError('township', q.townshipId);
  if (q.schoolId && !org.school(q.schoolId)) throw new NotFoundError('school', q.schoolId);
  const schools = org.snapshot.schools
    .filter((s) => s.active !== false)
    .filter((s) => (!q.townshipId || s.townshipId === q.townshipId) && (!q.schoolId || s.id === q.schoolId))
    .filter((s) => sees(principal, org.place(s.id, s.townshipId)));
  if ((q.townshipId || q.schoolId) && schools.length === 0)
    throw new ForbiddenError('无权查看该乡镇或学校的数据（超出您的管辖范围）');
  return schools;
}

type TemplateModule = typeof import('./templates.ts');

/**
 * The template builders load on the first download: in the function asset from the lazy chunk `lazy/templates.mjs`
 * next to index.mjs (infra/bundling.ts TEMPLATES), run from source (tsx, tests) the module itself. Computed specifiers
 * keep esbuild from pulling them (and exceljs, which they import statically) into the main chunk.
 */
const loadTemplates = lazyModule<TemplateModule>(import.meta.url, './lazy/templates.mjs', './templates.ts');

/** The blank import templates (`GET /api/templates/:kind`). */
const TEMPLATES = {
  directory: { fileName: '目录导入模板.xlsx', asciiFallback: 'baoxue-directory-template.xlsx' },
  roll: { fileName: '学籍花名册模板.xlsx', asciiFallback: 'baoxue-roll-template.xlsx' },
  register: { fileName: '适龄儿童户籍名单模板.xlsx', asciiFallback: 'baoxue-register-template.xlsx' },
} satisfies Record<keyof TemplateModule['templateBuilders'], { fileName: string; asciiFallback: string }>;

/** The exported ledgers as a file: CSV (one ledger) or XLSX (one sheet per ledger), named in Chinese with an ASCII fallback. */
async function ledgerFile(
  q: { ledger: string; format: 'csv' | 'xlsx' },
  { ledgers, baseName, day }: Awaited<ReturnType<typeof exportLedgersUseCase>>,
) {
  const asciiFallback = `baoxue-${q.ledger}-${day}.${q.format}`;
  if (q.format === 'csv')
    return {
      contentType: 'text/csv; charset=utf-8',
      fileName: `${baseName}-${day}.csv`,
      asciiFallback,
      body: ledgerToCsv(ledgers[0]!),
    };
  // exceljs is loaded on the first XLSX export only (ledger-xlsx.ts), not at every cold start of the API.
  return {
    contentType: XLSX_TYPE,
    fileName: `${baseName}-${day}.xlsx`,
    asciiFallback,
    body: await ledgersToXlsx(ledgers),
  };
}

/** Statistics (R8, §六) and the ledger exports (辍学学生花名册, case ledger), both scoped by the caller's role. */
export function insightRoutes(deps: ApiDeps, ports: InsightPorts): Route<ApiPorts>[] {
  return [
    {
      method: 'GET',
      path: '/api/statistics',
      who: 'office, leader, contact: townships + schools; head, teacher: their school only',
      summary:
        'statistics per township and school over ?from&to (≤ 366 days; optional townshipId, schoolId), in scope; ' +
        'each row with case figures per priority group (脱贫户 only where the caller may see it: R9)',
      handle: async (ctx) => {
        const q = parseWith(statisticsQuery, ctx.query, 'query');
        const body = await statisticsReport(ports.aggregates, {
          principal: ctx.principal,
          asOf: ctx.now,
          range: { from: q.from, to: q.to },
          schools: schoolsInScope(ctx, q, seesSchoolFigures),
          narrowed: { townshipId: q.townshipId, schoolId: q.schoolId },
          townshipName: (id) => ctx.org.township(id)?.name ?? id,
          place: (schoolId, townshipId) => ctx.org.place(schoolId, townshipId),
          areaOfTownship: (id) => ctx.org.areaOfTownship(id),
        });
        return { status: 200, body };
      },
    },
    {
      method: 'GET',
      path: '/api/statistics/open-cases',
      who: 'as /api/statistics: office, leader, contact their scope; head, teacher their school',
      summary: 'open cases now per state in scope (optional townshipId, schoolId): counts only, no personal data',
      handle: async (ctx) => {
        const q = parseWith(openCasesQuery, ctx.query, 'query');
        const schools = schoolsInScope(ctx, q, seesSchoolFigures);
        const counts = await countOpenCasesOf(schools, ports.openCases);
        return { status: 200, body: { asOf: ctx.now.toISOString(), ...counts } };
      },
    },
    {
      method: 'GET',
      path: '/api/exports/ledgers',
      who: 'office, leader, contact, head (not teachers)',
      summary:
        'ledger export ?ledger=roster|cases|all&format=csv|xlsx&group: 辍学学生花名册 / case ledger, masked by role; audited',
      handle: async (ctx) => {
        const q = parseWith(exportQuery, ctx.query, 'query');
        const exported = await exportLedgersUseCase(
          { cases: ports.cases, audit: ctx.ports.audit, clock: deps.clock, newId: deps.newId },
          { ...q, principal: ctx.principal, directory: ctx.org.snapshot },
        );
        return fileReply(await ledgerFile(q, exported));
      },
    },
    {
      method: 'GET',
      path: '/api/templates/:kind',
      who: 'any signed-in person',
      summary:
        'blank import template as XLSX: directory (组织名录), roll (学籍花名册) or register (户籍名单); no personal data',
      handle: async (ctx) => {
        const kind = ctx.params.kind ?? '';
        const template = Object.hasOwn(TEMPLATES, kind) ? TEMPLATES[kind as keyof typeof TEMPLATES] : undefined;
        if (!template) throw new NotFoundError('template', kind);
        const { templateBuilders } = await loadTemplates();
        const body = await templateBuilders[kind as keyof typeof TEMPLATES]();
        return fileReply({ contentType: XLSX_TYPE, ...template, body });
      },
    },
  ];
}
