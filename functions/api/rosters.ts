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
import { errorReply, fileReply, parseWith, type Reply } from './http.ts';
import type { RouteContext } from './router.ts';

/**
 * The handlers of 四查三比对 and the three ledgers (functions/api/routes-rosters.ts declares their routes). This module
 * is the api's lazy chunk `lazy/rosters.mjs` (infra/bundling.ts ROSTERS): the cross-check and ledger use cases, their
 * repositories and schemas load on the first roster request, not at every cold start. Each handler answers every
 * outcome as a Reply itself (its errors are its own copies of the domain classes, so the main chunk's `instanceof`
 * mapping would not know them).
 */

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

type Ctx = RouteContext<ApiPorts>;
const acting = (ctx: Ctx) => ({ principal: ctx.principal, directory: ctx.org.snapshot });

export type RosterHandler = (ctx: Ctx) => Promise<Reply>;
export type RosterHandlers = Record<'crossCheck' | 'decide' | 'ledgers' | 'strikeOff', RosterHandler>;

/** The four handlers on `deps`. */
export function rosterHandlers(deps: ApiDeps): RosterHandlers {
  const ports = rosterPorts(deps);
  const replying =
    (handle: RosterHandler): RosterHandler =>
    async (ctx) => {
      try {
        return await handle(ctx);
      } catch (error) {
        return errorReply(error, deps.log, ctx.requestId);
      }
    };
  return {
    crossCheck: replying(async (ctx) => {
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
    }),
    decide: replying(async (ctx) => {
      const decision = parseWith(decisionInputSchema, ctx.body, 'body');
      const out = await decideCandidate(ports, acting(ctx), {
        townshipId: ctx.params.townshipId ?? '',
        candidateId: ctx.params.candidateId ?? '',
        decision,
      });
      return { status: 200, body: out };
    }),
    ledgers: replying(async (ctx) => {
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
    }),
    strikeOff: replying(async (ctx) => {
      const strike = parseWith(strikeInputSchema, ctx.body, 'body');
      const entry = await strikeOff(ports, acting(ctx), { entryId: ctx.params.entryId ?? '', strike });
      return { status: 200, body: { entry } };
    }),
  };
}
