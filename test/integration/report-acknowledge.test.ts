import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoNoteRepository } from '../../shared/adapters/dynamo/note-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { chaseReports } from '../../shared/use-cases/chase-reports.ts';
import { apiEvent, apiWorld, openDailySlots, who } from '../support/api-world.ts';
import { runCliInProcess } from '../support/cli.ts';
import { freshTable } from '../support/dynamo.ts';

const SLOT = 's1:daily:2026-03-09';

async function lateSlot() {
  const { doc, tableName } = await freshTable('report-ack');
  const { deps, clock } = await apiWorld(doc, tableName, '2026-03-09T09:40:00Z'); // 17:40 CST, deadline 17:00
  await openDailySlots(deps, '2026-03-09');
  const slots = new DynamoSlotRepository(doc, tableName);
  const chase = (at: string) => {
    clock.set(at);
    return chaseReports({
      slots,
      notes: new DynamoNoteRepository(doc, tableName),
      directory: new DynamoDirectoryLookup(doc, tableName),
      clock,
      log: deps.log,
      config: deps.config,
    });
  };
  await chase('2026-03-09T09:40:00Z'); // level 0: the head
  await chase('2026-03-10T01:05:00Z'); // level 1: the 包乡镇人员 (Tuesday 09:05)
  const handler = createApiHandler(deps);
  const ack = async (as: Principal, level: number | string, body: unknown = { note: '已电话联系校长' }) => {
    const res = await handler(
      apiEvent({ method: 'POST', path: `/api/reports/slots/${SLOT}/escalations/${level}/acknowledge`, as, body }),
    );
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };
  return { slots, chase, ack };
}

describe('acknowledging a report ladder level', () => {
  it('its recipient takes it on once; a second time changes nothing; the record keeps who, when and the note', async () => {
    const { slots, ack } = await lateSlot();
    const first = await ack(who.contactA, 1);
    const again = await ack(who.contactA, 1, { note: '另一条' });
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(first.body.acknowledged).toMatchObject({
      by: '测试联络甲',
      role: 'township-contact',
      note: '已电话联系校长',
    });
    expect(again.body).toMatchObject({ changed: false, acknowledged: { note: '已电话联系校长' } });
    const stored = await slots.get(SLOT);
    expect(stored!.escalations.find((e) => e.level === 1)!.acknowledged).toMatchObject({
      by: { personId: 'contact-a' },
      at: '2026-03-10T01:05:00.000Z',
    });
    // The ladder is not stopped by it: the slot is still owed and its next level still due.
    expect(stored!.state).toBe('OPEN');
    expect(stored!.nextDueAt).toBeDefined();
  });

  it('every role: only the level’s recipients and the office; outside the scope the slot does not exist', async () => {
    const { ack } = await lateSlot();
    const outcomes: Record<string, number> = {};
    for (const [name, p] of Object.entries(who)) outcomes[name] = (await ack(p, 1)).status;
    expect(outcomes).toEqual({
      office: 201, // first in the loop: it records the acknowledgement
      leaderA: 403,
      contactA: 200, // a recipient, after the office: already acknowledged
      contactB: 404,
      headS1: 403,
      headS3: 404,
      // Teachers read no report slots: as absent as one that does not exist.
      teacherS1: 404,
      teacherS1b: 404,
    });
  });

  it('refuses level 0 (the head’s own reminder, 400), a level not reached (404), a bad level and a bad body, naming the field', async () => {
    const { ack } = await lateSlot();
    expect((await ack(who.office, 0)).status).toBe(400);
    expect((await ack(who.office, 2)).status).toBe(404);
    const bad = await ack(who.office, 'abc');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('level');
    const extra = await ack(who.contactA, 1, { note: 'x', admin: true });
    expect(extra.status).toBe(400);
    const long = await ack(who.contactA, 1, { note: '长'.repeat(301) });
    expect(long.status).toBe(400);
  });

  it('five acknowledgements at once: one is recorded (201), the others see it (200)', async () => {
    const { ack, slots } = await lateSlot();
    const all = await Promise.all([1, 2, 3, 4, 5].map((i) => ack(who.contactA, 1, { note: `第${i}次` })));
    expect(all.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 201]);
    const recorded = (await slots.get(SLOT))!.escalations.find((e) => e.level === 1)!.acknowledged!;
    expect(all.find((r) => r.status === 201)!.body.acknowledged.note).toBe(recorded.note);
  });

  it('the 包片领导 acknowledges the level that reached them', async () => {
    const { ack, chase } = await lateSlot();
    await chase('2026-03-10T09:05:00Z'); // level 2: the 包片领导
    expect((await ack(who.leaderA, 2)).status).toBe(201);
    expect((await ack(who.leaderA, 1)).status).toBe(403);
  });
});

describe('operator CLI: acknowledge-report', () => {
  it('takes a ladder level on for its recipient, refuses a non-recipient and level 0, in Chinese', async () => {
    const { doc, tableName, endpoint } = await freshTable('cli-report-ack');
    // The CLI runs on the real clock: the slot is from a day that is over.
    const { deps, clock } = await apiWorld(doc, tableName, '2026-03-09T09:40:00Z');
    await openDailySlots(deps, '2026-03-09');
    for (const at of ['2026-03-09T09:40:00Z', '2026-03-10T01:05:00Z']) {
      clock.set(at);
      await chaseReports({
        slots: new DynamoSlotRepository(doc, tableName),
        notes: new DynamoNoteRepository(doc, tableName),
        directory: new DynamoDirectoryLookup(doc, tableName),
        clock,
        log: deps.log,
        config: deps.config,
      });
    }
    const cli = (level: string, ...args: string[]) =>
      runCliInProcess([
        'acknowledge-report',
        SLOT,
        level,
        '--endpoint',
        endpoint,
        '--table',
        tableName,
        '--real-clock',
        ...args,
      ]);
    const zero = await cli('0', '--person', 'contact-a', '--by', '测试联络甲');
    const stranger = await cli('1', '--person', 'contact-b', '--by', '测试联络乙');
    const ok = await cli('1', '--person', 'contact-a', '--by', '测试联络甲', '--note', '已电话联系校长');
    const again = await cli('1', '--person', 'contact-a', '--by', '测试联络甲');

    expect(zero.exitCode).not.toBe(0);
    expect(zero.stderr).toContain('级别应为 1 至 9');
    expect(stranger.exitCode).not.toBe(0);
    expect(stranger.stderr).toContain('只有这一级催报的接收人或控辍办可以确认跟进');
    expect(ok.stdout).toContain(`已确认跟进 ${SLOT} 的第 1 级催报（测试联络甲`);
    expect(again.stdout).toContain('该级催报已由 测试联络甲');
  }, 60_000);
});
