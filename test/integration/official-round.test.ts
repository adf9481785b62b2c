import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createChaseReportsHandler } from '../../functions/chase-reports/index.ts';
import type { Deps } from '../../functions/deps.ts';
import { createOpenReportsHandler } from '../../functions/open-reports/index.ts';
import { createOutboxDispatcherHandler } from '../../functions/outbox-dispatcher/index.ts';
import { transactWrite } from '../../shared/adapters/dynamo/client.ts';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoNoteRepository, putNote } from '../../shared/adapters/dynamo/note-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { memoryMetrics } from '../../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import type { Note } from '../../shared/domain/official-round.ts';
import type { DirectoryEntity } from '../../shared/domain/ports.ts';
import { cstInstant, fixedClock } from '../../shared/domain/time.ts';
import { chaseReports } from '../../shared/use-cases/chase-reports.ts';
import { sendOfficialRound } from '../../shared/use-cases/send-official-round.ts';
import { freshTable } from '../support/dynamo.ts';
import { fakeSms, messageItems, queuedEvent } from '../support/reports-world.ts';

const SCHOOLS = 20;
// Monday 2023-02-20: the 日报 is due 17:00 CST; the head is reminded 17:30, the 包乡镇人员 told Tue 09:00.
const MONDAY_6AM = cstInstant('2023-02-20', '06:00').toISOString();
const ROUNDS = [
  cstInstant('2023-02-20', '17:30'),
  cstInstant('2023-02-21', '09:00'),
  cstInstant('2023-02-21', '17:00'),
  cstInstant('2023-02-22', '09:00'),
];

/** One township with 20 schools (invented names, fake 138000… phones), its 包乡镇人员, area leader, chief, office. */
function township20(): { entities: DirectoryEntity[]; meta: { chiefId: string; officeIds: string[] } } {
  const person = (id: string, name: string, n: number, roles: string[], extra: Record<string, string> = {}) =>
    ({
      kind: 'person',
      value: { id, name, phone: `+86138000002${String(n).padStart(2, '0')}`, roles, active: true, ...extra },
    }) as DirectoryEntity;
  const schools = Array.from({ length: SCHOOLS }, (_, i) => i + 1);
  return {
    entities: [
      ...schools.map((i) => person(`head-${i}`, `测试校长${i}`, i, ['school-head'], { schoolId: `sch-${i}` })),
      person('contact-1', '测试联络乙', 60, ['township-contact']),
      person('leader-1', '测试片长丙', 61, ['area-leader']),
      person('chief-1', '测试总负责丁', 62, ['chief']),
      person('office-1', '测试办公室戊', 63, ['office']),
      { kind: 'area', value: { id: 'area-1', name: '测试片区', leaderId: 'leader-1', active: true } },
      {
        kind: 'township',
        value: { id: 'tw-1', name: '东昌镇', areaId: 'area-1', contactIds: ['contact-1'], active: true },
      },
      ...schools.map(
        (i) =>
          ({
            kind: 'school',
            value: {
              id: `sch-${i}`,
              name: `东昌镇第${i}中心小学`,
              townshipId: 'tw-1',
              headId: `head-${i}`,
              phone: '+867700000001',
              active: true,
            },
          }) as DirectoryEntity,
      ),
    ],
    meta: { chiefId: 'chief-1', officeIds: ['office-1'] },
  };
}

async function world(config = loadConfigFile()) {
  const { doc, tableName } = await freshTable('round');
  const directory = township20();
  await new DynamoDirectoryRepository(doc, tableName).save(directory.entities, directory.meta);
  const clock = fixedClock(MONDAY_6AM);
  const sms = fakeSms();
  const notUsed = () => Promise.reject(new Error('timers are not used here'));
  const deps: Deps = {
    doc,
    tableName,
    sms,
    timers: { createAt: notUsed, delete: notUsed, exists: notUsed, scheduledAt: notUsed, moveTo: notUsed },
    clock,
    newId: () => 'unused',
    log: memoryLog(),
    metrics: memoryMetrics(),
    config: { ...config, reports: { ...config.reports, cadences: ['daily'] } },
  };
  const notes = new DynamoNoteRepository(doc, tableName);
  /** Sends everything queued through the real dispatcher, as the stream would. */
  const dispatch = async () => {
    const event = await queuedEvent(doc, tableName);
    if (event.Records.length) await createOutboxDispatcherHandler(deps)(event);
  };
  const noteItems = async () =>
    (
      await doc.send(
        new ScanCommand({
          TableName: tableName,
          FilterExpression: 'entity = :n',
          ExpressionAttributeValues: { ':n': 'NOTE' },
          ConsistentRead: true,
        }),
      )
    ).Items ?? [];
  return { doc, tableName, clock, sms, deps, notes, dispatch, noteItems };
}

const phoneOf = (n: number) => `+86138000002${String(n).padStart(2, '0')}`;

describe('one SMS per official per round', () => {
  it('20 late schools in one township: the 包乡镇人员 gets 1 SMS per round, not 20, listing them all', async () => {
    const w = await world();
    await createOpenReportsHandler(w.deps)();
    const chase = createChaseReportsHandler(w.deps);
    const results = [];
    for (const at of ROUNDS) {
      w.clock.set(at.toISOString());
      results.push(await chase());
      results.push(await chase()); // the same sweep again (a retry, a second invocation): nothing new
      await w.dispatch();
    }

    expect(results.map((r) => [r.notes, r.messages])).toEqual([
      [20, 20], // 20 heads, one school each: their own reminder each
      [0, 0],
      [20, 1], // the township contact: ONE message for 20 notes
      [0, 0],
      [20, 1], // the area leader
      [0, 0],
      [40, 2], // the chief and the office
      [0, 0],
    ]);
    const toContact = w.sms.sent.filter((s) => s.phone === phoneOf(60));
    expect(toContact).toHaveLength(1);
    expect(toContact[0]!.text).toMatch(
      /^【荔浦教育】\[1级催报\]东昌镇等20所学校2月20日日报逾期未报：东昌镇第1中心小学、/,
    );
    expect(toContact[0]!.text.length).toBeLessThanOrEqual(134);
    const messages = await messageItems(w.doc, w.tableName);
    const contactMessage = messages.find((m) => m.recipient.personId === 'contact-1')!;
    expect(contactMessage.parts).toBeLessThanOrEqual(2);
    // The console's full list: every school, one line each.
    expect((contactMessage.covers as { id: string }[]).map((c) => c.id).sort()).toEqual(
      Array.from({ length: SCHOOLS }, (_, i) => `slot#sch-${i + 1}:daily:2023-02-20#L1#contact-1`).sort(),
    );
    for (const n of [60, 61, 62, 63]) expect(w.sms.sent.filter((s) => s.phone === phoneOf(n))).toHaveLength(1);
    // A head alone in the round gets exactly the single reminder, with its usual id.
    expect(messages.find((m) => m.recipient.personId === 'head-7')?.id).toBe('slot#sch-7:daily:2023-02-20#L0#head-7');
    expect(w.sms.sent).toHaveLength(SCHOOLS + 4);
    expect(new Set(w.sms.sent.map((s) => s.messageId)).size).toBe(w.sms.sent.length);
    // Every note merged exactly once, none left in the due index.
    const notes = await w.noteItems();
    expect(notes).toHaveLength(SCHOOLS * 4 + SCHOOLS);
    expect(notes.every((n) => typeof n.mergedInto === 'string' && n.gsi1pk === undefined)).toBe(true);
  }, 90_000);

  it('a crash between the ladder writes and the round loses nothing: the next sweep sends it, once', async () => {
    const w = await world();
    await createOpenReportsHandler(w.deps)();
    w.clock.set(ROUNDS[0]!.toISOString());
    await createChaseReportsHandler(w.deps)();
    w.clock.set(ROUNDS[1]!.toISOString());
    const crashing = {
      ...w.notes,
      dueNotes: w.notes.dueNotes.bind(w.notes),
      countToday: w.notes.countToday.bind(w.notes),
      hold: w.notes.hold.bind(w.notes),
      sendRound: () => Promise.reject(new Error('Lambda timed out')),
    };
    const deps = {
      slots: new DynamoSlotRepository(w.doc, w.tableName),
      directory: new DynamoDirectoryLookup(w.doc, w.tableName),
      clock: w.clock,
      log: w.deps.log,
      config: w.deps.config,
    };
    await expect(chaseReports({ ...deps, notes: crashing })).rejects.toThrow('Lambda timed out');
    expect((await messageItems(w.doc, w.tableName)).filter((m) => m.recipient.personId === 'contact-1')).toHaveLength(
      0,
    );

    w.clock.set(new Date(ROUNDS[1]!.getTime() + 15 * 60_000).toISOString());
    const next = await chaseReports({ ...deps, notes: w.notes });
    const again = await chaseReports({ ...deps, notes: w.notes });

    expect([next.notes, next.messages, again.messages]).toEqual([0, 1, 0]);
    const toContact = (await messageItems(w.doc, w.tableName)).filter((m) => m.recipient.personId === 'contact-1');
    expect(toContact).toHaveLength(1);
    expect(toContact[0]!.covers).toHaveLength(SCHOOLS);
  });
});

describe('the per-number daily cap', () => {
  /** A note for the 包乡镇人员, as a ladder level writes it. */
  const note = (i: number, at: Date): Note => ({
    id: `slot#sch-${i}:daily:2023-02-20#L1#contact-1`,
    recipient: { personId: 'contact-1', role: 'township-contact', phone: phoneOf(60), label: '测试联络乙' },
    single: { template: 'report.escalation', text: `【荔浦教育】[1级催报]东昌镇第${i}中心小学逾期未报`, parts: 1 },
    group: { key: 'report:daily:2023-02-20:L1', many: '[1级催报]东昌镇等{n}所学校2月20日日报逾期未报' },
    item: `东昌镇第${i}中心小学`,
    summary: `[1级催报]东昌镇第${i}中心小学2月20日日报逾期未报`,
    subject: { kind: 'slot', id: `sch-${i}:daily:2023-02-20` },
    schoolId: `sch-${i}`,
    townshipId: 'tw-1',
    createdAt: at.toISOString(),
    notBefore: at.toISOString(),
  });

  it('over the cap: held and merged into the next day’s first message, nothing dropped, nothing twice', async () => {
    const base = loadConfigFile();
    const w = await world({ ...base, sms: { ...base.sms, dailyCapPerNumber: 2 } });
    const roundDeps = { notes: w.notes, clock: w.clock, log: w.deps.log, config: w.deps.config };
    const written: string[] = [];
    const results = [];
    // Five rounds on Tuesday, two notes each; the cap is 2 a day.
    for (let r = 0; r < 5; r++) {
      const at = cstInstant('2023-02-21', `${String(9 + r).padStart(2, '0')}:00`);
      w.clock.set(at.toISOString());
      const notes = [note(2 * r + 1, at), note(2 * r + 2, at)];
      await transactWrite(
        w.doc,
        notes.map((n) => putNote(w.tableName, n)),
      );
      written.push(...notes.map((n) => n.id));
      results.push(await sendOfficialRound(roundDeps));
      await w.dispatch();
    }
    expect(results.map((r) => [r.messages, r.held])).toEqual([
      [1, 0],
      [1, 0],
      [0, 2], // the cap is reached: both held
      [0, 2], // held ones are not due again today: each round holds only its own
      [0, 2],
    ]);
    // Held notes wait for Wednesday 08:00; a round before then sends nothing.
    w.clock.set(cstInstant('2023-02-22', '07:45').toISOString());
    expect((await sendOfficialRound(roundDeps)).messages).toBe(0);
    w.clock.set(cstInstant('2023-02-22', '08:00').toISOString());
    const wednesday = await sendOfficialRound(roundDeps);
    const wednesdayAgain = await sendOfficialRound(roundDeps);
    await w.dispatch();

    expect([wednesday.messages, wednesday.notes, wednesdayAgain.messages]).toEqual([1, 6, 0]);
    const sent = w.sms.sent.filter((s) => s.phone === phoneOf(60));
    expect(sent).toHaveLength(3); // 2 on Tuesday (the cap), 1 on Wednesday covering the 6 held
    expect(sent.at(-1)!.text).toContain('东昌镇等6所学校');
    const covered = (await messageItems(w.doc, w.tableName)).flatMap(
      (m) => (m.covers as { id: string }[] | undefined)?.map((c) => c.id) ?? [m.id],
    );
    expect(covered.sort()).toEqual([...written].sort());
  });
});
