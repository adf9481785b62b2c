import { defineTemplate } from './render.ts';

export interface CalendarGapParams extends Record<string, string | number> {
  /** `2027年国家节假日安排` or `新学期`. */
  missing: string;
  /** `12月28日`. */
  from: string;
  daysLeft: number;
  /** What to do, ending with the one command that checks the fix. */
  fix: string;
}

/** The calendar cannot decide school days from a coming date: the office adds the data before it breaks. */
export const calendarGapTemplate = defineTemplate<CalendarGapParams>({
  id: 'calendar.gap',
  audience: 'official',
  body: (p) => `系统缺少${p.missing}，自${p.from}起（还有${p.daysLeft}天）报表周期将无法生成。${p.fix}`,
});
