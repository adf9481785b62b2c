import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { type LocalRuntime, startRuntime } from '../../local/runtime.ts';
import { messageKey } from '../../shared/adapters/dynamo/message-items.ts';
import { noticeMessageIds } from '../../shared/domain/notice.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { issueNoticeUseCase } from '../../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';

/**
 * `npm start -- --sms tencent|aliyun`: a guardian's notice goes through the real adapter and SDK to the local
 * fake (signature checked), and the fake's receipt comes back onto the message's delivery record.
 */
const START = cstInstant('2026-03-02', '09:00');
const runs: { r: LocalRuntime; dir: string }[] = [];
afterAll(async () => {
  for (const { r, dir } of runs) {
    await r.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

describe.each(['tencent', 'aliyun'] as const)('local runtime with --sms %s', (sms) => {
  it('sends the guardian notice through the adapter and records the receipt', async () => {
    const dir = mkdtempSync(join(tmpdir(), `baoxue-sms-${sms}-`));
    const r = await startRuntime({
      stateDir: dir,
      memory: true,
      start: START,
      speed: 0,
      background: false,
      sms,
      print: () => {},
    });
    runs.push({ r, dir });
    expect(r.config.sms.provider.kind).toBe(sms);
    const cases = caseDepsOf(r.deps);
    const c = await openCaseUseCase(cases, {
      schoolId: 'maling-zhongxin',
      studentName: '测试供应商生',
      kind: 'not-returned',
      reason: '外出务工',
      whereabouts: '在家',
      responsibleTeacher: { name: '测试老师' },
      guardian: { name: '测试家长', phone: '+8613800000497' },
      openedBy: { name: '测试校长' },
    });
    for (const outcome of ['not-home', 'refused'] as const)
      await logVisitUseCase(cases, c.id, { by: { name: '测试老师' }, at: START.toISOString(), outcome });
    const notice = await issueNoticeUseCase(cases, c.id, { name: '测试校长' });
    await r.settle();

    const id = noticeMessageIds.guardianNotice(notice.id);
    const send = r.providerFake!.sends.find((s) => s.ourId === id);
    expect(send?.phone).toBe('+8613800000497');
    expect(r.providerFake!.rejectedSignatures).toBe(0);
    const item = (await r.doc.send(new GetCommand({ TableName: r.tableName, Key: messageKey(id) }))).Item!;
    expect(item.status).toBe('SENT');
    expect(item.providerMessageId).toBe(send!.serialNo);
    expect(item.delivery).toMatchObject({ status: 'DELIVERED', provider: sms });
    expect(r.sink.sent.find((s) => s.messageId === id)?.providerMessageId).toBe(send!.serialNo);
  }, 120_000);
});

describe('local runtime with --sms sink (standing in for SNS)', () => {
  it('the sink’s delivery-status logs go through sms-status-logs: DELIVERED, and UNDELIVERED when injected', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'baoxue-sms-sink-'));
    const r = await startRuntime({
      stateDir: dir,
      memory: true,
      start: START,
      speed: 0,
      background: false,
      print: () => {},
    });
    runs.push({ r, dir });
    expect(r.specs.map((s) => s.name)).toContain('sms-status-logs');
    expect(r.hasReceipts).toBe(true);
    const cases = caseDepsOf(r.deps);
    const open = async (name: string, phone: string) => {
      const c = await openCaseUseCase(cases, {
        schoolId: 'maling-zhongxin',
        studentName: name,
        kind: 'not-returned',
        reason: '外出务工',
        whereabouts: '在家',
        responsibleTeacher: { name: '测试老师' },
        guardian: { name: '测试家长', phone },
        openedBy: { name: '测试校长' },
      });
      for (const outcome of ['not-home', 'refused'] as const)
        await logVisitUseCase(cases, c.id, { by: { name: '测试老师' }, at: START.toISOString(), outcome });
      return issueNoticeUseCase(cases, c.id, { name: '测试校长' });
    };
    const delivered = await open('测试送达生', '+8613800000495');
    r.sink.injectUndelivered(1, '+8613800000496');
    const undelivered = await open('测试未达生', '+8613800000496');
    await r.settle();

    const item = async (noticeId: string) =>
      (
        await r.doc.send(
          new GetCommand({ TableName: r.tableName, Key: messageKey(noticeMessageIds.guardianNotice(noticeId)) }),
        )
      ).Item!;
    const ok = await item(delivered.id);
    expect(ok.providerMessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(ok.delivery).toMatchObject({
      status: 'DELIVERED',
      provider: 'sns',
      providerMessageId: ok.providerMessageId,
    });
    expect((await item(undelivered.id)).delivery).toMatchObject({
      status: 'UNDELIVERED',
      code: 'Unknown error attempting to reach phone',
    });
    // Each entry is fed once: nothing is left to feed.
    expect(await r.pullReceipts()).toEqual({ recorded: 0, duplicate: 0, unknown: 0 });
  }, 120_000);
});
