import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { apiEvent, apiWorld, who } from '../support/api-world.ts';
import { runCliInProcess } from '../support/cli.ts';
import { freshTable } from '../support/dynamo.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-followup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/*
 * The CLI runs on the machine's clock (--real-clock: no runtime, so no virtual clock): every date below lies in 2026 before
 * today, and the due list is asked for an explicit range, so nothing depends on what day the test runs.
 */
describe('operator CLI: follow-up commands', () => {
  it('records a 送教上门 visit, creates a 大家访 list from a CSV, records a household, lists what is left masked', async () => {
    const { doc, tableName, endpoint } = await freshTable('cli-fu');
    const { deps } = await apiWorld(doc, tableName); // Tuesday 2026-03-10 10:00 CST
    const created = await createApiHandler(deps)(
      apiEvent({
        method: 'POST',
        path: '/api/followup/send-teaching-plans',
        as: who.headS1,
        body: {
          studentName: '测试送教学生',
          schoolId: 's1',
          teacherIds: ['teacher-s1b'],
          content: '生活自理训练',
          from: '2026-03-10',
          to: '2026-04-30',
        },
      }),
    );
    const planId = JSON.parse(created.body).plan.id as string;
    const csv = join(dir, 'households.csv');
    writeFileSync(
      csv,
      '\uFEFF学籍号,姓名,教师ID\r\nxj-001,测试家访甲,teacher-s1\r\nxj-002,测试家访乙,teacher-s1\r\nxj-003,测试家访丙,teacher-s1b\r\n',
    );
    const cli = async (...args: string[]) => {
      const run = await runCliInProcess([...args, '--endpoint', endpoint, '--table', tableName, '--real-clock']);
      expect(run.stderr).toBe('');
      return run;
    };

    const visit = await cli(
      'record-followup-visit',
      planId,
      '--by',
      'teacher-s1b',
      '--date',
      '2026-03-20',
      '--content',
      '识字',
    );
    const campaign = await cli(
      'create-campaign',
      '--window',
      '2026-summer-before',
      '--school',
      's1',
      '--households',
      csv,
    );
    const household = await cli(
      'record-campaign-visit',
      '--window',
      '2026-summer-before',
      '--school',
      's1',
      '--ref',
      'xj-001',
      '--date',
      '2026-06-29',
    );
    const due = await cli('followup-due', '--school', 's1', '--from', '2026-03-01', '--to', '2026-07-31');

    expect(visit.stdout).toContain('已登记走访：测****生 第1/4次');
    expect(campaign.stdout).toContain('已建立：2026年暑假前大家访 s1 共 3 户');
    expect(household.stdout).toContain('完成 1/3 户');
    expect(due.stdout).toContain('待完成走访 3 次');
    expect(due.stdout).toContain('大家访待家访 2 户');
    expect(due.stdout).toContain('测***乙');
    for (const out of [visit, campaign, household, due].map((r) => r.stdout))
      expect(out).not.toMatch(/测试(送教学生|家访甲|家访乙|家访丙)/);
    const plan = await new DynamoFollowUpRepository(doc, tableName).getPlan(planId);
    expect(plan!.visits[0]).toMatchObject({
      status: 'done',
      doneOn: '2026-03-20',
      doneBy: 'teacher-s1b',
      content: '识字',
    });
  }, 30_000);
});
