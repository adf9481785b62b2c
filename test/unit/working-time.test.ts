import { describe, expect, it, vi } from 'vitest';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import { ladderSchema, levelDueAt } from '../../shared/domain/ladder.ts';
import { cstInstant, cstLocalDateTime } from '../../shared/domain/time.ts';
import { addWorkingTime, ladderTimeOf } from '../../shared/domain/working-time.ts';

const hours = { start: '08:00', end: '18:00' };
const H = 3_600_000;
const calendar = new SchoolCalendar(loadConfigFile().calendar, () => {});
const time = ladderTimeOf(calendar, hours, () => {});
const at = (date: string, hhmm: string) => cstInstant(date, hhmm);
const cst = (d: Date) => cstLocalDateTime(d).slice(0, 16);

describe('addWorkingTime', () => {
  it('counts only office hours on working days', () => {
    expect(cst(addWorkingTime(at('2023-02-24', '17:00'), 2 * H, time.isWorkingDay, hours))).toBe('2023-02-27T09:00');
    expect(cst(addWorkingTime(at('2023-02-21', '17:00'), 10 * H, time.isWorkingDay, hours))).toBe('2023-02-22T17:00');
    expect(cst(addWorkingTime(at('2023-02-21', '17:00'), 1 * H, time.isWorkingDay, hours))).toBe('2023-02-21T18:00');
  });

  it('starts at the next opening when started outside office hours', () => {
    expect(cst(addWorkingTime(at('2023-02-21', '06:00'), 30 * 60_000, time.isWorkingDay, hours))).toBe(
      '2023-02-21T08:30',
    );
    expect(cst(addWorkingTime(at('2023-02-25', '12:00'), 0, time.isWorkingDay, hours))).toBe('2023-02-27T08:00');
  });

  it('skips the whole 2023 Spring Festival holiday and works on its 调休 Saturday and Sunday', () => {
    // Friday 2023-01-20 17:00 + 2h: 01-21…27 off, Saturday 01-28 is a make-up working day.
    expect(cst(addWorkingTime(at('2023-01-20', '17:00'), 2 * H, time.isWorkingDay, hours))).toBe('2023-01-28T09:00');
  });

  it('counts Mon–Fri with a warning (once) where the calendar has no data, so an escalation is never held back', () => {
    const warn = vi.fn();
    const blind = ladderTimeOf(calendar, hours, warn);
    expect(cst(addWorkingTime(at('2026-12-31', '17:00'), 2 * H, blind.isWorkingDay, hours))).toBe('2027-01-01T09:00');
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toMatch(/2027-01-01 cannot be decided .*CALENDAR_NOT_COVERED/);
  });
});

describe('ladder levels by basis', () => {
  const ladder = ladderSchema.parse([
    { after: '30m', basis: 'school', recipients: ['school-head'] },
    { after: '2h', basis: 'working', recipients: ['township-contact'] },
    { after: '16h', recipients: ['area-leader'] }, // basis defaults to wall clock
  ]);
  const friday = at('2023-02-24', '17:00').toISOString();

  it('school, working and wall-clock levels from a Friday deadline', () => {
    expect(cst(levelDueAt(friday, ladder, 0, time))).toBe('2023-02-24T17:30');
    expect(cst(levelDueAt(friday, ladder, 1, time))).toBe('2023-02-27T09:00');
    expect(cst(levelDueAt(friday, ladder, 2, time))).toBe('2023-02-25T09:00');
  });

  it('a working-time level without the calendar fails loudly instead of counting wall time', () => {
    expect(() => levelDueAt(friday, ladder, 1)).toThrow(/needs the calendar and office hours/);
  });

  it('school basis: during the winter break a head is not chased until school days resume', () => {
    // Last 日报 of the 2022-23 autumn term is not in the config; use a made-up late slot on 2023-02-03 (Friday
    // before the spring term starts 02-06): its level 0 waits for Monday's office hours.
    const before = at('2023-02-03', '17:50').toISOString();
    expect(cst(levelDueAt(before, ladder, 0, time))).toBe('2023-02-06T08:30');
  });
});
