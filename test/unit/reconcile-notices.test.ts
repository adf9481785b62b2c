import { describe, expect, it } from 'vitest';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import type { CaseRepository } from '../../shared/domain/case-ports.ts';
import type { Notice } from '../../shared/domain/notice.ts';
import type { TimerScheduler } from '../../shared/domain/ports.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { reconcileNoticesUseCase } from '../../shared/use-cases/reconcile-notices.ts';
import { FakeTimerScheduler } from '../support/fake-timer-scheduler.ts';

const pending = (id: string): Notice => ({
  id,
  caseId: `case-${id}`,
  schoolId: 'school-demo',
  townshipId: 'town-demo',
  issuedAt: '2023-02-20T02:00:00.000Z',
  deadline: '2023-02-27T02:00:00.000Z',
  status: 'pending',
  issuedBy: { name: '示例校长' },
  timerName: `notice-${id}`,
  reminderMessageIds: [],
  version: 1,
});

/** Only the due-index read is expected: every deadline in these tests is ahead. */
const repoWith = (notices: Notice[]): CaseRepository => ({
  listOpenNotices: async () => notices,
  getCase: () => Promise.reject(new Error('unexpected')),
  getNotice: () => Promise.reject(new Error('unexpected')),
  listEvents: () => Promise.reject(new Error('unexpected')),
  listBySchool: () => Promise.reject(new Error('unexpected')),
  pageBySchool: () => Promise.reject(new Error('unexpected')),
  pendingNotices: () => Promise.reject(new Error('unexpected')),
  queuedMessageIds: () => Promise.reject(new Error('unexpected')),
  listDueEscalations: () => Promise.reject(new Error('unexpected')),
  commit: () => Promise.reject(new Error('unexpected')),
  appendEvent: () => Promise.reject(new Error('unexpected')),
  pupilKeyHolder: () => Promise.reject(new Error('unexpected')),
});

describe('reconcileNotices', () => {
  it('keeps going when one notice fails and reports it', async () => {
    const fake = new FakeTimerScheduler();
    const timers: TimerScheduler = {
      createAt: (i) => fake.createAt(i),
      delete: (n) => fake.delete(n),
      exists: (n) => fake.exists(n),
      scheduledAt: (n) => (n === 'notice-b' ? Promise.reject(new Error('ThrottlingException')) : fake.scheduledAt(n)),
      moveTo: (i) => fake.moveTo(i),
    };
    const log = memoryLog();

    const report = await reconcileNoticesUseCase({
      repo: repoWith([pending('a'), pending('b'), pending('c')]),
      directory: { load: () => Promise.reject(new Error('unexpected')), save: () => Promise.reject(new Error('no')) },
      timers,
      clock: fixedClock('2023-02-22T00:00:00.000Z'),
      newId: () => 'x',
      log,
      config: loadConfigFile(),
    });

    expect(report).toEqual({
      open: 3,
      processedLate: 0,
      timersRecreated: 2,
      timersMoved: 0,
      receiptReminders: 0,
      failed: [{ noticeId: 'b', error: 'ThrottlingException' }],
    });
    expect([...fake.timers.keys()].sort()).toEqual(['notice-a', 'notice-c']);
    expect(log.lines.some((l) => l.level === 'error' && l.message.includes('reconcile'))).toBe(true);
  });
});
