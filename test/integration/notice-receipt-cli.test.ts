import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { createNoticeDeadlineHandler } from '../../functions/notice-deadline/index.ts';
import { cstLocalDateTime } from '../../shared/domain/time.ts';
import { apiEvent, apiWorld, openCaseBody, who } from '../support/api-world.ts';
import { runCliInProcess } from '../support/cli.ts';
import { freshTable } from '../support/dynamo.ts';

describe('operator CLI: notice-receipt', () => {
  it('records the receipt, prints the moved deadline in Chinese, and refuses a bad time naming the option', async () => {
    const { doc, tableName, endpoint } = await freshTable('cli-receipt');
    // The CLI runs on the real clock: the notice is issued an hour ago.
    const issuedAt = new Date(Date.now() - 3_600_000);
    const { deps } = await apiWorld(doc, tableName, issuedAt.toISOString());
    const api = async (path: string, body: unknown) =>
      JSON.parse((await createApiHandler(deps)(apiEvent({ method: 'POST', path, as: who.headS1, body }))).body);
    const caseId = (await api('/api/cases', openCaseBody('s1'))).case.id as string;
    for (const _ of [1, 2])
      await api(`/api/cases/${caseId}/visits`, { at: issuedAt.toISOString(), outcome: 'refused', note: '不同意' });
    const notice = (await api(`/api/cases/${caseId}/notices`, { confirm: true })).notice;
    const cli = (...args: string[]) =>
      runCliInProcess([
        'notice-receipt',
        caseId,
        notice.id,
        '--endpoint',
        endpoint,
        '--table',
        tableName,
        '--real-clock',
        ...args,
      ]);
    const receivedAt = cstLocalDateTime(new Date(Date.now() - 1_800_000))
      .slice(0, 16)
      .replace('T', ' ');

    const bad = await cli(
      '--received-at',
      '2026-02-30 10:00',
      '--method',
      'post',
      '--received-by',
      '测试家长',
      '--by',
      '测试校长一',
    );
    const ok = await cli(
      '--received-at',
      receivedAt,
      '--method',
      'post',
      '--received-by',
      '测试家长',
      '--evidence',
      'EMS-TEST-1',
      '--by',
      '测试校长一',
    );
    const again = await cli(
      '--received-at',
      receivedAt,
      '--method',
      'post',
      '--received-by',
      '测试家长',
      '--evidence',
      'EMS-TEST-1',
      '--by',
      '测试校长一',
    );

    expect(bad.exitCode).not.toBe(0);
    expect(bad.stderr).toContain('receivedAt');
    expect(bad.stderr).toContain('不是真实存在的日期');
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/已登记送达（邮寄送达，.+）：期限由 .+ 改为 .+（北京时间）/);
    expect(again.stdout).toContain('已登记过相同的送达信息，未作改动');
  }, 60_000);
});

describe('operator CLI: acknowledge and township-order', () => {
  it('takes a lapsed notice on, records the order, and prints what happened in Chinese', async () => {
    const { doc, tableName, endpoint } = await freshTable('cli-escalation');
    const issuedAt = new Date(Date.now() - 8 * 86_400_000);
    const { deps, clock } = await apiWorld(doc, tableName, issuedAt.toISOString());
    const api = async (path: string, body: unknown) =>
      JSON.parse((await createApiHandler(deps)(apiEvent({ method: 'POST', path, as: who.headS1, body }))).body);
    const caseId = (await api('/api/cases', openCaseBody('s1'))).case.id as string;
    for (const _ of [1, 2])
      await api(`/api/cases/${caseId}/visits`, { at: issuedAt.toISOString(), outcome: 'refused', note: '不同意' });
    const notice = (await api(`/api/cases/${caseId}/notices`, { confirm: true })).notice;
    clock.set(new Date(Date.now() - 3_600_000).toISOString());
    expect(await createNoticeDeadlineHandler(deps)({ caseId, noticeId: notice.id })).toMatchObject({
      outcome: 'escalated',
    });
    const cli = (command: string, ...args: string[]) =>
      runCliInProcess([
        command,
        caseId,
        notice.id,
        '--endpoint',
        endpoint,
        '--table',
        tableName,
        '--real-clock',
        ...args,
      ]);
    const today = cstLocalDateTime(new Date()).slice(0, 10);

    const badRole = await cli('acknowledge', '--by', '测试联络甲', '--role', 'teacher');
    const ack = await cli('acknowledge', '--by', '测试联络甲', '--note', '已联系乡镇');
    const order = await cli(
      'township-order',
      '--kind',
      '限期返校',
      '--ordered-on',
      today,
      '--ref',
      '测试政发〔2026〕9号',
      '--by',
      '测试联络甲',
    );

    expect(badRole.exitCode).not.toBe(0);
    expect(badRole.stderr).toContain('--role 应为');
    expect(ack.stdout).toContain('已确认跟进（测试联络甲');
    expect(order.stdout).toMatch(/已登记乡镇政府限期返校（测试政发〔2026〕9号），期限 \d{4}-\d{2}-\d{2}/);
  }, 60_000);
});
