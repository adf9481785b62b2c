import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { functionSpecs } from '../../functions/manifest.ts';
import { type DynamoDbLocal, startDynamoDbLocal } from '../../local/dynamodb-local.ts';
import { type LocalRuntime, startRuntime } from '../../local/runtime.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { cstInstant, DAY_MS } from '../../shared/domain/time.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordReturnUseCase } from '../../shared/use-cases/record-return.ts';
import { demoDirectory, openCaseInput } from '../support/case-fixtures.ts';

// The real case functions and the outbox on the local runtime, with the virtual clock paused: a week in seconds.
const CASE_FUNCTIONS = ['case-reactor', 'notice-deadline', 'reconcile', 'outbox-dispatcher', 'release-messages'];

let db: DynamoDbLocal;
beforeAll(async () => {
  db = await startDynamoDbLocal();
});
afterAll(async () => {
  await db?.stop();
});
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
    endpoint: db.endpoint,
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

const sentFor = (r: LocalRuntime, noticeId: string) =>
  r.sink.sent
    .filter((s) => s.messageId.startsWith(`notice-${noticeId}`))
    .map((s) => ({ id: s.messageId.replace(`notice-${noticeId}-`, ''), at: s.at }));

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
    expect(sent.slice(2).sort((a, b) => a.id.localeCompare(b.id))).toEqual(
      ['p-contact', 'p-gov', 'p-head', 'p-office'].map((p) => ({ id: `escalation-${p}`, at: deadline })),
    );
    expect((await cases.repo.getCase(caseId))?.state).toBe('escalated');
    expect(r.scheduler.pendingTimers()).toEqual([]);
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
});
