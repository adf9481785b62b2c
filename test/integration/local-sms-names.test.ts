import { describe, expect, it } from 'vitest';
import { SmsSink, StoredNames } from '../../local/sms-sink.ts';
import { DynamoOutboxRepository } from '../../shared/adapters/dynamo/outbox-repository.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';

describe('local console: names masked from the stored data', () => {
  it('a sink started after the case was stored (a restart on the same state dir) still masks the names', async () => {
    const w = await apiCallerWorld('sms-names');
    const opened = await w.call({ method: 'POST', path: '/api/cases', as: who.headS1, body: openCaseBody('s1') });
    expect(opened.status).toBe(201);
    const at = w.clock.now().toISOString();
    await new DynamoOutboxRepository(w.doc, w.tableName).enqueue({
      id: 'msg-names-0001',
      audience: 'guardian',
      recipient: { role: 'guardian', phone: '+8613800000901', label: '测**长(监护人)' },
      template: 'notice.guardian',
      text: '测试家长您好：测试学生小明未返校，请联系13800000903',
      parts: 1,
      notBefore: at,
      status: 'QUEUED',
      createdAt: at,
      attempts: 0,
      subject: { kind: 'case', id: opened.body.case.id },
      schoolId: 's1',
      townshipId: 'ta',
      version: 0,
    });

    // Nothing held in memory from before: a fresh name source over the table, as after `npm start` restarts.
    const lines: string[] = [];
    const sink = new SmsSink({
      clock: w.clock,
      names: new StoredNames(w.doc, w.tableName),
      print: (l) => lines.push(l),
    });
    await sink.send({
      phone: '+8613800000901',
      text: '测试家长您好：测试学生小明未返校，请联系13800000903',
      messageId: 'msg-names-0001',
      template: 'notice.guardian',
      params: {},
    });

    expect(lines).toEqual(['📱 03-10 10:00 138****0901 ← 测**长您好：测****明未返校，请联系138****0903']);
  });
});
