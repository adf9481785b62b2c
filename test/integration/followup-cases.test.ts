import { describe, expect, it } from 'vitest';
import { caseDepsOf } from '../../functions/case-reactor/case-deps.ts';
import { createDigestsHandler } from '../../functions/digests/index.ts';
import { createFollowupSweepHandler } from '../../functions/followup-sweep/index.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoFollowUpRepository, dynamoCaseFacts } from '../../shared/adapters/dynamo/followup-repository.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { createFollowUpPlanUseCase } from '../../shared/use-cases/create-followup-plan.ts';
import { followUpOnReturned } from '../../shared/use-cases/followup-on-return.ts';
import { onReabsenceUseCase } from '../../shared/use-cases/followup-reabsence.ts';
import { openCaseUseCase } from '../../shared/use-cases/open-case.ts';
import { recordReturnUseCase } from '../../shared/use-cases/record-return.ts';
import { caseTestbed, openCaseInput } from '../support/case-fixtures.ts';

describe('follow-up wired to the cases feature on DynamoDB Local', () => {
  it('record-return with the hook creates the 保学 plan; the case facts show the return', async () => {
    const b = await caseTestbed(cstInstant('2023-04-17', '10:00').toISOString());
    const cases = caseDepsOf(b.deps);
    const repo = new DynamoFollowUpRepository(b.deps.doc, b.deps.tableName);
    const followUp = {
      repo,
      directory: new DynamoDirectoryRepository(b.deps.doc, b.deps.tableName),
      clock: b.deps.clock,
      newId: b.deps.newId,
      log: b.deps.log,
      config: b.deps.config,
    };
    const c = await openCaseUseCase(cases, openCaseInput());
    b.clock.set(cstInstant('2023-04-24', '10:00').toISOString());

    await recordReturnUseCase({ ...cases, onReturned: followUpOnReturned(followUp) }, c.id, {
      by: { name: '示例老师' },
      returnedOn: '2023-04-24',
    });

    const [plan] = await repo.plansOfCase(c.id);
    expect(plan).toMatchObject({
      kind: 'followup',
      startsOn: '2023-04-24',
      responsibleIds: ['p-head'],
      mentorId: 'p-head',
    });
    const visits = (await repo.getPlan(plan!.id))!.visits;
    expect(visits.map((v) => v.dueDate)).toEqual(['2023-05-04', '2023-05-08', '2023-05-15', '2023-05-22']);
    const facts = await dynamoCaseFacts(b.deps.doc, b.deps.tableName)(['school-demo'], {
      from: '2023-04-01',
      to: '2023-04-30',
    });
    expect(facts).toEqual([
      expect.objectContaining({ caseId: c.id, townshipId: 'town-demo', returnedAt: expect.any(String) }),
    ]);
    b.clock.set(cstInstant('2023-05-09', '10:00').toISOString());
    expect(await onReabsenceUseCase(followUp, { caseId: c.id, absentOn: '2023-05-09' })).toMatchObject({
      reopen: true,
      caseId: c.id,
    });
  });
});

describe('the scheduled functions on DynamoDB Local', () => {
  it('followup-sweep and digests handlers run on the function deps', async () => {
    const b = await caseTestbed(cstInstant('2023-04-24', '10:00').toISOString());
    const followUp = {
      repo: new DynamoFollowUpRepository(b.deps.doc, b.deps.tableName),
      directory: new DynamoDirectoryRepository(b.deps.doc, b.deps.tableName),
      clock: b.deps.clock,
      newId: b.deps.newId,
      log: b.deps.log,
      config: b.deps.config,
    };
    await createFollowUpPlanUseCase(followUp, {
      caseId: 'case-x',
      studentName: '测试小明',
      schoolId: 'school-demo',
      townshipId: 'town-demo',
      returnedOn: '2023-04-24',
      responsibleIds: ['p-head'],
      mentorId: 'p-head',
    });
    b.clock.set(cstInstant('2023-04-28', '08:05').toISOString());

    const sweep = await createFollowupSweepHandler(b.deps)();
    // The factory alone, as both faces call it: no reader is handed in from outside.
    const digests = await createDigestsHandler(b.deps)();

    expect(sweep).toMatchObject({ visits: 1, messages: 1, conflicts: 0 });
    expect(digests.weekly.enqueued).toBeGreaterThan(0);
    expect(digests.monthly.stored).toBe(1);
    // The next daily run finds the month's report stored: nothing is sent twice.
    const again = await createDigestsHandler(b.deps)();
    expect(again.monthly).toEqual({ stored: 0, skipped: 1 });
    expect(again.weekly.enqueued).toBe(0);
  });
});
