import { describe, expect, it } from 'vitest';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import { reportsConfigSchema } from '../../shared/domain/ladder.ts';
import type { Message } from '../../shared/domain/message.ts';
import type { Log } from '../../shared/domain/ports.ts';
import type { ReportSlot } from '../../shared/domain/report-slot.ts';
import { addDays, cstInstant, fixedClock } from '../../shared/domain/time.ts';
import { CadencesRefusedError, openReports } from '../../shared/use-cases/open-reports.ts';

// chinese-days 1.5.7 covers up to 2026 and the repository ships no 2027 file; the autumn term 2026 runs into 2027.
const autumn2026 = [{ name: '2026-2027学年第一学期', start: '2026-09-01', end: '2027-01-22' }];
const spring2027 = { name: '2026-2027学年第二学期', start: '2027-02-22', end: '2027-07-09' };

function recordingLog(): Log & { lines: { level: string; message: string; fields?: Record<string, unknown> }[] } {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const at = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  return { lines, info: at('info'), warn: at('warn'), error: at('error') };
}

const office = [
  { id: 'P-OFFICE-1', name: '办公室甲', phone: '+8613800000001', role: 'office', active: true },
  { id: 'P-OFFICE-2', name: '办公室乙', phone: '+8613800000002', role: 'office', active: true },
];

/** open-reports with in-memory ports; the outbox refuses an id it already holds, like the table's condition. */
function world(calendar: { terms: { name: string; start: string; end: string }[]; assumeWeekdaysFor?: number[] }) {
  const created: ReportSlot[] = [];
  const outbox = new Map<string, Message>();
  const log = recordingLog();
  const clock = fixedClock(cstInstant('2026-11-01', '06:00').toISOString());
  const deps = {
    slots: {
      createIfAbsent: async (slot: ReportSlot) => {
        created.push(slot);
        return 'created' as const;
      },
    },
    directory: {
      load: async () => ({
        people: office,
        areas: [],
        townships: [],
        schools: [{ id: 'S1', townshipId: 'T1', name: '示例小学', active: true }],
        meta: { officeIds: office.map((p) => p.id) },
      }),
    },
    outbox: {
      enqueue: async (m: Message) => {
        if (outbox.has(m.id)) return false;
        outbox.set(m.id, m);
        return true;
      },
    },
    clock,
    log,
    config: {
      calendar: { overrides: {}, assumeWeekdaysFor: [], holidayYears: [], ...calendar },
      reports: reportsConfigSchema.parse({}),
      sms: { signature: '荔浦教育', maxParts: 2 },
    },
  };
  const runOn = async (date: string) => {
    clock.set(cstInstant(date, '06:00').toISOString());
    return openReports(deps as unknown as Parameters<typeof openReports>[0]);
  };
  return { runOn, created, outbox, log };
}

describe('calendar gaps ahead of time', () => {
  it('finds the Monday of the ISO week holding 1 January 2027 as the first refused day, 29 days ahead', () => {
    const calendar = new SchoolCalendar({ terms: [...autumn2026, spring2027] });

    expect(calendar.gaps('2026-11-29', 45)).toEqual([
      { kind: 'year', year: 2027, firstDay: '2026-12-28', daysLeft: 29, key: 'year-2027' },
    ]);
    expect(calendar.gaps('2026-11-01', 45)).toEqual([]);
    expect(
      new SchoolCalendar({ terms: [...autumn2026, spring2027], assumeWeekdaysFor: [2027] }).gaps('2026-11-29', 45),
    ).toEqual([]);
  });

  it('finds the end of the configured terms: January 2027 needs to know when the next term starts', () => {
    const calendar = new SchoolCalendar({ terms: autumn2026, assumeWeekdaysFor: [2027] });

    // Last term ends Friday 2027-01-22: the January month (and the week of 01-18) reach past it.
    expect(calendar.gaps('2026-12-01', 45)).toEqual([
      { kind: 'term', lastTermEnd: '2027-01-22', firstDay: '2027-01-01', daysLeft: 31, key: 'term-after-2027-01-22' },
    ]);
    expect(calendar.gaps('2026-11-16', 45)).toEqual([]);
  });

  it('ignores terms that ended or start beyond the horizon', () => {
    const calendar = new SchoolCalendar({
      terms: [spring2027, { name: '2027秋', start: '2027-09-01', end: '2028-01-21' }],
    });

    expect(calendar.gaps('2026-11-29', 45)).toEqual([]);
    expect(calendar.gaps('2027-02-01', 45)).toEqual([
      { kind: 'year', year: 2027, firstDay: '2027-02-22', daysLeft: 21, key: 'year-2027' },
    ]);
  });
});

describe('openReports with gaps ahead: the office is told once per threshold', () => {
  it('sends each office person one SMS at 45, 30, 14 and 7 days before each gap, never twice, over 58 daily runs', async () => {
    const { runOn, outbox } = world({ terms: autumn2026 });

    const days: string[] = [];
    for (let d = '2026-11-01'; d <= '2026-12-28'; d = addDays(d, 1)) days.push(d);
    const perDay: Record<string, number> = {};
    for (const d of days) {
      const result = await runOn(d).catch((e: unknown) => (e as CadencesRefusedError).result);
      if (result.calendarAlerts > 0) perDay[d] = result.calendarAlerts;
    }

    // 2027 year gap from 2026-12-28: 45 d → 11-13, 30 d → 11-28, 14 d → 12-14, 7 d → 12-21.
    // Term gap from 2027-01-01 (last term ends 2027-01-22): 45 d → 11-17, 30 d → 12-02, 14 d → 12-18, 7 d → 12-25.
    expect(perDay).toEqual({
      '2026-11-13': 2,
      '2026-11-17': 2,
      '2026-11-28': 2,
      '2026-12-02': 2,
      '2026-12-14': 2,
      '2026-12-18': 2,
      '2026-12-21': 2,
      '2026-12-25': 2,
    });
    expect(outbox.size).toBe(16);
    const first = outbox.get('calendar#year-2027#45#P-OFFICE-1');
    expect(first?.text).toBe(
      '【荔浦教育】系统缺少2027年国家节假日安排，自12月28日起（还有45天）报表周期将无法生成。' +
        '请按国务院通知填写该年的config/holidays文件，运行calendar check核对后部署。',
    );
    expect(first?.parts).toBe(2);
    expect(first?.notBefore).toBe(cstInstant('2026-11-13', '09:00').toISOString());
    expect(outbox.get('calendar#term-after-2027-01-22#7#P-OFFICE-2')?.text).toContain(
      '系统缺少新学期的起止日期，自1月1日起（还有7天）',
    );
  });

  it('a system first started 10 days before the gap sends the 14-day alert once, not the 45 and 30 ones', async () => {
    const { runOn, outbox } = world({ terms: [...autumn2026, spring2027] });

    await runOn('2026-12-18');
    await runOn('2026-12-19');

    expect([...outbox.keys()].sort()).toEqual(['calendar#year-2027#14#P-OFFICE-1', 'calendar#year-2027#14#P-OFFICE-2']);
  });

  it('opens the slots owed on Monday 2026-11-30 (daily, and the November monthly) and warns 28 days ahead', async () => {
    const { runOn, created, log } = world({ terms: [...autumn2026, spring2027] });

    const result = await runOn('2026-11-30');

    expect(created.map((s) => s.cadence)).toEqual(['daily', 'monthly']);
    expect(result.calendarGaps).toEqual([
      { kind: 'year', year: 2027, firstDay: '2026-12-28', daysLeft: 28, key: 'year-2027' },
    ]);
    expect(log.lines.filter((l) => l.level === 'warn').map((l) => l.fields?.firstDay)).toEqual(['2026-12-28']);
  });

  it('still opens the daily slot on 2026-12-28 when the weekly period is refused, then fails for the alarm', async () => {
    const { runOn, created, log } = world({ terms: [...autumn2026, spring2027] });

    const run = runOn('2026-12-28');

    await expect(run).rejects.toBeInstanceOf(CadencesRefusedError);
    await expect(run).rejects.toMatchObject({ cadences: ['weekly'], result: { opened: { daily: { created: 1 } } } });
    expect(created.map((s) => `${s.cadence} ${s.periodKey}`)).toEqual(['daily 2026-12-28']);
    expect(log.lines.filter((l) => l.level === 'error').map((l) => l.fields?.cadence)).toEqual(['weekly']);
  });

  it('refuses the monthly period of January 2027 while no term after 2027-01-22 is configured', async () => {
    const { runOn, created } = world({ terms: autumn2026, assumeWeekdaysFor: [2027] });

    const run = runOn('2027-01-04');

    await expect(run).rejects.toMatchObject({ cadences: ['monthly'] });
    expect(created.map((s) => `${s.cadence} ${s.periodKey}`)).toEqual(['daily 2027-01-04']);
  });
});
