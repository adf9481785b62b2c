import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { calendarCheck, calendarShow, registerCalendar } from '../../local/commands/calendar.ts';
import { CliError } from '../../local/commands/import-directory.ts';
import { DEFAULT_HOLIDAYS_DIR } from '../../shared/config/holiday-files.ts';
import { DEFAULT_CONFIG_PATH } from '../../shared/config/load-config.ts';

/** A copy of the shipped config and year files, to add a (good or bad) 2027 file to. */
let dir: string;
let config: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'calendar-cli-'));
  config = join(dir, 'lipu.json');
  cpSync(DEFAULT_CONFIG_PATH, config);
  cpSync(DEFAULT_HOLIDAYS_DIR, join(dir, 'holidays'), { recursive: true });
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const write2027 = (days: unknown[]) =>
  writeFileSync(
    join(dir, 'holidays', '2027.json'),
    JSON.stringify({ year: 2027, papers: ['https://www.gov.cn/zhengce/content/test.htm'], days }),
  );

describe('calendar check <year>', () => {
  it('summarises a valid year: days off, make-up days, each holiday (exit 0)', () => {
    const out = calendarCheck('2026', { config });

    expect(out.exitCode).toBe(0);
    expect(out.lines[0]).toMatch(/^✓ .*2026\.json 校验通过：2026 年放假 33 天，调休上班 6 天。$/);
    expect(out.lines).toContain('  春节：放假 9 天（02-15 至 02-23）；调休上班 02-14（周六）、02-28（周六）');
    expect(out.lines).toContain('  国庆节：放假 7 天（10-01 至 10-07）；调休上班 09-20（周日）、10-10（周六）');
  });

  it('lists every error with its entry (exit 1)', () => {
    write2027([
      { name: '春节', date: '2027-02-30', isOffDay: true },
      { name: '国庆节', date: '2027-10-08', isOffDay: false },
    ]);

    const out = calendarCheck('2027', { config });

    expect(out.exitCode).toBe(1);
    expect(out.lines).toEqual([
      expect.stringMatching(/^节假日文件 .*2027\.json 有 2 处错误：$/),
      '  - days[0].date（2027-02-30）：不是真实存在的日期',
      '  - days[1].isOffDay（2027-10-08）：调休上班日必须是星期六或星期日，2027-10-08 是星期五',
    ]);
  });

  it('says how to create a missing year file (exit 1), and refuses a year that is not four digits', () => {
    const out = calendarCheck('2027', { config });

    expect(out.exitCode).toBe(1);
    expect(out.lines[1]).toBe('  - (文件)：文件不存在');
    expect(out.lines[2]).toMatch(/新建该文件：可复制 .*2026\.json 的格式/);
    expect(() => calendarCheck('27', { config })).toThrow(CliError);
  });
});

describe('calendar show <from> <to>', () => {
  it('prints one line per date with its kind, from the same SchoolCalendar the functions use', () => {
    const out = calendarShow('2026-02-13', '2026-02-16', { config, today: '2026-02-01' });

    expect(out.exitCode).toBe(0);
    expect(out.lines).toEqual([
      '2026-02-13 周五  学期外', // the winter break between two terms
      '2026-02-14 周六  学期外',
      '2026-02-15 周日  学期外',
      '2026-02-16 周一  学期外',
    ]);
    const autumn = calendarShow('2026-09-19', '2026-10-01', { config, today: '2026-09-01' });
    expect(autumn.lines).toContain('2026-09-19 周六  周末  2026-2027学年第一学期');
    expect(autumn.lines).toContain('2026-09-20 周日  调休上班（国庆节）  2026-2027学年第一学期');
    expect(autumn.lines).toContain('2026-09-21 周一  上课日  2026-2027学年第一学期');
    expect(autumn.lines).toContain('2026-09-25 周五  法定节假日（中秋节）  2026-2027学年第一学期');
    expect(autumn.lines).toContain('2026-10-01 周四  法定节假日（国庆节）  2026-2027学年第一学期');
  });

  it('marks what it cannot decide and exits 1, then decides it once the 2027 file exists', () => {
    const before = calendarShow('2027-01-01', '2027-01-04', { config, today: '2026-12-01' });
    expect(before.exitCode).toBe(1);
    expect(before.lines[0]).toBe('2027-01-01 周五  无法判定：缺少 2027 年国家节假日数据  2026-2027学年第一学期');
    expect(before.lines).toContain(
      '⚠ 系统缺少2027年国家节假日安排：自 2026-12-28 起（还有 27 天）报表周期将无法生成。请按国务院通知填写config/holidays/2027.json，运行 npm run cli -- calendar check 2027 核对后部署。',
    );

    write2027([{ name: '元旦', date: '2027-01-01', isOffDay: true }]);
    const after = calendarShow('2027-01-01', '2027-01-04', { config, today: '2026-12-01' });
    expect(after.lines.slice(0, 4)).toEqual([
      '2027-01-01 周五  法定节假日（元旦）  2026-2027学年第一学期',
      '2027-01-02 周六  周末  2026-2027学年第一学期',
      '2027-01-03 周日  周末  2026-2027学年第一学期',
      '2027-01-04 周一  上课日  2026-2027学年第一学期',
    ]);
    expect(after.lines.join('\n')).not.toContain('2027年国家节假日');
    // The next term is still missing: the term gap stays announced.
    expect(after.lines.join('\n')).toContain('系统缺少新学期的起止日期');
  });

  it('refuses impossible dates and reversed ranges', () => {
    expect(() => calendarShow('2026-02-30', '2026-03-01', { config })).toThrow(/起始日期应为真实存在的日期/);
    expect(() => calendarShow('2026-03-02', '2026-03-01', { config })).toThrow(/早于起始日期/);
  });
});

describe('the commands as registered (commander), in-process', () => {
  it('sets the exit code: 0 for a good year, 1 for a bad one', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const program = new Command().exitOverride();
    registerCalendar(program);
    try {
      await program.parseAsync(['calendar', 'check', '2026', '--config', config], { from: 'user' });
      expect(process.exitCode).toBe(0);
      expect(log.mock.calls[0]?.[0]).toMatch(/2026\.json 校验通过/);

      write2027([{ name: '春节', date: '2026-02-17', isOffDay: true }]);
      await program.parseAsync(['calendar', 'check', '2027', '--config', config], { from: 'user' });
      expect(process.exitCode).toBe(1);
      expect(err.mock.calls.map((c) => c[0]).join('\n')).toContain('日期不在 2027 年内');
    } finally {
      process.exitCode = 0;
      log.mockRestore();
      err.mockRestore();
    }
  });
});
