import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { caseToItem, noticeToItem } from '../../shared/adapters/dynamo/case-repository.ts';
import { slotToItem } from '../../shared/adapters/dynamo/slot-repository.ts';
import type { Case } from '../../shared/domain/case.ts';
import type { Notice } from '../../shared/domain/notice.ts';
import type { ReportSlot } from '../../shared/domain/report-slot.ts';
import type { CaseFact, ReportFact, VisitFact } from '../../shared/domain/statistics.ts';
import { addDays, cstDate, cstInstant } from '../../shared/domain/time.ts';

/**
 * Stores statistics facts as the items the features really write (report slots, cases with their lapsed notice,
 * plan visits), so the API's statistics read them through the production readers. Ids are mapped onto the API
 * test organisation (`schools`, `townships`).
 */
export async function storeFacts(
  doc: DynamoDBDocumentClient,
  tableName: string,
  facts: { reports: ReportFact[]; cases: CaseFact[]; visits: VisitFact[]; names: Record<string, string> },
  map: { schools: Record<string, string>; townships: Record<string, string> },
  options: { rebuild?: boolean } = {},
): Promise<void> {
  const put = (Item: Record<string, unknown>) => doc.send(new PutCommand({ TableName: tableName, Item }));
  const at = (f: { schoolId: string; townshipId: string }) => ({
    schoolId: map.schools[f.schoolId] ?? f.schoolId,
    townshipId: map.townships[f.townshipId] ?? f.townshipId,
  });
  for (const r of facts.reports) {
    const slot: ReportSlot = {
      id: `${at(r).schoolId}:${r.cadence}:${r.periodKey}`,
      ...at(r),
      cadence: r.cadence,
      periodKey: r.periodKey,
      dueDate: cstDate(new Date(r.dueAt)),
      deadline: r.dueAt,
      state: r.filedAt ? 'SUBMITTED' : 'OPEN',
      nextLevel: 0,
      nextDueAt: r.dueAt,
      escalations: [],
      history: [],
      createdAt: r.dueAt,
      ...(r.filedAt ? { firstSubmittedAt: r.filedAt } : {}),
      version: 1,
    };
    await put(slotToItem(slot));
  }
  for (const f of facts.cases) {
    const closedAt = f.returnedAt ?? f.closedAt;
    const c: Case = {
      id: f.caseId,
      ...at(f),
      studentName: facts.names[f.caseId] ?? '测试学生',
      kind: 'not-returned',
      reason: '测试原因',
      whereabouts: '测试去向',
      responsibleTeacher: { name: '测试教师' },
      guardian: { name: '测试家长' },
      povertyRegistered: false,
      state: f.returnedAt ? 'returned' : f.closedAt ? 'exempted' : f.noticeLapsedAt ? 'lapsed' : 'persuading',
      openedAt: f.openedAt,
      updatedAt: closedAt ?? f.openedAt,
      visitCount: 2,
      ...(closedAt ? { closedAt } : {}),
      ...(f.noticeLapsedAt ? { currentNoticeId: `n-${f.caseId}` } : {}),
      version: 1,
    };
    await put(caseToItem(c, 1));
    if (f.noticeLapsedAt) {
      const notice: Notice = {
        id: `n-${f.caseId}`,
        caseId: f.caseId,
        ...at(f),
        issuedAt: new Date(Date.parse(f.noticeLapsedAt) - 7 * 86_400_000).toISOString(),
        deadline: f.noticeLapsedAt,
        status: 'lapsed',
        issuedBy: { name: '测试校长' },
        timerName: `timer-${f.caseId}`,
        reminderMessageIds: [],
        resolvedAt: f.noticeLapsedAt,
        ...(f.townshipOrder ? { escalation: orderEscalation(f.townshipOrder) } : {}),
        version: 1,
      };
      await put(noticeToItem(notice, 1));
    }
  }
  let no = 0;
  for (const v of facts.visits) {
    no++;
    const { schoolId, townshipId } = at(v);
    const dueDate = cstDate(new Date(v.dueAt));
    const sk = `VISIT#${String(no).padStart(3, '0')}`;
    await put({
      pk: 'PLAN#stats-seed',
      sk,
      entity: 'VISIT',
      planId: 'stats-seed',
      kind: v.kind,
      no,
      dueDate,
      deadline: v.dueAt,
      steps: [],
      nextStep: 0,
      status: v.cancelled ? 'cancelled' : v.doneAt ? 'done' : 'planned',
      escalated: false,
      schoolId,
      townshipId,
      ...(v.doneAt ? { doneOn: cstDate(new Date(v.doneAt)) } : {}),
      version: 1,
      gsi2pk: `SCHOOL#${schoolId}`,
      gsi2sk: `VISIT#${dueDate}#stats-seed#${sk}`,
    });
  }
  // Put directly, past the stream the case reactor keeps the aggregates from: recount them as the CLI would
  // (unless the caller drives the stream itself).
  if (options.rebuild !== false) await rebuildAggregates(doc, tableName);
}

/** A lapsed notice's escalation holding a township order with the given outcome (as the cases feature stores it). */
function orderEscalation(o: NonNullable<CaseFact['townshipOrder']>): NonNullable<Notice['escalation']> {
  return {
    level: 0,
    acknowledged: {
      by: { name: '测试联络', role: 'township-contact' },
      at: cstInstant(o.orderedOn, '10:00').toISOString(),
      note: '',
    },
    townshipOrder: {
      kind: '限期返校',
      orderedOn: o.orderedOn,
      ref: '测试政发〔2023〕1号',
      deadline: addDays(o.orderedOn, 7),
      recordedBy: { name: '测试联络' },
      recordedAt: cstInstant(o.orderedOn, '10:00').toISOString(),
      ...(o.outcome === 'lapsed' ? { lapsedAt: cstInstant(addDays(o.orderedOn, 8), '08:00').toISOString() } : {}),
    },
    ...(o.outcome === 'returned' || o.outcome === 'ended'
      ? {
          closedBy: {
            state: o.outcome === 'returned' ? 'returned' : 'transferred-out',
            at: cstInstant(addDays(o.orderedOn, 3), '10:00').toISOString(),
          },
        }
      : {}),
  };
}
