import { describe, expect, it } from 'vitest';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { periodOf } from '../../shared/domain/periods.ts';
import { newSlot, parseSlotId, parseSubmission, submitSlot, wasOnTime } from '../../shared/domain/report-slot.ts';
import { firstDayOfPeriod } from '../../shared/use-cases/submit-report.ts';

const slot = () =>
  newSlot({
    schoolId: 'sch-1',
    townshipId: 'tw-1',
    cadence: 'weekly',
    periodKey: '2023-W08',
    dueDate: '2023-02-24',
    deadline: new Date('2023-02-24T09:00:00.000Z'),
    firstDueAt: new Date('2023-02-24T09:30:00.000Z'),
    now: new Date('2023-02-24T00:00:00.000Z'),
  });
const figures = (returned: number) => ({
  counts: { enrolled: 100, returned, notReturned: 100 - returned, droppedOut: 0 },
  notBack: Array.from({ length: 100 - returned }, (_, i) => ({ studentName: `测试学生${i}`, status: 'not-returned' })),
  submittedBy: 'head-1',
});

describe('report slot', () => {
  it('closes on submission, leaves the due index and keeps earlier figures in history', () => {
    const first = submitSlot(slot(), parseSubmission(figures(99)), new Date('2023-02-24T08:00:00.000Z'));
    const second = submitSlot(first, parseSubmission(figures(100)), new Date('2023-02-25T08:00:00.000Z'));

    expect(second).toMatchObject({
      state: 'SUBMITTED',
      nextDueAt: undefined,
      firstSubmittedAt: '2023-02-24T08:00:00.000Z',
    });
    expect(second.history.map((h) => h.counts.returned)).toEqual([99]);
    expect(second.submission?.counts.returned).toBe(100);
    expect(wasOnTime(second)).toBe(true);
  });

  it('names the field when counts do not add up', () => {
    const bad = { ...figures(99), counts: { enrolled: 10, returned: 99, notReturned: 1, droppedOut: 0 } };

    expect(() => parseSubmission(bad)).toThrow(ValidationError);
    expect(() => parseSubmission(bad)).toThrow(/submission\.counts\.returned/);
  });

  it('round-trips its id', () => {
    expect(parseSlotId(slot().id)).toEqual({ schoolId: 'sch-1', cadence: 'weekly', periodKey: '2023-W08' });
    expect(() => parseSlotId('nonsense')).toThrow(ValidationError);
  });
});

describe('firstDayOfPeriod', () => {
  const calendar = new SchoolCalendar({ terms: [{ name: 't', start: '2020-01-01', end: '2025-12-31' }] });

  it.each([
    ['weekly', '2023-W08', '2023-02-20'],
    ['weekly', '2021-W01', '2021-01-04'],
    ['weekly', '2020-W53', '2020-12-28'],
    ['monthly', '2023-02', '2023-02-01'],
    ['daily', '2023-02-20', '2023-02-20'],
  ] as const)('%s %s starts %s and maps back to the same key', (cadence, key, first) => {
    const day = firstDayOfPeriod(cadence, key);

    expect(day).toBe(first);
    expect(periodOf(cadence, day, calendar).key).toBe(key);
  });

  it('refuses a key of the wrong shape', () => {
    expect(() => firstDayOfPeriod('weekly', '2023-02')).toThrow(ValidationError);
  });
});
