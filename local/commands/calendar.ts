import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { holidayFilePath, loadHolidayFile } from '../../shared/config/holiday-files.ts';
import { DEFAULT_CONFIG_PATH, loadConfigFile } from '../../shared/config/load-config.ts';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import { gapBanner } from '../../shared/domain/calendar-alerts.ts';
import { HolidayFileError } from '../../shared/domain/errors.ts';
import { summariseHolidayYear } from '../../shared/domain/national-calendar.ts';
import { addDays, cstDate, isCstDate, systemClock, weekdayOf } from '../../shared/domain/time.ts';
import { CALENDAR_WARNING_DAYS } from '../../shared/use-cases/open-reports.ts';
import { CliError } from './import-directory.ts';

const WEEKDAYS = ['', '周一', '周二', '周三', '周四', '周五', '周六', '周日'];
/** `calendar show` prints at most this many days (a school year and a bit). */
const MAX_SHOW_DAYS = 400;
/** Without dates, `calendar show` prints the coming 60 days. */
const DEFAULT_SHOW_DAYS = 60;

export interface CalendarCommandOptions {
  /** The bureau's config file; its `holidays/` folder beside it holds the year files. */
  config?: string;
}

/** Result of a command run in-process: what it printed and its exit code. */
export interface CommandOutput {
  lines: string[];
  exitCode: number;
}

/**
 * `calendar check <year>`: validates `config/holidays/<year>.json` and summarises it (days off, make-up days, each
 * holiday), or lists every error with its entry. Exit 1 on errors.
 */
export function calendarCheck(yearText: string, options: CalendarCommandOptions = {}): CommandOutput {
  const year = Number(yearText);
  if (!/^\d{4}$/.test(yearText)) throw new CliError(`年份应为四位数字，如 2027，收到：${yearText}`);
  const dir = join(dirname(resolve(options.config ?? DEFAULT_CONFIG_PATH)), 'holidays');
  const path = holidayFilePath(dir, year);
  let file: ReturnType<typeof loadHolidayFile>;
  try {
    file = loadHolidayFile(dir, year);
  } catch (error) {
    if (!(error instanceof HolidayFileError)) throw error;
    const lines = error.message.split('\n');
    if (error.issues.some((i) => i.reason === '文件不存在'))
      lines.push(
        `  新建该文件：可复制 ${holidayFilePath(dir, year - 1)} 的格式，按国务院办公厅关于${year}年部分节假日安排的通知逐日填写` +
          '（放假日 isOffDay: true，调休上班的周六/周日 isOffDay: false），papers 填通知网址。',
      );
    return { lines, exitCode: 1 };
  }
  const summary = summariseHolidayYear(file);
  const lines = [
    `✓ ${path} 校验通过：${year} 年放假 ${summary.offDays} 天，调休上班 ${summary.makeupDays} 天。`,
    `  依据：${file.papers.join('；')}`,
  ];
  for (const h of summary.holidays) {
    const makeup = h.makeupDays.length > 0 ? `；调休上班 ${h.makeupDays.map(withWeekday).join('、')}` : '';
    lines.push(`  ${h.name}：放假 ${h.offDays.length} 天（${range(h.offDays)}）${makeup}`);
  }
  if (summary.missing.length > 0)
    lines.push(`  注意：未列出 ${summary.missing.join('、')} 的放假日期，请对照通知确认。`);
  lines.push(`下一步：npm run cli -- calendar show ${year}-01-01 ${year}-12-31 查看逐日结果，确认后部署。`);
  return { lines, exitCode: 0 };
}

/**
 * `calendar show <from> <to>`: one line per date with its kind (上课日 / 周末 / 法定节假日（名称）/ 调休上班 / 学期外 /
 * 无法判定), from the same SchoolCalendar the functions use (year files + chinese-days + terms + overrides).
 */
export function calendarShow(
  fromText: string | undefined,
  toText: string | undefined,
  options: CalendarCommandOptions & { today?: string } = {},
): CommandOutput {
  const today = options.today ?? cstDate(systemClock.now());
  const from = fromText ?? today;
  const to = toText ?? (isCstDate(from) ? addDays(from, DEFAULT_SHOW_DAYS - 1) : from);
  for (const [name, value] of [
    ['起始日期', from],
    ['结束日期', to],
  ] as const)
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !isCstDate(value))
      throw new CliError(`${name}应为真实存在的日期 YYYY-MM-DD，收到：${value}`);
  if (to < from) throw new CliError(`结束日期 ${to} 早于起始日期 ${from}`);
  if (addDays(from, MAX_SHOW_DAYS - 1) < to) throw new CliError(`一次最多显示 ${MAX_SHOW_DAYS} 天`);
  let config: ReturnType<typeof loadConfigFile>;
  try {
    config = loadConfigFile(options.config);
  } catch (error) {
    if (error instanceof HolidayFileError) return { lines: error.message.split('\n'), exitCode: 1 };
    throw error;
  }
  const calendar = new SchoolCalendar(config.calendar, () => {});
  const lines: string[] = [];
  let undecided = 0;
  for (let d = from; d <= to; d = addDays(d, 1)) {
    const day = calendar.describe(d);
    if (day.kind === 'undecided') undecided++;
    const term = calendar.termOf(d)?.name;
    lines.push(
      `${d} ${WEEKDAYS[weekdayOf(d)]}  ${day.label}${day.kind === 'undecided' ? `：${day.reason}` : ''}${term ? `  ${term}` : ''}`,
    );
  }
  for (const gap of calendar.gaps(today, CALENDAR_WARNING_DAYS)) lines.push(`⚠ ${gapBanner(gap)}`);
  if (undecided > 0) lines.push(`共 ${undecided} 天无法判定，见上。`);
  return { lines, exitCode: undecided > 0 ? 1 : 0 };
}

function withWeekday(date: string): string {
  return `${date.slice(5)}（${WEEKDAYS[weekdayOf(date)]}）`;
}

/** `02-15 至 02-23` for consecutive days, else the list. */
function range(dates: string[]): string {
  if (dates.length === 0) return '无';
  const consecutive = dates.every((d, i) => i === 0 || addDays(dates[i - 1]!, 1) === d);
  if (consecutive && dates.length > 1) return `${dates[0]!.slice(5)} 至 ${dates.at(-1)!.slice(5)}`;
  return dates.map((d) => d.slice(5)).join('、');
}

function print(output: CommandOutput): void {
  for (const line of output.lines) (output.exitCode === 0 ? console.log : console.error)(line);
  process.exitCode = output.exitCode;
}

/** Registers `calendar check` and `calendar show`. */
export function registerCalendar(program: Command): void {
  const calendar = program.command('calendar').description('国家节假日与学期日历：校验年份文件、逐日查看');
  calendar
    .command('check')
    .description('校验 config/holidays/<年份>.json（国务院节假日安排），打印汇总或错误')
    .argument('<year>', '年份，如 2027')
    .option('--config <path>', '配置文件（其旁边的 holidays/ 文件夹存放年份文件）')
    .action((year: string, options: CalendarCommandOptions) => print(calendarCheck(year, options)));
  calendar
    .command('show')
    .description('逐日显示上课日 / 周末 / 法定节假日 / 调休上班 / 学期外（与各函数所用日历相同）')
    .argument('[from]', '起始日期 YYYY-MM-DD（默认今天）')
    .argument('[to]', '结束日期 YYYY-MM-DD（默认起始日期后 60 天）')
    .option('--config <path>', '配置文件')
    .action((from: string | undefined, to: string | undefined, options: CalendarCommandOptions) =>
      print(calendarShow(from, to, options)),
    );
}
