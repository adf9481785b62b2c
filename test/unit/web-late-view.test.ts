import { describe, expect, it } from 'vitest';

/** web/late-view.js is plain browser JS (checked by `tsc -p web`); imported by a variable path like render.js. */
interface Markup {
  value: string;
}
interface LateViewModule {
  topLevel(byLevel: Record<string, number>): number;
  rateText(rate: number | null | undefined): string;
  levelsText(byLevel: Record<string, number>): string;
  lateSummaryHtml(summary: unknown): Markup;
  lateFiltersHtml(townships: { townshipId: string; townshipName: string }[], filter: Record<string, string>): Markup;
  latePagerHtml(data: { nextCursor?: string }, page: number): Markup;
  lateQueryPath(filter: Record<string, string | undefined>, cursor?: string): string;
}
const viewPath = '../../web/late-view.js';
const view = (await import(viewPath)) as LateViewModule;

const summary = {
  period: { from: '2026-03-01', to: '2026-03-10' },
  county: { owed: 12, filed: 9, late: 3, onTimeRate: 0.75, byLevel: { 0: 1, 3: 2 } },
  townships: [
    { townshipId: 'ta', townshipName: '测试甲镇', owed: 8, filed: 6, late: 2, onTimeRate: 0.625, byLevel: { 3: 2 } },
    { townshipId: 'tb', townshipName: '<测试乙乡>', owed: 4, filed: 4, late: 0, onTimeRate: 1, byLevel: {} },
    { townshipId: 'tc', townshipName: '测试丙乡', owed: 0, filed: 0, late: 0, onTimeRate: null, byLevel: {} },
  ],
};

describe('late board console view (pure)', () => {
  it('summary table: filed/owed, rate, the late cell coloured by the highest level reached, names escaped', () => {
    const out = view.lateSummaryHtml(summary).value;
    expect(out).toContain('本月报表（2026-03-01 至 2026-03-10）');
    expect(out).toContain(
      '<tr data-township="ta"><th scope="row">测试甲镇</th><td>6 / 8</td><td class="lv lv3">2</td><td>62.5%</td><td>第3级 2</td></tr>',
    );
    expect(out).toContain('&lt;测试乙乡&gt;');
    expect(out).toContain('<td>4 / 4</td><td class="">0</td><td>100.0%</td><td>—</td>');
    expect(out).toContain('<th scope="row">测试丙乡</th><td>0 / 0</td><td class="">0</td><td>—</td>');
    expect(out).toContain(
      '<th scope="row">全县</th><td>9 / 12</td><td class="lv lv3">3</td><td>75.0%</td><td>未提醒 1 · 第3级 2</td>',
    );
    expect(view.lateSummaryHtml({ ...summary, townships: [] }).value).toBe('');
    expect(view.lateSummaryHtml(undefined).value).toBe('');
  });

  it('levels: colour capped at 4, zero counts ignored', () => {
    expect(view.topLevel({ 0: 3 })).toBe(0);
    expect(view.topLevel({ 1: 1, 6: 2 })).toBe(4);
    expect(view.topLevel({ 2: 0, 1: 1 })).toBe(1);
    expect(view.levelsText({ 2: 1, 0: 2, 5: 0 })).toBe('未提醒 2 · 第2级 1');
    expect(view.rateText(undefined)).toBe('—');
  });

  it('filters keep the current choice selected; the path carries only what is set, and the cursor', () => {
    const out = view.lateFiltersHtml(summary.townships, { townshipId: 'tb', cadence: 'weekly', level: '0' }).value;
    expect(out).toContain('<option value="tb" selected>&lt;测试乙乡&gt;</option>');
    expect(out).toContain('<option value="ta">测试甲镇</option>');
    expect(out).toContain('<option value="weekly" selected>周报</option>');
    expect(out).toContain('<option value="0" selected>未提醒</option>');
    expect(view.lateQueryPath({})).toBe('/api/reports/late');
    expect(view.lateQueryPath({ townshipId: 'ta', level: '0' }, 'eyJ0IjoidGEifQ')).toBe(
      '/api/reports/late?townshipId=ta&level=0&cursor=eyJ0IjoidGEifQ',
    );
    expect(view.lateQueryPath({ cadence: 'daily', townshipId: undefined })).toBe('/api/reports/late?cadence=daily');
  });

  it('pager: 下一页 while there is a cursor, 回到第一页 after the first page, nothing on a single page', () => {
    expect(view.latePagerHtml({}, 1).value).toBe('');
    expect(view.latePagerHtml({ nextCursor: 'x' }, 1).value).toContain('data-act="late-next">下一页');
    expect(view.latePagerHtml({ nextCursor: 'x' }, 1).value).not.toContain('回到第一页');
    const last = view.latePagerHtml({}, 3).value;
    expect(last).toContain('第 3 页');
    expect(last).toContain('回到第一页');
    expect(last).not.toContain('下一页');
  });
});
