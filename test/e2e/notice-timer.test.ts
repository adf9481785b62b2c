import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { functionSpecs } from '../../functions/manifest.ts';
import { type LocalRuntime, startRuntime } from '../../local/runtime.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { cstInstant, DAY_MS } from '../../shared/domain/time.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordNoticeReceiptUseCase } from '../../shared/use-cases/record-notice-receipt.ts';
import { recordReturnUseCase } from '../../shared/use-cases/record-return.ts';
import { demoDirectory, openCaseInput } from '../support/case-fixtures.ts';
import { testDynamoEndpoint } from '../support/dynamo.ts';

// The real case functions and the outbox on the local runtime, with the virtual clock paused: a week in seconds.
// sms-status-logs: an SNS stage's receipts (the sink's status logs), without which reconcile would call every sent
// notice SMS unconfirmed after sms.deliveryConfirmWithin.
const CASE_FUNCTIONS = [
  'case-reactor',
  'notice-deadline',
  'reconcile',
  'outbox-dispatcher',
  'release-messages',
  'sms-status-logs',
];

// The run's one DynamoDB Local (test/support/dynamodb-global-setup.ts); each runtime gets its own table.
const endpoint = testDynamoEndpoint();
const started: LocalRuntime[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const r of started.splice(0)) await r.stop();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const HOUR_MS = 3_600_000;
const ISSUED = cstInstant('2023-02-20', '10:00');
const teacher = { name: '示例老师' };

async function runtimeWithNotice() {
  const stateDir = mkdtempSync(join(tmpdir(), 'baoxue-cases-e2e-'));
  dirs.push(stateDir);
  const r = await startRuntime({
    stateDir,
    memory: true,
    endpoint,
    tableName: `cases-${stateDir.slice(-6)}`,
    start: ISSUED,
    speed: 0,
    specs: functionSpecs.filter((s) => CASE_FUNCTIONS.includes(s.name)),
    importDirectory: false,
    background: false,
    print: () => {},
  });
  started.push(r);
  await new DynamoDirectoryRepository(r.doc, r.tableName).save(demoDirectory, { officeIds: ['p-office'] });
  const cases = caseDepsOf(r.deps);
  const c = await openCaseUseCase(cases, openCaseInput());
  for (const outcome of ['not-home', 'refused'] as const)
    await logVisitUseCase(cases, c.id, { by: teacher, at: ISSUED.toISOString(), outcome });
  const notice = await issueNoticeUseCase(cases, c.id, teacher);
  await r.settle();
  return { r, cases, caseId: c.id, notice };
}

/** What went out about the notice, without the head's daily receipt reminders (`receiptRemindersFor`). */
const sentFor = (r: LocalRuntime, noticeId: string) =>
  r.sink.sent
    .filter((s) => s.messageId.startsWith(`notice-${noticeId}`) && !s.messageId.includes('-receipt-'))
    .map((s) => ({ id: s.messageId.replace(`notice-${noticeId}-`, ''), at: s.at }));
const receiptRemindersFor = (r: LocalRuntime, noticeId: string) =>
  r.sink.sent.filter((s) => s.messageId.startsWith(`notice-${noticeId}-receipt-`)).map((s) => s.at);

describe('the notice week on the local runtime', () => {
  it('sends the notice, the reminder two days before, and the escalation at the deadline, each once', async () => {
    const { r, notice, cases, caseId } = await runtimeWithNotice();

    await r.advance(8 * DAY_MS, { cronResolutionMs: HOUR_MS });

    const deadline = cstInstant('2023-02-27', '10:00').toISOString();
    const sent = sentFor(r, notice.id);
    expect(sent.slice(0, 1)).toEqual([{ id: 'guardian', at: ISSUED.toISOString() }]);
    // The reminder is released by the 5-minute outbox sweep, here stepped hourly: due 2月25日10:00, within the hour.
    const reminderDue = cstInstant('2023-02-25', '10:00').getTime();
    expect(sent[1]?.id).toBe('reminder');
    expect(Date.parse(sent[1]!.at) - reminderDue).toBeGreaterThanOrEqual(0);
    expect(Date.parse(sent[1]!.at) - reminderDue).toBeLessThanOrEqual(HOUR_MS);
    expect(sent.slice(2).sort((a, b) => a.id.localeCompare(b.id))).toEqual([
      ...['p-contact', 'p-gov', 'p-head', 'p-office'].map((p) => ({ id: `escalation-${p}`, at: deadline })),
      // Nobody acknowledged: one working day (10h of 08:00–18:00) later the 包片领导 is alerted.
      { id: 'reesc-1-p-leader', at: cstInstant('2023-02-28', '10:00').toISOString() },
    ]);
    expect((await cases.repo.getCase(caseId))?.state).toBe('escalated');
    expect(r.scheduler.pendingTimers()).toEqual([]);
    // No receipt was recorded: the head was reminded at 08:00 each school day while the notice ran (not the weekend).
    expect(receiptRemindersFor(r, notice.id)).toEqual(
      ['2023-02-21', '2023-02-22', '2023-02-23', '2023-02-24', '2023-02-27'].map((d) =>
        cstInstant(d, '08:00').toISOString(),
      ),
    );
  });

  it('sends nothing more after a return before the deadline and drops the timer', async () => {
    const { r, notice, cases, caseId } = await runtimeWithNotice();
    await r.advance(3 * DAY_MS, { cronResolutionMs: HOUR_MS });

    await recordReturnUseCase(cases, caseId, { by: teacher, returnedOn: '2023-02-23' });
    await r.settle();
    await r.advance(5 * DAY_MS, { cronResolutionMs: HOUR_MS });

    expect(sentFor(r, notice.id)).toEqual([{ id: 'guardian', at: ISSUED.toISOString() }]);
    expect(r.scheduler.pendingTimers()).toEqual([]);
    expect((await cases.repo.getNotice(caseId, notice.id))?.status).toBe('complied');
  });

  it('a receipt recorded on Wednesday moves the timer: the escalation leaves a week after the receipt, not the issue', async () => {
    const { r, notice, cases, caseId } = await runtimeWithNotice();
    await r.advance(2 * DAY_MS + 5 * HOUR_MS + 30 * 60_000, { cronResolutionMs: HOUR_MS }); // Wednesday 15:30

    await recordNoticeReceiptUseCase(
      cases,
      { caseId, noticeId: notice.id },
      { receivedAt: '2023-02-22 15:30', method: 'signed-receipt', receivedBy: '示例家长' },
      teacher,
    );
    await r.settle();
    const moved = cstInstant('2023-03-01', '15:30');
    expect(r.scheduler.pendingTimers().map((t) => t.at)).toEqual([moved.toISOString()]);
    await r.advance(8 * DAY_MS, { cronResolutionMs: HOUR_MS });

    const sent = sentFor(r, notice.id);
    expect(sent.filter((s) => s.id.startsWith('escalation-')).map((s) => s.at)).toEqual(
      Array(4).fill(moved.toISOString()),
    );
    // The first reminder (timed from the issue) was cancelled; the one timed from the receipt went out.
    expect(sent.map((s) => s.id)).not.toContain('reminder');
    expect(sent.map((s) => s.id)).toContain('reminder-received');
    expect(r.scheduler.pendingTimers()).toEqual([]);
    expect((await cases.repo.getNotice(caseId, notice.id))?.status).toBe('lapsed');
  });
});
