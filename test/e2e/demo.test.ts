import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_START, type DemoSummary, demoConfig, LATE, PUPILS, playDemo } from '../../local/demo-scenario.ts';
import { type LocalRuntime, startRuntime } from '../../local/runtime.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { noticeMessageIds, timerName } from '../../shared/domain/notice.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { ladderMessageId } from '../../shared/use-cases/chase-reports.ts';
import { testDynamoEndpoint } from '../support/dynamo.ts';

/**
 * The demo scenario on the real manifest (in-memory DynamoDB Local, paused virtual clock): exactly which SMS
 * went to whom and when — derived from the imported directory, so the test states the rule, not the data.
 */
describe('demo scenario on the local runtime', () => {
  let rt: LocalRuntime;
  let summary: DemoSummary;
  let directory: DirectorySnapshot;
  const stateDir = mkdtempSync(join(tmpdir(), 'baoxue-demo-'));

  beforeAll(async () => {
    rt = await startRuntime({
      stateDir,
      memory: true,
      // The run's one DynamoDB Local, on a table of its own (test/e2e/local-hardening.test.ts starts runtimes with theirs).
      endpoint: testDynamoEndpoint(),
      tableName: `demo-${stateDir.slice(-6)}`,
      start: DEMO_START,
      speed: 0,
      background: false,
      config: demoConfig(),
      publish: false,
      print: () => {},
    });
    summary = await playDemo(rt, () => {});
    directory = await new DynamoDirectoryRepository(rt.doc, rt.tableName).load();
    // Two virtual weeks of the whole system: about 90 s of CPU; more on a loaded two-core machine.
  }, 300_000);
  afterAll(async () => {
    await rt?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  const school = (id: string) => directory.schools.find((s) => s.id === id)!;
  const township = (id: string) => directory.townships.find((t) => t.id === school(id).townshipId)!;
  const slot = (id: string) => `${id}:daily:2023-02-16`;
  const expectMessage = (at: string, schoolId: string, level: number, personIds: string[]) =>
    [...new Set(personIds)].map((p) => ({
      at: cstInstant(at.slice(0, 10), at.slice(11)).toISOString(),
      messageId: ladderMessageId(slot(schoolId), level, p),
    }));

  const at = (cst: string) => cstInstant(cst.slice(0, 10), cst.slice(11)).toISOString();
  const order = (a: { at: string; messageId: string }, b: { at: string; messageId: string }) =>
    a.at.localeCompare(b.at) || a.messageId.localeCompare(b.messageId);

  it('sends the notice SMS, one reminder, and the escalation a week later; nothing for the pupil who returned', () => {
    const { lapses, returns } = summary.cases;
    const t = township(PUPILS.lapses.schoolId);
    const officials = [
      school(PUPILS.lapses.schoolId).headId,
      ...t.contactIds,
      ...(t.governmentContactId ? [t.governmentContactId] : []),
      ...(directory.meta.officeIds ?? []),
    ];
    const expected = [
      { at: at('2023-02-21 11:00'), messageId: noticeMessageIds.guardianNotice(lapses.noticeId) },
      { at: at('2023-02-21 11:00'), messageId: noticeMessageIds.guardianNotice(returns.noticeId) },
      { at: at('2023-02-26 11:00'), messageId: noticeMessageIds.guardianReminder(lapses.noticeId) },
      ...[...new Set(officials)].map((p) => ({
        at: at('2023-02-28 11:00'),
        messageId: noticeMessageIds.escalation(lapses.noticeId, p),
      })),
    ];

    const notices = summary.messages.filter((m) => m.messageId.startsWith('notice-'));
    // The head's daily receipt reminders (no 送达 recorded in the demo) and the re-escalation to the 包片领导 are
    // checked on their own below; the rest is the notice week itself.
    const sent = notices
      .filter((m) => !m.messageId.includes('-receipt-') && !m.messageId.includes('-reesc-'))
      .map((m) => ({ at: m.at, messageId: m.messageId }));

    expect([...sent].sort(order)).toEqual([...expected].sort(order));
    const receipts = notices.filter((m) => m.messageId.startsWith(`notice-${lapses.noticeId}-receipt-`));
    // From the first school day after the issue, in the morning (08:00 CST = 00:xx UTC), never before.
    // One each school morning from the day after the issue (Tuesday 02-21) to the deadline: Wed, Thu, Fri, Mon, Tue.
    expect(receipts.map((m) => m.at.slice(0, 10))).toEqual([
      '2023-02-22',
      '2023-02-23',
      '2023-02-24',
      '2023-02-27',
      '2023-02-28',
    ]);
    expect(receipts[0]!.at >= at('2023-02-22 08:00')).toBe(true);
    expect(receipts.every((m) => m.at.slice(11, 13) === '00')).toBe(true);
    expect(summary.messages.filter((m) => m.audience === 'guardian').map((m) => m.phone)).toEqual([
      '138****0401',
      '138****0402',
      '138****0401',
    ]);
  });

  it("cancels the returned pupil's timer and reminder on day 3, and leaves no timer behind", () => {
    const { lapses, returns } = summary.cases;

    expect(summary.cases.timersAfterReturn).toEqual([timerName(lapses.noticeId)]);
    expect(returns.cancelledMessageIds).toEqual([noticeMessageIds.guardianReminder(returns.noticeId)]);
    expect(summary.cases.timersAtEnd).toEqual([]);
  });

  it('climbs the ladder for the school that never files, and stops it for the two that file between levels', () => {
    const climbs = LATE.climbs;
    const area = directory.areas.find((a) => a.id === township(climbs).areaId)!;
    const expected = [
      ...expectMessage('2023-02-16 17:30', climbs, 0, [school(climbs).headId]),
      ...expectMessage('2023-02-16 17:30', LATE.stopsAfterHead, 0, [school(LATE.stopsAfterHead).headId]),
      ...expectMessage('2023-02-16 17:30', LATE.stopsAfterTownship, 0, [school(LATE.stopsAfterTownship).headId]),
      ...expectMessage('2023-02-17 09:00', climbs, 1, township(climbs).contactIds),
      ...expectMessage('2023-02-17 09:00', LATE.stopsAfterTownship, 1, township(LATE.stopsAfterTownship).contactIds),
      ...expectMessage('2023-02-17 17:00', climbs, 2, [area.leaderId]),
      // Thursday's 日报: level 3 is two working days later, 09:00: Monday (officials' working time skips the weekend).
      ...expectMessage('2023-02-20 09:00', climbs, 3, [directory.meta.chiefId!, ...(directory.meta.officeIds ?? [])]),
    ];

    const sent = summary.messages
      .filter((m) => m.messageId.startsWith('slot#'))
      .map((m) => ({ at: m.at, messageId: m.messageId }));

    expect([...sent].sort(order)).toEqual([...expected].sort(order));
  });

  it('sends the weekly digests on Monday 08:00 (the digests function runs locally with its readers, as in the cloud)', () => {
    const weekly = summary.messages.filter((m) => m.messageId.startsWith('digest-weekly-2023-02-20-'));

    // Every township contact of an active township and the leader of its area, once each (shared/domain/digest.ts).
    const active = directory.townships.filter((t) => t.active !== false);
    const recipients = new Set([
      ...active.flatMap((t) => t.contactIds.map((id) => `township-contact-${id}`)),
      ...active.flatMap((t) => {
        const area = directory.areas.find((a) => a.id === t.areaId && a.active !== false);
        return area ? [`area-leader-${area.leaderId}`] : [];
      }),
    ]);
    expect(weekly.map((m) => m.messageId.replace('digest-weekly-2023-02-20-', '')).sort()).toEqual(
      [...recipients].sort(),
    );
    expect(new Set(weekly.map((m) => m.at))).toEqual(new Set([at('2023-02-27T08:00')]));
  });

  it('sends each SMS once, all of them marked SENT, and finishes in virtual, not real, time', () => {
    expect(new Set(summary.messages.map((m) => m.messageId)).size).toBe(summary.messages.length);
    expect(summary.virtualEnd).toBe(cstInstant('2023-02-28', '12:00').toISOString());
    expect(
      summary.messages.filter((m) => !/^(slot#|round#|notice-|digest-weekly-|digest-monthly-)/.test(m.messageId)),
    ).toEqual([]);
    // The scenario's busiest official gets 2 SMS on their busiest day (as run on 2026-12-02), within the cap.
    expect(summary.officials.maxPerDay).toBe(2);
    expect(summary.officials.maxPerDay).toBeLessThanOrEqual(summary.officials.dailyCap);
    // Twelve virtual days in minutes of real time (a generous bound: this is no speed test, the machine is shared).
    expect(summary.realSeconds).toBeLessThan(600);
    expect(Object.keys(summary.reports.filedLate).sort()).toEqual(
      [LATE.stopsAfterHead, LATE.stopsAfterTownship].sort(),
    );
  });
});
