import { defineTemplate } from './render.ts';

interface CalendarGapParams extends Record<string, string | number> {
  /** `12月28日`. */
  from: string;
  daysLeft: number;
}

/**
 * The calendar cannot decide school days from a coming date: the office adds the data before it breaks. Two
 * wordings (a national year file is missing, or the next term), each with fixed instructions, so a template
 * provider can approve them with only the dates as parameters (each used once). The console banner carries the
 * exact command (gapFix).
 */
export const calendarGapTemplates = {
  year: defineTemplate<CalendarGapParams & { year: number }>({
    id: 'calendar.gap',
    key: 'calendar.gap.year',
    audience: 'official',
    body: (p) =>
      `系统缺少${p.year}年国家节假日安排，自${p.from}起（还有${p.daysLeft}天）报表周期将无法生成。请按国务院通知填写该年的config/holidays文件，运行calendar check核对后部署。`,
  }),
  term: defineTemplate<CalendarGapParams>({
    id: 'calendar.gap',
    key: 'calendar.gap.term',
    audience: 'official',
    body: (p) =>
      `系统缺少新学期的起止日期，自${p.from}起（还有${p.daysLeft}天）报表周期将无法生成。请在config/lipu.json的calendar.terms中添加新学期，运行calendar show核对后部署。`,
  }),
} as const;
