import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { InvalidTransitionError, NotFoundError, ValidationError } from '../../shared/domain/errors.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordExemptionUseCase } from '../../shared/use-cases/record-exemption.ts';
import { recordReturnUseCase } from '../../shared/use-cases/record-return.ts';
import { recordStatusChangeUseCase } from '../../shared/use-cases/record-status-change.ts';
import { recordTransferUseCase } from '../../shared/use-cases/record-transfer.ts';
import { caseTestbed, openCaseInput } from '../support/case-fixtures.ts';

const teacher = { name: '示例老师' };
const visitAt = cstInstant('2023-02-20', '09:00').toISOString();

async function bed() {
  const b = await caseTestbed(cstInstant('2023-02-20', '10:00').toISOString());
  return { ...b, cases: caseDepsOf(b.deps) };
}

describe('case use cases on DynamoDB Local', () => {
  it('opens a case with its township from the directory and lists it by school and state', async () => {
    const { cases } = await bed();

    const c = await openCaseUseCase(cases, openCaseInput({ kind: 'never-enrolled', povertyRegistered: true }));

    expect(c).toMatchObject({ state: 'opened', townshipId: 'town-demo', povertyRegistered: true, version: 1 });
    expect((await cases.repo.listBySchool('school-demo', 'opened')).map((x) => x.id)).toEqual([c.id]);
    expect((await cases.repo.listBySchool('school-demo', 'open')).map((x) => x.id)).toEqual([c.id]);
    expect(await cases.repo.listBySchool('school-demo', 'closed')).toEqual([]);
    expect(await cases.repo.listBySchool('school-demo', 'returned')).toEqual([]);
  });

  it('refuses a case for an unknown school', async () => {
    const { cases } = await bed();

    await expect(openCaseUseCase(cases, openCaseInput({ schoolId: 'no-such-school' }))).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('refuses a notice before the configured number of visits, naming the field', async () => {
    const { cases } = await bed();
    const c = await openCaseUseCase(cases, openCaseInput());
    await logVisitUseCase(cases, c.id, { by: teacher, at: visitAt, outcome: 'not-home' });

    const attempt = issueNoticeUseCase(cases, c.id, teacher);

    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    await expect(issueNoticeUseCase(cases, c.id, teacher)).rejects.toThrow(/visits: 发出通知书前须至少登记 2 次/);
  });

  it('refuses a notice without a guardian mobile', async () => {
    const { cases } = await bed();
    const c = await openCaseUseCase(cases, openCaseInput({ guardian: { name: '示例家长' } }));
    for (let i = 0; i < 2; i++) await logVisitUseCase(cases, c.id, { by: teacher, at: visitAt, outcome: 'refused' });

    await expect(issueNoticeUseCase(cases, c.id, teacher)).rejects.toThrow(/guardian\.phone/);
  });

  it('records an exemption only with application, township approval and filing date (R4)', async () => {
    const { cases } = await bed();
    const c = await openCaseUseCase(cases, openCaseInput());

    const missing = recordExemptionUseCase(cases, c.id, {
      applicationRef: '书面申请 2023-01',
      townshipApprovalRef: '',
      filedWithBureauOn: '2023-02-20',
      reason: '因病',
      by: teacher,
    });
    await expect(missing).rejects.toThrow(/townshipApprovalRef/);

    const done = await recordExemptionUseCase(cases, c.id, {
      applicationRef: '书面申请 2023-01',
      townshipApprovalRef: '示例镇批复〔2023〕3号',
      filedWithBureauOn: '2023-02-20',
      reason: '因病',
      by: teacher,
    });
    expect(done.case).toMatchObject({ state: 'exempted', exemption: { townshipApprovalRef: '示例镇批复〔2023〕3号' } });
  });

  it('refuses anything on a closed case, naming state and action', async () => {
    const { cases } = await bed();
    const c = await openCaseUseCase(cases, openCaseInput());
    await recordTransferUseCase(cases, c.id, {
      by: teacher,
      destination: '示例市第一小学',
      effectiveOn: '2023-02-20',
      evidence: ['转学联系函'],
    });

    await expect(logVisitUseCase(cases, c.id, { by: teacher, at: visitAt, outcome: 'refused' })).rejects.toThrow(
      'case: log-visit from transferred',
    );
    await expect(recordReturnUseCase(cases, c.id, { by: teacher, returnedOn: '2023-02-22' })).rejects.toBeInstanceOf(
      InvalidTransitionError,
    );
    await expect(
      recordStatusChangeUseCase(cases, c.id, {
        kind: 'dropout',
        effectiveOn: '2023-02-22',
        evidence: ['家访记录'],
        by: teacher,
      }),
    ).rejects.toThrow('case: record-dropout from transferred');
  });

  it('records 辍学 on the timeline and makes a 未按时返校 case a 辍学 case; 休学 needs its approval', async () => {
    const { cases } = await bed();
    const c = await openCaseUseCase(cases, openCaseInput());

    const dropout = await recordStatusChangeUseCase(cases, c.id, {
      kind: 'dropout',
      effectiveOn: '2023-02-22',
      evidence: ['家访记录 2023-02-22'],
      by: teacher,
    });
    const unapproved = recordStatusChangeUseCase(cases, c.id, {
      kind: 'suspension',
      effectiveOn: '2023-02-23',
      evidence: ['病历'],
      by: teacher,
    });

    expect(dropout.case).toMatchObject({ state: 'opened', kind: 'dropped-out' });
    await expect(unapproved).rejects.toThrow(/approvalRef/);
    const events = await cases.repo.listEvents(c.id);
    expect(events.find((e) => e.type === 'status-change')?.data).toMatchObject({
      statusChange: 'dropout',
      label: '辍学',
      evidence: ['家访记录 2023-02-22'],
    });
  });

  it('leaves a reminder the dispatcher already picked up alone and still records the return', async () => {
    const { cases, doc, tableName, messagesOf } = await bed();
    const c = await openCaseUseCase(cases, openCaseInput());
    for (let i = 0; i < 2; i++) await logVisitUseCase(cases, c.id, { by: teacher, at: visitAt, outcome: 'refused' });
    const notice = await issueNoticeUseCase(cases, c.id, teacher);
    await doc.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { pk: `MSG#notice-${notice.id}-reminder`, sk: 'MSG' },
        UpdateExpression: 'SET #s = :sending REMOVE gsi1pk, gsi1sk',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sending': 'SENDING' },
      }),
    );

    const result = await recordReturnUseCase(cases, c.id, { by: teacher, returnedOn: '2023-02-20' });

    expect(result.cancelledMessageIds).toEqual([]);
    expect(result.notice?.status).toBe('complied');
    const reminder = (await messagesOf(notice.id)).find((m) => m.template === 'notice.reminder');
    expect(reminder?.status).toBe('SENDING');
  });
});
