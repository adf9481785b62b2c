import * as z from 'zod/mini';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoCrossCheckRepository } from '../../shared/adapters/dynamo/cross-check-repository.ts';
import { DynamoRegisterRepository } from '../../shared/adapters/dynamo/register-repository.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { ledgersToXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import { decisionInputSchema, strikeInputSchema } from '../../shared/domain/cross-check.ts';
import { priorityFlags } from '../../shared/domain/roll.ts';
import { cstDate } from '../../shared/domain/time.ts';
import { type CrossCheckDeps, decideCandidate, listCandidates, strikeOff } from '../../shared/use-cases/cross-check.ts';
import { crossCheckSheets, groupSheet, rosterLedgers } from '../../shared/use-cases/roster-ledgers.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { fileReply, parseWith } from './http.ts';
import type { Route, RouteContext } from './router.ts';

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function rosterPorts(deps: ApiDeps): CrossCheckDeps {
  return {
    registers: new DynamoRegisterRepository(deps.doc, deps.tableName),
    rolls: new DynamoRollRepository(deps.doc, deps.tableName),
    cases: new DynamoCaseRepository(deps.doc, deps.tableName),
    checks: new DynamoCrossCheckRepository(deps.doc, deps.tableName),
    clock: deps.clock,
    log: deps.log,
    terms: deps.config.calendar.terms,
  };
}

const formatQuery = z.strictObject({ format: z._default(z.enum(['json', 'xlsx']), 'json') });
const ledgerQuery = z.strictObject({
  format: z._default(z.enum(['json', 'xlsx']), 'json'),
  townshipId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  group: z.optional(z.enum(priorityFlags)),
});

const acting = (ctx: RouteContext<ApiPorts>) => ({ principal: ctx.principal, directory: ctx.org.snapshot });

/**
 * 四查三比对 and the three ledgers (R10, docs/rosters.md). The comparison itself runs in the operator CLI
 * (`cross-check`, it reads every roll of the county); the API serves its results, takes each candidate's decision
 * and the 销号 of a 辍学台账 entry, and exports the ledgers. Scoped and masked by role in the use cases.
 */
export function rosterRoutes(deps: ApiDeps, ports: CrossCheckDeps): Route<ApiPorts>[] {
  return [
    {
      method: 'GET',
      path: '/api/cross-check/:townshipId',
      who: "office, leader (area), contact (township); head: own school's rows only",
      summary:
        'a township’s 四查三比对 results (?format=json|xlsx): 适龄未入学, 在籍不在校, 脱贫户 (office only); schools see their own',
      handle: async (ctx) => {
        const q = parseWith(formatQuery, ctx.query, 'query');
        const townshipId = ctx.params.townshipId ?? '';
        if (q.format === 'json') return { status: 200, body: await listCandidates(ports, acting(ctx), townshipId) };
        const day = cstDate(deps.clock.now());
        return fileReply({
          contentType: XLSX_TYPE,
          fileName: `四查三比对-${ctx.org.township(townshipId)?.name ?? townshipId}-${day}.xlsx`,
          asciiFallback: `baoxue-cross-check-${townshipId}-${day}.xlsx`,
          body: await ledgersToXlsx(await crossCheckSheets(ports, acting(ctx), townshipId)),
        });
      },
    },
    {
      method: 'POST',
      path: '/api/cross-check/:townshipId/candidates/:candidateId/decision',
      who: "contact (township), head (own school's pupils), office",
      summary:
        'confirm (onto the 辍学台账) or dismiss one cross-check candidate, with a reason; township, school or office',
      handle: async (ctx) => {
        const decision = parseWith(decisionInputSchema, ctx.body, 'body');
        const out = await decideCandidate(ports, acting(ctx), {
          townshipId: ctx.params.townshipId ?? '',
          candidateId: ctx.params.candidateId ?? '',
          decision,
        });
        return { status: 200, body: out };
      },
    },
    {
      method: 'GET',
      path: '/api/roster-ledgers',
      who: "office, leader, contact, head (own school's rows; not teachers); `group=脱贫户`: office, head",
      summary:
        'the three ledgers 适龄儿童 / 疑似辍学 / 辍学 (with 销号) and counts per priority group, per township in scope (?townshipId&group&format=json|xlsx)',
      handle: async (ctx) => {
        const q = parseWith(ledgerQuery, ctx.query, 'query');
        const { ledgers, groups } = await rosterLedgers(ports, acting(ctx), {
          ...(q.townshipId ? { townshipId: q.townshipId } : {}),
          ...(q.group ? { group: q.group } : {}),
        });
        if (q.format === 'json') return { status: 200, body: { ledgers, groups } };
        const day = cstDate(deps.clock.now());
        return fileReply({
          contentType: XLSX_TYPE,
          fileName: `控辍保学三本台账-${day}.xlsx`,
          asciiFallback: `baoxue-roster-ledgers-${day}.xlsx`,
          body: await ledgersToXlsx([...ledgers, groupSheet(groups)]),
        });
      },
    },
    {
      method: 'POST',
      path: '/api/roster-ledgers/dropouts/:entryId/strike-off',
      who: 'contact (township), head (own school), office',
      summary:
        '销号 of a 辍学台账 entry: reason (returned, transferred + receiving school, exempted, moved-away) and evidence',
      handle: async (ctx) => {
        const strike = parseWith(strikeInputSchema, ctx.body, 'body');
        const entry = await strikeOff(ports, acting(ctx), { entryId: ctx.params.entryId ?? '', strike });
        return { status: 200, body: { entry } };
      },
    },
  ];
}
