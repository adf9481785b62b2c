import { DeleteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import {
  DynamoFollowUpRepository,
  dynamoReportFacts,
  statisticsSource,
} from '../../shared/adapters/dynamo/followup-repository.ts';
import { DynamoNoteRepository } from '../../shared/adapters/dynamo/note-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import type { DirectoryEntity, Log } from '../../shared/domain/ports.ts';
import { newSlot } from '../../shared/domain/report-slot.ts';
import { cstInstant, fixedClock } from '../../shared/domain/time.ts';
import { createFollowUpPlanUseCase, createSchoolCampaignUseCase } from '../../shared/use-cases/create-followup-plan.ts';
import { onReabsenceUseCase } from '../../shared/use-cases/followup-reabsence.ts';
import { recordFollowUpVisitUseCase } from '../../shared/use-cases/record-followup-visit.ts';
import { sendMonthlyReportsUseCase, sendWeeklyDigestsUseCase } from '../../shared/use-cases/send-digests.ts';
import { sweepFollowUpUseCase } from '../../shared/use-cases/sweep-followup.ts';
import { freshTable } from '../support/dynamo.ts';
import { directory } from '../unit/followup-factories.ts';
import { seed } from '../unit/statistics-seed.ts';

const silent: Log = { info: () => {}, warn: () => {}, error: () => {} };

async function setup(startIso: string) {
  const { doc, tableName } = await freshTable('fu');
  const dir = directory();
  const directoryRepo = new DynamoDirectoryRepository(doc, tableName);
  const entities: DirectoryEntity[] = [
    ...dir.people.map((value) => ({ kind: 'person' as const, value })),
    ...dir.areas.map((value) => ({ kind: 'area' as const, value })),
    ...dir.townships.map((value) => ({ kind: 'township' as const, value })),
    ...dir.schools.map((value) => ({ kind: 'school' as const, value })),
  ];
  await directoryRepo.save(entities, dir.meta);
  const clock = fixedClock(startIso);
  const repo = new DynamoFollowUpRepository(doc, tableName);
  let n = 0;
  const deps = {
    repo,
    directory: directoryRepo,
    clock,
    newId: () => `id${String(++n).padStart(6, '0')}`,
    log: silent,
    config: loadConfigFile(),
  };
  const queued = async () => {
    const page = await doc.send(
      new QueryCommand({
        TableName: tableName,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        ExpressionAttributeValues: { ':pk': 'DUE#MSG' },
      }),
    );
    return (page.Items ?? []).map((i) => ({
      id: String(i.id),
      to: String(i.recipient.personId),
      text: String(i.text),
    }));
  };
  return { deps, clock, repo, queued, doc, tableName };
}

const returnInput = {
  caseId: 'case-1',
  studentName: '测小明',
  schoolId: 'ml-school',
  townshipId: 'maling',
  returnedOn: '2023-04-24',
  responsibleIds: ['teacher-1'],
  mentorId: 'mentor-1',
};

describe('follow-up on DynamoDB Local', () => {
  it('with the round: one SMS per official per sweep, two pupils of one teacher merged, nothing twice', async () => {
    const { deps: plain, clock, queued, doc, tableName } = await setup(cstInstant('2023-04-24', '10:00').toISOString());
    const deps = { ...plain, notes: new DynamoNoteRepository(doc, tableName) };
    await createFollowUpPlanUseCase(deps, returnInput);
    await createFollowUpPlanUseCase(deps, { ...returnInput, caseId: 'case-2', studentName: '测小红' });

    clock.set(cstInstant('2023-04-28', '08:05').toISOString());
    const r1 = await sweepFollowUpUseCase(deps);
    const r2 = await sweepFollowUpUseCase(deps);
    clock.set(cstInstant('2023-05-08', '09:05').toISOString());
    const [a, b] = await Promise.all([sweepFollowUpUseCase(deps), sweepFollowUpUseCase(deps)]);
    const again = await sweepFollowUpUseCase(deps);

    expect([r1.messages, r2.messages]).toEqual([1, 0]); // teacher-1: both pupils' reminders in one SMS
    // 05-08 09:05: per pupil, visit 1's escalations (head, 2 contacts) and visit 2's reminder (teacher): 4 officials.
    expect([a.messages + b.messages, again.messages]).toEqual([4, 0]);
    const messages = await queued();
    expect(messages.map((m) => m.to).sort()).toEqual([
      'contact-ml-1',
      'contact-ml-2',
      'head-ml',
      'teacher-1',
      'teacher-1',
    ]);
    expect(messages.every((m) => m.id.startsWith('round#'))).toBe(true);
    expect(messages.find((m) => m.to === 'teacher-1')?.text).toContain('2名学生保学家访即将到期');
    for (const name of ['测小明', '测小红']) expect(messages.every((m) => !m.text.includes(name))).toBe(true);
  });

  it('creates a plan once per return, even when record-return retries', async () => {
    const { deps, repo } = await setup(cstInstant('2023-04-24', '10:00').toISOString());

    const first = await createFollowUpPlanUseCase(deps, returnInput);
    const retry = await createFollowUpPlanUseCase(deps, returnInput);

    expect(first.created).toBe(true);
    expect(retry.created).toBe(false);
    expect(retry.plan.id).toBe(first.plan.id);
    expect((await repo.getPlan(first.plan.id))?.visits).toHaveLength(4);
    expect((await repo.plansOfCase('case-1')).map((p) => p.id)).toEqual([first.plan.id]);
  });

  it('the sweep is idempotent: running twice, or two at once, sends nothing twice', async () => {
    const { deps, clock, queued } = await setup(cstInstant('2023-04-24', '10:00').toISOString());
    await createFollowUpPlanUseCase(deps, returnInput);

    clock.set(cstInstant('2023-04-28', '08:05').toISOString());
    const r1 = await sweepFollowUpUseCase(deps);
    const r2 = await sweepFollowUpUseCase(deps);
    clock.set(cstInstant('2023-05-08', '09:05').toISOString());
    const [a, b] = await Promise.all([sweepFollowUpUseCase(deps), sweepFollowUpUseCase(deps)]);
    const again = await sweepFollowUpUseCase(deps);

    expect(r1.messages).toBe(1);
    expect(r2.messages).toBe(0);
    // 05-08 09:05: visit 1's two escalation levels (head, 2 contacts) and visit 2's reminder was 05-05 08:00.
    expect(a.messages + b.messages).toBe(4);
    expect(again.messages).toBe(0);
    const messages = await queued();
    expect(messages).toHaveLength(5);
    expect(new Set(messages.map((m) => m.id)).size).toBe(5);
    expect(messages.map((m) => m.to).sort()).toEqual([
      'contact-ml-1',
      'contact-ml-2',
      'head-ml',
      'teacher-1',
      'teacher-1',
    ]);
    expect(messages.every((m) => !m.text.includes('测小明'))).toBe(true);
  });

  it('a recorded visit leaves the due index; the last one completes the plan', async () => {
    const { deps, clock, repo } = await setup(cstInstant('2023-04-24', '10:00').toISOString());
    const { plan, visits } = await createFollowUpPlanUseCase(deps, returnInput);

    for (const v of visits) {
      clock.set(cstInstant(v.dueDate, '17:00').toISOString());
      await recordFollowUpVisitUseCase(deps, { planId: plan.id, no: v.no, doneOn: v.dueDate, byId: 'teacher-1' });
    }
    clock.set(cstInstant('2023-06-01', '09:05').toISOString());
    const sweep = await sweepFollowUpUseCase(deps);

    expect(sweep).toMatchObject({ visits: 0, messages: 0 });
    expect((await repo.getPlan(plan.id))?.plan.status).toBe('completed');
  });

  it('a new absence within the window closes the plan as reopened and cancels its visits', async () => {
    const { deps, clock, repo } = await setup(cstInstant('2023-04-24', '10:00').toISOString());
    const { plan } = await createFollowUpPlanUseCase(deps, returnInput);
    clock.set(cstInstant('2023-05-10', '09:00').toISOString());

    const decision = await onReabsenceUseCase(deps, { caseId: 'case-1', absentOn: '2023-05-10' });

    expect(decision).toMatchObject({ reopen: true, caseId: 'case-1', history: { planId: plan.id, visitsDone: 0 } });
    const stored = await repo.getPlan(plan.id);
    expect(stored?.plan.status).toBe('reopened');
    expect(stored?.visits.map((v) => v.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    expect(await repo.dueVisits(cstInstant('2023-12-31'), 100)).toEqual([]);
  });

  it('campaign: teachers reminded, a late school escalated once, completion per school', async () => {
    const { deps, clock, repo, queued } = await setup(cstInstant('2023-06-20', '10:00').toISOString());
    await createSchoolCampaignUseCase(deps, {
      windowId: '2023-summer-before',
      schoolId: 'ml-school',
      households: [
        { ref: 'h1', studentName: '测小明', teacherId: 'teacher-1' },
        { ref: 'h2', studentName: '样小红', teacherId: 'teacher-2' },
      ],
    });

    clock.set(cstInstant('2023-07-06', '09:05').toISOString());
    await sweepFollowUpUseCase(deps);
    clock.set(cstInstant('2023-07-08', '09:05').toISOString());
    await sweepFollowUpUseCase(deps);
    expect((await queued()).map((m) => m.to)).not.toContain('head-ml'); // Saturday: officials are not chased
    clock.set(cstInstant('2023-07-10', '09:05').toISOString());
    await sweepFollowUpUseCase(deps);
    await sweepFollowUpUseCase(deps);

    const sent = await queued();
    // Reminders 7 days and 1 day before 07-07 went to both teachers (the sweep ran first on 07-06: both fire, in
    // order), then level 1 to the head on Monday 07-10 09:00 (working time after Friday's 20:00 deadline); the
    // second run sends nothing.
    expect(sent.map((m) => m.to).sort()).toEqual(['head-ml', 'teacher-1', 'teacher-1', 'teacher-2', 'teacher-2']);
    const schools = await repo.campaignSchools('2023-summer-before');
    expect(schools.map((s) => [s.schoolId, s.escalated])).toEqual([['ml-school', true]]);
  });

  it('digests: weekly and monthly run once per period on the stored data', async () => {
    const { deps, repo, queued } = await setup(cstInstant('2023-05-01', '08:00').toISOString());
    const data = seed();
    const digestDeps = {
      ...deps,
      facts: statisticsSource(repo, {
        reports: async (ids: string[]) => data.reports.filter((r) => ids.includes(r.schoolId)),
        cases: async (ids: string[]) => data.cases.filter((c) => ids.includes(c.schoolId)),
      }),
    };

    const weekly = await sendWeeklyDigestsUseCase(digestDeps);
    const weeklyAgain = await sendWeeklyDigestsUseCase(digestDeps);
    const monthly = await sendMonthlyReportsUseCase(digestDeps);
    const monthlyAgain = await sendMonthlyReportsUseCase(digestDeps);

    expect(weekly).toEqual({ enqueued: 4, skipped: 0 });
    expect(weeklyAgain).toEqual({ enqueued: 0, skipped: 4 });
    expect(monthly).toMatchObject({
      stored: 2,
      skipped: 0,
      unresolved: ['township shuangjiang has no active government contact'],
    });
    expect(monthlyAgain).toMatchObject({ stored: 0, skipped: 2 });
    const texts = (await queued()).map((m) => m.text);
    expect(texts).toHaveLength(5);
    expect(texts.every((t) => Object.values(data.names).every((n) => !t.includes(n)))).toBe(true);
  });

  it('digests: a rerun after a crash mid-run enqueues only the messages the crashed run did not', async () => {
    const { deps, repo, queued } = await setup(cstInstant('2023-05-01', '08:00').toISOString());
    const data = seed();
    const facts = statisticsSource(repo, {
      reports: async (ids: string[]) => data.reports.filter((r) => ids.includes(r.schoolId)),
      cases: async (ids: string[]) => data.cases.filter((c) => ids.includes(c.schoolId)),
    });
    // The function dies after its second message: the third enqueue never returns.
    let calls = 0;
    const crashing = Object.create(repo) as DynamoFollowUpRepository;
    crashing.enqueueDigest = (period, message) => {
      if (++calls > 2) return Promise.reject(new Error('Task timed out'));
      return repo.enqueueDigest(period, message);
    };

    const crashed = sendWeeklyDigestsUseCase({ ...deps, repo: crashing, facts });
    await expect(crashed).rejects.toThrow('Task timed out');
    const afterCrash = (await queued()).map((m) => m.id);
    const rerun = await sendWeeklyDigestsUseCase({ ...deps, facts });
    const again = await sendWeeklyDigestsUseCase({ ...deps, facts });

    expect(afterCrash).toHaveLength(2);
    expect(rerun).toEqual({ enqueued: 2, skipped: 2 });
    expect(again).toEqual({ enqueued: 0, skipped: 4 });
    const ids = (await queued()).map((m) => m.id);
    expect(ids).toHaveLength(4);
    expect(new Set(ids).size).toBe(4);
    expect(ids).toEqual(expect.arrayContaining(afterCrash));
    expect((await repo.enqueuedDigestIds('WEEK#2023-04-24')).sort()).toEqual([...ids].sort());
  });

  it('digests: a message enqueued without its mark (before the marks) is skipped and marked, never sent twice', async () => {
    const { deps, repo, queued, doc, tableName } = await setup(cstInstant('2023-05-01', '08:00').toISOString());
    const data = seed();
    const facts = statisticsSource(repo, {
      reports: async (ids: string[]) => data.reports.filter((r) => ids.includes(r.schoolId)),
      cases: async (ids: string[]) => data.cases.filter((c) => ids.includes(c.schoolId)),
    });
    await sendWeeklyDigestsUseCase({ ...deps, facts });
    const first = (await queued())[0]?.id ?? '';
    // As if an older run had enqueued this message without a mark: delete its mark.
    await doc.send(
      new DeleteCommand({ TableName: tableName, Key: { pk: 'DIGESTMARK#WEEK#2023-04-24', sk: `MSG#${first}` } }),
    );

    const rerun = await sendWeeklyDigestsUseCase({ ...deps, facts });
    const again = await sendWeeklyDigestsUseCase({ ...deps, facts });

    expect(rerun).toEqual({ enqueued: 0, skipped: 4 });
    expect(await queued()).toHaveLength(4);
    expect(await repo.enqueuedDigestIds('WEEK#2023-04-24')).toContain(first);
    expect(again).toEqual({ enqueued: 0, skipped: 4 });
  });

  it('without a case reader the digests refuse rather than report zeros', async () => {
    const { deps, repo } = await setup(cstInstant('2023-05-01', '08:00').toISOString());

    const run = sendWeeklyDigestsUseCase({ ...deps, facts: statisticsSource(repo, {}) });

    await expect(run).rejects.toThrow(/refusing to report zeros/);
  });

  it('reads report facts from the report-chasing slots over a range (deadline in range, first submission)', async () => {
    const { doc, tableName } = await freshTable('fu');
    const slots = new DynamoSlotRepository(doc, tableName);
    const slot = (cadence: 'daily' | 'weekly' | 'monthly', periodKey: string, dueDate: string) =>
      newSlot({
        schoolId: 'ml-school',
        townshipId: 'maling',
        cadence,
        periodKey,
        dueDate,
        deadline: cstInstant(dueDate, '17:00'),
        firstDueAt: cstInstant(dueDate, '17:00'),
        now: cstInstant(dueDate, '06:00'),
      });
    await slots.createIfAbsent(slot('daily', '2023-03-31', '2023-03-31'));
    await slots.createIfAbsent(slot('daily', '2023-04-03', '2023-04-03'));
    await slots.createIfAbsent(slot('weekly', '2023-W14', '2023-04-07'));
    await slots.createIfAbsent(slot('monthly', '2023-04', '2023-04-28'));
    const filed = await slots.get('ml-school:weekly:2023-W14');
    await slots.save({
      ...filed!,
      state: 'SUBMITTED',
      firstSubmittedAt: cstInstant('2023-04-07', '10:00').toISOString(),
    });

    const facts = await dynamoReportFacts(doc, tableName)(['ml-school'], { from: '2023-04-01', to: '2023-04-30' });

    expect(facts.map((f) => [f.cadence, f.periodKey, Boolean(f.filedAt)])).toEqual([
      ['daily', '2023-04-03', false],
      ['weekly', '2023-W14', true],
      ['monthly', '2023-04', false],
    ]);
  });
});
