import * as z from 'zod/mini';
import { DynamoAggregateStore } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoLateBoardSource } from '../../shared/adapters/dynamo/late-board-source.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import type { AggregateReader } from '../../shared/domain/aggregates.ts';
import type { CaseRepository } from '../../shared/domain/case-ports.ts';
import { NotFoundError, ValidationError } from '../../shared/domain/errors.ts';
import { snapshotReader } from '../../shared/domain/ladder.ts';
import { cadenceSchema } from '../../shared/domain/periods.ts';
import type { SlotRepository } from '../../shared/domain/report-slot.ts';
import { assertCanWrite, canRead, type Principal } from '../../shared/domain/scope.ts';
import { lateBoardView } from '../../shared/domain/views/late-board.ts';
import { reportAcknowledgementView, reportFiledView } from '../../shared/domain/views/report.ts';
import {
  acknowledgeReportEscalationUseCase,
  reportAcknowledgeInputSchema,
} from '../../shared/use-cases/acknowledge-report.ts';
import { intakeFromReportUseCase } from '../../shared/use-cases/intake-from-report.ts';
import { type LateBoardSource, listLateBoard } from '../../shared/use-cases/list-late-board.ts';
import { type SubmitReportDeps, submitReport } from '../../shared/use-cases/submit-report.ts';
import { followUpDepsOf } from '../followup-wiring.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { parseWith } from './http.ts';
import type { OrgIndex } from './org.ts';
import type { Route } from './router.ts';

export interface ReportPorts {
  slots: SlotRepository;
  lateBoard: LateBoardSource;
  aggregates: AggregateReader;
  cases: CaseRepository;
}

export function reportPorts(deps: ApiDeps): ReportPorts {
  return {
    slots: new DynamoSlotRepository(deps.doc, deps.tableName),
    lateBoard: new DynamoLateBoardSource(deps.doc, deps.tableName),
    aggregates: new DynamoAggregateStore(deps.doc, deps.tableName),
    cases: new DynamoCaseRepository(deps.doc, deps.tableName),
  };
}

const fileReportSchema = z.strictObject({
  schoolId: z.string().check(z.minLength(1, '必填')),
  cadence: cadenceSchema,
  periodKey: z.string().check(z.minLength(4, '必填'), z.maxLength(12)),
  /** `submittedBy` is set from the caller's token, never taken from the body. */
  submission: z.looseObject({}),
});

/** Most late slots in one page of `GET /api/reports/late`, and the page when `limit` is not given. */
const LATE_PAGE_MAX = 100;
const LATE_PAGE_DEFAULT = 50;

const lateQuerySchema = z.strictObject({
  townshipId: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
  cadence: z.optional(cadenceSchema),
  level: z.optional(
    z.coerce
      .number({ error: '催报级别应为 0 至 9 的整数' })
      .check(z.int('催报级别应为 0 至 9 的整数'), z.gte(0), z.lte(9)),
  ),
  limit: z._default(
    z.coerce
      .number({ error: '每页条数 limit 应为 1 至 100 的整数' })
      .check(
        z.int('每页条数 limit 应为 1 至 100 的整数'),
        z.gte(1, '每页条数 limit 至少为 1'),
        z.lte(LATE_PAGE_MAX, '每页条数 limit 最多为 100'),
      ),
    LATE_PAGE_DEFAULT,
  ),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2000, '翻页游标 cursor 过长'))),
});

/** A report ladder level in a path: 1 to 9. */
function ladderLevelOf(raw: string | undefined): number {
  const level = Number(raw);
  if (!Number.isInteger(level) || level < 1 || level > 9)
    throw new ValidationError([{ field: 'level', reason: '催报级别应为 1 至 9 的整数' }]);
  return level;
}

/** Report routes: file a report (R1 stops the ladder) and the late-report board. */
export function reportRoutes(deps: ApiDeps, ports: ReportPorts): Route<ApiPorts>[] {
  /** The ports of one filing: the directory the scope check used; the not-back pupils go to the case intake. */
  const submitDeps = (org: OrgIndex, principal: Principal): SubmitReportDeps => ({
    slots: ports.slots,
    directory: snapshotReader(async () => org.snapshot),
    clock: deps.clock,
    log: deps.log,
    config: deps.config,
    // The pupils not back: a returned one within the follow-up window reopens their case (R6), an open case is
    // fed, a pupil with no case gets one (R2).
    onNotBack: (report) =>
      intakeFromReportUseCase(
        {
          cases: {
            repo: ports.cases,
            clock: deps.clock,
            newId: deps.newId,
            log: deps.log,
            groups: new DynamoRollGroups(deps.doc, deps.tableName, deps.config.calendar.terms),
          },
          followUp: followUpDepsOf(deps),
          directory: snapshotReader(async () => org.snapshot),
        },
        { ...report, by: { personId: principal.personId, name: principal.name ?? principal.personId } },
      ),
  });

  return [
    {
      method: 'POST',
      path: '/api/reports',
      who: 'school head (own school), office',
      summary:
        'file (or re-file) a 日报/周报/月报; the ladder stops; pupils listed not back reopen, feed or open cases',
      handle: async ({ principal, body, org }) => {
        const input = parseWith(fileReportSchema, body, 'body');
        const place = org.placeOfSchool(input.schoolId);
        if (!place) throw new NotFoundError('school', input.schoolId);
        assertCanWrite(principal, 'file-report', place);
        const result = await submitReport(submitDeps(org, principal), {
          ...input,
          submission: { ...input.submission, submittedBy: principal.personId },
        });
        return { status: result.resubmission ? 200 : 201, body: reportFiledView(result) };
      },
    },
    {
      method: 'POST',
      path: '/api/reports/slots/:slotId/escalations/:level/acknowledge',
      who: "the level's recipients (person ids on the slot's escalation record), office",
      summary:
        'a recipient of a report ladder level (or the office) takes the late report on: note; the first ' +
        'acknowledgement stands (200 changed: false after it); the ladder climbs until the report is filed',
      handle: async ({ principal, body, params, org }) => {
        const input = parseWith(reportAcknowledgeInputSchema, body ?? {}, 'body');
        const ref = { slotId: params.slotId ?? '', level: ladderLevelOf(params.level) };
        const slot = await ports.slots.get(ref.slotId);
        // A slot outside the caller's scope is as absent as one that does not exist.
        if (!slot || !canRead(principal, org.place(slot.schoolId, slot.townshipId)))
          throw new NotFoundError('report slot', ref.slotId);
        const r = await acknowledgeReportEscalationUseCase(
          { slots: ports.slots, clock: deps.clock, log: deps.log },
          ref,
          input,
          principal,
        );
        return {
          status: r.changed ? 201 : 200,
          body: reportAcknowledgementView(ref, r.record.acknowledged!, r.changed),
        };
      },
    },
    {
      method: 'GET',
      path: '/api/reports/late',
      who: 'office, leader (area), contact (township), head (school); teachers see none',
      summary:
        'late reports in scope, grouped by township, with the ladder level reached; pages of ?limit (≤ 100, default ' +
        '50) from ?cursor, filters ?townshipId ?cadence ?level; summary: owed/filed/late per township this month',
      handle: async ({ principal, query, org, now }) => {
        const q = parseWith(lateQuerySchema, query, 'query');
        const board = await listLateBoard(
          { source: ports.lateBoard, aggregates: ports.aggregates, config: deps.config },
          { principal, snapshot: org.snapshot, query: q, now },
        );
        return { status: 200, body: lateBoardView(board, org) };
      },
    },
  ];
}
