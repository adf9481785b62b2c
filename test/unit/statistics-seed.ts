import type { CaseFact, ReportFact, VisitFact } from '../../shared/domain/statistics.ts';
import { cstInstant } from '../../shared/domain/time.ts';

const iso = (date: string, time = '00:00') => cstInstant(date, time).toISOString();

const report = (schoolId: string, townshipId: string, due: string, filed?: string): ReportFact => ({
  schoolId,
  townshipId,
  cadence: 'weekly',
  periodKey: due,
  dueAt: iso(due, '18:00'),
  filedAt: filed ? iso(filed.slice(0, 10), filed.slice(11) || '12:00') : undefined,
});

/**
 * A seeded data set with known answers (April 2023, as of 2023-05-02). Children's names are kept apart, with
 * invented names, so tests can check that no output carries them. See statistics.test.ts for the answers.
 */
export function seed(): {
  reports: ReportFact[];
  cases: CaseFact[];
  visits: VisitFact[];
  names: Record<string, string>;
} {
  const ml = (id: string) => ({ schoolId: id, townshipId: 'maling' });
  const sj = { schoolId: 'sj-school', townshipId: 'shuangjiang' };
  return {
    reports: [
      report('ml-school', 'maling', '2023-03-31', '2023-03-31T10:00'), // before the range
      report('ml-school', 'maling', '2023-04-07', '2023-04-07T10:00'), // on time
      report('ml-school', 'maling', '2023-04-14', '2023-04-14T17:59'), // on time
      report('ml-school', 'maling', '2023-04-21', '2023-04-22T09:00'), // late
      report('ml-school', 'maling', '2023-04-28'), // never filed
      report('ml-second', 'maling', '2023-04-10', '2023-04-11T08:00'), // late
      report('sj-school', 'shuangjiang', '2023-04-14', '2023-04-14T08:00'),
      report('sj-school', 'shuangjiang', '2023-04-28', '2023-04-28T08:00'),
      report('sj-school', 'shuangjiang', '2023-05-05'), // due after asOf
    ],
    cases: [
      {
        caseId: 'c1',
        ...ml('ml-school'),
        openedAt: iso('2023-03-20', '09:00'),
        returnedAt: iso('2023-04-03', '08:00'),
      },
      {
        caseId: 'c2',
        ...ml('ml-school'),
        openedAt: iso('2023-04-03', '09:00'),
        returnedAt: iso('2023-04-13', '16:00'),
      },
      {
        caseId: 'c3',
        ...ml('ml-school'),
        openedAt: iso('2023-04-10', '09:00'),
        noticeLapsedAt: iso('2023-04-24', '09:00'),
        // The township ordered the return on 04-26 (限期返校); the deadline is still ahead at the end of April.
        townshipOrder: { orderedOn: '2023-04-26', outcome: 'open' },
      },
      { caseId: 'c4', ...sj, openedAt: iso('2023-04-05', '10:00'), returnedAt: iso('2023-04-25', '10:00') },
      { caseId: 'c5', ...sj, openedAt: iso('2023-02-10', '10:00'), closedAt: iso('2023-04-15', '10:00') },
      { caseId: 'c6', ...ml('ml-second'), openedAt: iso('2023-04-28', '11:00') },
      { caseId: 'c7', ...ml('ml-school'), openedAt: iso('2023-05-01', '11:00') },
    ],
    visits: [
      { ...ml('ml-school'), kind: 'followup', dueAt: iso('2023-04-06', '20:00'), doneAt: iso('2023-04-06', '15:00') },
      { ...ml('ml-school'), kind: 'followup', dueAt: iso('2023-04-12', '20:00'), doneAt: iso('2023-04-14', '15:00') },
      { ...ml('ml-school'), kind: 'followup', dueAt: iso('2023-04-19', '20:00') },
      { ...ml('ml-school'), kind: 'followup', dueAt: iso('2023-04-26', '20:00'), cancelled: true },
      { ...ml('ml-school'), kind: 'followup', dueAt: iso('2023-05-04', '20:00') },
      { ...sj, kind: 'send-teaching', dueAt: iso('2023-04-20', '20:00'), doneAt: iso('2023-04-20', '10:00') },
    ],
    names: { c1: '测小明', c2: '样小红', c3: '虚小刚', c4: '拟小芳', c5: '例小军', c6: '测大伟', c7: '样大林' },
  };
}
