import chineseDays from 'chinese-days';
import { describe, expect, it } from 'vitest';
import { chineseDaysYears, NationalCalendar } from '../../shared/domain/national-calendar.ts';
import type { CstDate } from '../../shared/domain/time.ts';

/**
 * The functions read chinese-days' data file rather than bundle the package (shared/domain/national-calendar.ts).
 * This holds that reading to the package's own API: for every day of every year the data covers, the calendar
 * built without year files answers "working day?" as `chineseDays.isWorkday` and `isHoliday` do (调休 make-up
 * days included). The package is asked with a Date at local noon, since it reads local-time fields (a `YYYY-MM-DD`
 * string is UTC midnight, the previous day west of UTC).
 */
describe('the calendar from chinese-days’ data file agrees with chinese-days’ API', () => {
  // 2015 is left out: its one-off day off (中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日, 9-3) is not one of the
  // seven holiday names the calendar knows, so a 2015 date throws "label not understood" (loudly, never a guess).
  const years = [...chineseDaysYears()].filter((y) => y >= 2016).sort((a, b) => a - b);
  const calendar = new NationalCalendar();

  it('covers the years from 2016 to the latest published', () => {
    expect(chineseDaysYears().has(2004)).toBe(true);
    expect(years[0]).toBe(2016);
    expect(years.at(-1)).toBeGreaterThanOrEqual(2026);
  });

  it('answers every day of every covered year as isWorkday and isHoliday do', () => {
    const disagreements: string[] = [];
    let days = 0;
    for (const year of years)
      for (let d = new Date(year, 0, 1, 12); d.getFullYear() === year; d.setDate(d.getDate() + 1)) {
        const date =
          `${year}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}` as CstDate;
        const ours = calendar.isWorkday(date);
        if (ours !== chineseDays.isWorkday(d) || ours === chineseDays.isHoliday(d)) disagreements.push(date);
        days++;
      }
    expect(disagreements).toEqual([]);
    expect(days).toBe(years.reduce((n, y) => n + (new Date(y, 1, 29).getMonth() === 1 ? 366 : 365), 0));
  });
});
