import * as z from 'zod/mini';
import { DynamoLateSlotSource } from '../../shared/adapters/dynamo/case-read-models.ts';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import type { CaseRepository } from '../../shared/domain/case-ports.ts';
import { NotFoundError, ValidationError } from '../../shared/domain/errors.ts';
import { acknowledgementView } from '../../shared/domain/escalation.ts';
import { snapshotReader } from '../../shared/domain/ladder.ts';
import { cadenceSchema } from '../../shared/domain/periods.ts';
import type { SlotRepository } from '../../shared/domain/report-slot.ts';
import { assertCanWrite, canRead } from '../../shared/domain/scope.ts';
import {
  acknowledgeReportEscalationUseCase,
  reportAcknowledgeInputSchema,
} from '../../shared/use-cases/acknowledge-report.ts';
import { intakeFromReportUseCase } from '../../shared/use-cases/intake-from-report.ts';
import { type LateSlotSource, listLateReports } from '../../shared/use-cases/list-late-reports.ts';
import { submitReport } from '../../shared/use-cases/submit-report.ts';
import { followUpDepsOf } from '../followup-wiring.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { parseWith } from './http.ts';
import type { Route } from './router.ts';

export interface ReportPorts {
  slots: SlotRepository;
  lateSlots: LateSlotSource;
  cases: CaseRepository;
}

export function reportPorts(deps: ApiDeps): ReportPorts {
  return {
    slots: new DynamoSlotRepository(deps.doc, deps.tableName),
    lateSlots: new DynamoLateSlotSource(deps.doc, deps.tableName),
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

const lateQuerySchema = z.strictObject({
  townshipId: z.optional(z.string().check(z.minLength(1))),
  cadence: z.optional(cadenceSchema),
});

/** Report routes: file a report (R1 stops the ladder) and the late-report board. */
export function reportRoutes(deps: ApiDeps, ports: ReportPorts): Route<ApiPorts>[] {
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
        const result = await submitReport(
          {
            slots: ports.slots,
            directory: snapshotReader(async () => org.snapshot),
            clock: deps.clock,
            log: deps.log,
            config: deps.config,
            // The pupils not back: a returned one within the follow-up window reopens their case (R6), an open
            // case is fed, a pupil with no case gets one (R2).
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
          },
          {
            schoolId: input.schoolId,
            cadence: input.cadence,
            periodKey: input.periodKey,
            submission: { ...input.submission, submittedBy: principal.personId },
          },
        );
        const { slot } = result;
        return {
          status: result.resubmission ? 200 : 201,
          body: {
            slotId: slot.id,
            state: slot.state,
            onTime: result.onTime,
            resubmission: result.resubmission,
            reopenedCaseIds: result.reopenedCaseIds,
            cases: {
              reopened: result.intake.reopenedCaseIds.length,
              fed: result.intake.fedCaseIds.length,
              opened: result.intake.openedCaseIds.length,
              unchanged: result.intake.unchangedCaseIds.length,
              ambiguous: result.intake.ambiguous,
              skipped: result.intake.skipped.length,
              reopenedCaseIds: result.intake.reopenedCaseIds,
              fedCaseIds: result.intake.fedCaseIds,
              openedCaseIds: result.intake.openedCaseIds,
              unchangedCaseIds: result.intake.unchangedCaseIds,
              skippedCases: result.intake.skipped,
            },
            deadline: slot.deadline,
            submittedAt: slot.submission?.submittedAt,
          },
        };
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
        const level = Number(params.level);
        if (!Number.isInteger(level) || level < 1 || level > 9)
          throw new ValidationError([{ field: 'level', reason: '催报级别应为 1 至 9 的整数' }]);
        const slotId = params.slotId ?? '';
        const slot = await ports.slots.get(slotId);
        // A slot outside the caller's scope is as absent as one that does not exist.
        if (!slot || !canRead(principal, org.place(slot.schoolId, slot.townshipId)))
          throw new NotFoundError('report slot', slotId);
        const r = await acknowledgeReportEscalationUseCase(
          { slots: ports.slots, clock: deps.clock, log: deps.log },
          { slotId, level },
          input,
          principal,
        );
        return {
          status: r.changed ? 201 : 200,
          body: {
            slotId,
            level,
            acknowledged: acknowledgementView(r.record.acknowledged!),
            changed: r.changed,
          },
        };
      },
    },
    {
      method: 'GET',
      path: '/api/reports/late',
      who: 'office, leader (area), contact (township), head (school)',
      summary: 'late reports in scope, grouped by township, with the ladder level reached',
      handle: async ({ principal, query, org, now }) => {
        const q = parseWith(lateQuerySchema, query, 'query');
        const schoolIds = org.snapshot.schools
          .filter((s) => s.active !== false && (!q.townshipId || s.townshipId === q.townshipId))
          .filter((s) => canRead(principal, org.place(s.id, s.townshipId)))
          .map((s) => s.id);
        const rows = await listLateReports(
          { source: ports.lateSlots, config: deps.config },
          now,
          schoolIds,
          (s) =>
            canRead(principal, org.place(s.schoolId, s.townshipId)) &&
            (!q.townshipId || s.townshipId === q.townshipId) &&
            (!q.cadence || s.cadence === q.cadence),
        );
        const byTownship = new Map<string, typeof rows>();
        for (const r of rows) byTownship.set(r.townshipId, [...(byTownship.get(r.townshipId) ?? []), r]);
        return {
          status: 200,
          body: {
            asOf: now.toISOString(),
            townships: [...byTownship].map(([townshipId, reports]) => ({
              townshipId,
              townshipName: org.township(townshipId)?.name ?? townshipId,
              reports: reports.map((r) => ({ ...r, schoolName: org.school(r.schoolId)?.name ?? r.schoolId })),
            })),
          },
        };
      },
    },
  ];
}
