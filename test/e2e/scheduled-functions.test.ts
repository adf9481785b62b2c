import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { deployedSpecs, functionSpecs } from '../../functions/manifest.ts';
import { type LocalRuntime, startRuntime } from '../../local/runtime.ts';
import { timerName } from '../../shared/domain/notice.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { testDynamoEndpoint } from '../support/dynamo.ts';

/**
 * Every scheduled function of the manifest, built by the same `create<Name>Handler(deps)` the cloud's handler.ts
 * calls, fired by the local scheduler over one school day (Monday 2026-03-02, the first run after a week and a
 * month ended, so the digests really compute). Nothing may land in a dead-letter or on-failure file.
 */
const START = cstInstant('2026-03-02', '05:50');
const END = cstInstant('2026-03-02', '21:30');
// The runtime here uses the SMS sink: it runs what an SNS stage deploys (the Tencent pull is not among them).
const scheduleIds = deployedSpecs(functionSpecs, 'sns').flatMap((s) =>
  s.triggers.flatMap((t, i) => (t.kind === 'schedule' ? [`${s.name}#${i}`] : [])),
);

let stateDir: string;
let r: LocalRuntime;
let noticeTimer: string;
beforeAll(async () => {
  stateDir = mkdtempSync(join(tmpdir(), 'baoxue-scheduled-e2e-'));
  r = await startRuntime({
    stateDir,
    memory: true,
    // The run's one DynamoDB Local, on a table of its own.
    endpoint: testDynamoEndpoint(),
    tableName: `scheduled-${stateDir.slice(-6)}`,
    start: START,
    speed: 0,
    importDirectory: true, // the shipped demo directory
    background: false,
    print: () => {},
  });
  // A case with a notice, so the stream consumers and the notice timer have real work too.
  const cases = caseDepsOf(r.deps);
  const c = await openCaseUseCase(cases, {
    schoolId: 'maling-zhongxin',
    studentName: '测试定时生',
    kind: 'not-returned',
    reason: '外出务工',
    whereabouts: '在家',
    responsibleTeacher: { name: '测试老师' },
    guardian: { name: '测试家长', phone: '+8613800000498' },
    openedBy: { name: '测试校长' },
  });
  for (const outcome of ['not-home', 'refused'] as const)
    await logVisitUseCase(cases, c.id, { by: { name: '测试老师' }, at: START.toISOString(), outcome });
  noticeTimer = timerName((await issueNoticeUseCase(cases, c.id, { name: '测试校长' })).id);
  await r.advanceTo(END, { cronResolutionMs: 3_600_000 });
}, 240_000);
afterAll(async () => {
  await r?.stop();
  if (stateDir) rmSync(stateDir, { recursive: true, force: true });
});

/** Lines of every file under the run's dead-letter and on-failure folders. */
function parked(): string[] {
  return ['dead-letter', 'on-failure'].flatMap((folder) => {
    const dir = join(stateDir, 'memory-run', folder);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => `${folder}/${f}: ${line.slice(0, 300)}`),
    );
  });
}

describe('every scheduled function of the manifest on the local runtime', () => {
  it('the manifest has the schedules this test expects to see fire', () => {
    expect(scheduleIds).toEqual(
      expect.arrayContaining(['open-reports#0', 'chase-reports#0', 'reconcile#0', 'reconcile#1', 'digests#0']),
    );
  });

  it.each(scheduleIds.map((id) => [id] as const))('%s fired at least once, and every firing succeeded', (id) => {
    const firings = r.scheduler.fired.filter((f) => f.kind === 'cron' && f.name === id);

    expect(firings.length).toBeGreaterThan(0);
    expect(firings.filter((f) => f.outcome !== 'ok')).toEqual([]);
  });

  it('nothing landed in a dead-letter or on-failure file', () => {
    expect(parked()).toEqual([]);
  });

  it('digests ran with their readers: the weekly digest and the monthly township reports went out by SMS', () => {
    const ids = r.sink.sent.map((s) => s.messageId);

    expect(ids.some((id) => id.startsWith('digest-weekly-2026-02-23-'))).toBe(true);
    expect(ids.some((id) => id.startsWith('digest-monthly-2026-02-'))).toBe(true);
  });

  it('the stream consumers ran too: the notice has its timer and the guardian got the notice SMS', async () => {
    expect(await r.scheduler.exists(noticeTimer)).toBe(true);
    expect(r.sink.sent.some((s) => s.messageId.endsWith('-guardian'))).toBe(true);
  });

  it('no function logged an error', () => {
    const log = join(stateDir, 'memory-run', 'runtime.log');
    const errors = readFileSync(log, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { level: string; source: string; message: string })
      .filter((l) => l.level === 'error')
      .map((l) => `${l.source}: ${l.message}`);

    expect(errors).toEqual([]);
  });
});
