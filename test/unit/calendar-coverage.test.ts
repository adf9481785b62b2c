import { describe, expect, it } from 'vitest';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import { reportsConfigSchema } from '../../shared/domain/ladder.ts';
import type { Log } from '../../shared/domain/ports.ts';
import type { ReportSlot } from '../../shared/domain/report-slot.ts';
import { cstInstant, fixedClock } from '../../shared/domain/time.ts';
import { CadencesRefusedError, openReports } from '../../shared/use-cases/open-reports.ts';

// chinese-days 1.5.7 covers up to 2026; the bureau's autumn term 2026 runs into January 2027.
const autumn2026 = [{ name: '2026-2027学年第一学期', start: '2026-09-01', end: '2027-01-22' }];

function recordingLog(): Log & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

function world(date: string, calendar: { terms: typeof autumn2026; assumeWeekdaysFor?: number[] }) {
  const created: ReportSlot[] = [];
  const log = recordingLog();
  const deps = {
    slots: {
      createIfAbsent: async (slot: ReportSlot) => {
        created.push(slot);
        return 'created' as const;
      },
    },
    directory: {
      load: async () => ({ schools: [{ id: 'S1', townshipId: 'T1', name: '示例小学', active: true }] }),
    },
    clock: fixedClock(cstInstant(date, '06:00').toISOString()),
    log,
    config: { calendar: { overrides: {}, assumeWeekdaysFor: [], ...calendar }, reports: reportsConfigSchema.parse({}) },
  };
  return { deps: deps as unknown as Parameters<typeof openReports>[0], created, log };
}

describe('national calendar coverage ahead of time', () => {
  it('finds the Monday of the ISO week holding 1 January 2027 as the first refused day, 29 days ahead', () => {
    const calendar = new SchoolCalendar({ terms: autumn2026 });

    expect(calendar.coverageGap('2026-11-29', 45)).toEqual({ year: 2027, firstDay: '2026-12-28', daysLeft: 29 });
    expect(calendar.coverageGap('2026-11-01', 45)).toBeUndefined();
    expect(new SchoolCalendar({ terms: autumn2026, assumeWeekdaysFor: [2027] }).coverageGap('2026-11-29', 45)).toBe(
      undefined,
    );
  });

  it('ignores terms that ended or start beyond the horizon', () => {
    const calendar = new SchoolCalendar({ terms: [{ name: '2027春', start: '2027-03-01', end: '2027-07-10' }] });

    expect(calendar.coverageGap('2026-11-29', 45)).toBeUndefined();
    expect(calendar.coverageGap('2027-02-01', 45)).toEqual({ year: 2027, firstDay: '2027-03-01', daysLeft: 28 });
  });
});

describe('openReports with an uncovered year ahead', () => {
  it('opens the slots owed on Monday 2026-11-30 (daily, and the November monthly) and warns 28 days ahead', async () => {
    const { deps, created, log } = world('2026-11-30', { terms: autumn2026 });

    const result = await openReports(deps);

    expect(created.map((s) => s.cadence)).toEqual(['daily', 'monthly']);
    expect(result.calendarGap).toEqual({ year: 2027, firstDay: '2026-12-28', daysLeft: 28 });
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.fields?.firstDay)).toEqual(['2026-12-28']);
  });

  it('still opens the daily slot on 2026-12-28 when the weekly period is refused, then fails for the alarm', async () => {
    const { deps, created, log } = world('2026-12-28', { terms: autumn2026 });

    const run = openReports(deps);

    await expect(run).rejects.toBeInstanceOf(CadencesRefusedError);
    await expect(run).rejects.toMatchObject({ cadences: ['weekly'], result: { opened: { daily: { created: 1 } } } });
    expect(created.map((s) => `${s.cadence} ${s.periodKey}`)).toEqual(['daily 2026-12-28']);
    expect(log.lines.filter((l) => l.level === 'error').map((l) => l.fields?.cadence)).toEqual(['weekly']);
  });
});
