import { describe, expect, it } from 'vitest';

/**
 * The statistics tab's SVG charts (web/charts.js): bars proportional to the values, zero and empty data, a 100%
 * rate, the text table fallback, the accessible name, escaping. web/ is plain browser JS: imported by a variable path.
 */
interface Safe {
  value: string;
}
interface ChartsModule {
  barLength(value: number, max: number, span: number): number;
  onTimeChart(rows: unknown[]): Safe;
  openByStateChart(data: { total: number; byState: Record<string, number> }): Safe;
  weeklyReturnsChart(weeks: { week: string; from: string; to: string; returned: number }[]): Safe;
  isoWeeks(today: string, count?: number): { week: string; from: string; to: string }[];
  returnsOf(data: { townships: { casesReturned: number }[]; schools: { casesReturned: number }[] }): number;
}
interface StatsModule {
  statsChartsHtml(data: unknown, openCases: unknown, weeks: unknown): Safe;
}
const chartsPath = '../../web/charts.js';
const statsPath = '../../web/tab-stats.js';
const charts = (await import(chartsPath)) as ChartsModule;
const stats = (await import(statsPath)) as StatsModule;

const HOSTILE = `<script>alert("x")</script>'`;
const ESCAPED = '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;';

/** The bars of a chart: their width/height attribute and data-value, in order. */
function bars(h: Safe, attr: 'width' | 'height') {
  return [
    ...h.value.matchAll(new RegExp(`<rect class="bar"[^>]*? ${attr}="([\\d.]+)"[^>]*? data-value="([\\d.]+)"`, 'g')),
  ].map((m) => ({ size: Number(m[1]), value: Number(m[2]) }));
}
/** The text table fallback's rows as [label, text]. */
function tableRows(h: Safe) {
  const body = h.value.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? '';
  return [...body.matchAll(/<tr><td>(.*?)<\/td><td>(.*?)<\/td><\/tr>/g)].map((m) => [m[1], m[2]]);
}
const township = (name: string, onTime: number, due: number) => ({
  townshipId: `t-${name}`,
  townshipName: name,
  reportsDue: due,
  reportsOnTime: onTime,
  onTimeRate: due === 0 ? null : onTime / due,
});

describe('barLength', () => {
  it('is proportional, capped at the span, 0 for zero, negative or no maximum', () => {
    expect(charts.barLength(5, 10, 300)).toBe(150);
    expect(charts.barLength(10, 10, 300)).toBe(300);
    expect(charts.barLength(12, 10, 300)).toBe(300);
    expect(charts.barLength(0, 10, 300)).toBe(0);
    expect(charts.barLength(3, 0, 300)).toBe(0);
    expect(charts.barLength(-1, 10, 300)).toBe(0);
    expect(charts.barLength(1, 3, 100)).toBe(33.3);
  });
});

describe('onTimeChart (按时报送率 per township)', () => {
  const rows = [township('甲镇', 20, 20), township('乙镇', 9, 12), township('丙镇', 0, 8), township('丁镇', 0, 0)];

  it('one bar per township, 100% the full width, the others in proportion, 0 for none', () => {
    const h = charts.onTimeChart(rows);
    const b = bars(h, 'width');
    expect(b.map((x) => x.value)).toEqual([1, 0.75, 0, 0]);
    const full = b[0]!.size;
    expect(full).toBeGreaterThan(0);
    expect(b[1]!.size).toBeCloseTo(full * 0.75, 0);
    expect(b[2]!.size).toBe(0);
    expect(b[3]!.size).toBe(0);
    expect(h.value.match(/<rect class="bar"/g)).toHaveLength(rows.length);
  });

  it('labels and the text table: rate and on time / due, — without anything due', () => {
    const h = charts.onTimeChart(rows);
    expect(tableRows(h)).toEqual([
      ['甲镇', '100.0%（20/20）'],
      ['乙镇', '75.0%（9/12）'],
      ['丙镇', '0.0%（0/8）'],
      ['丁镇', '—'],
    ]);
    expect(h.value).toContain('>甲镇</text>');
    expect(h.value).toContain('>75.0%（9/12）</text>');
  });

  it('is accessible: role img, aria-label and <title> name the chart; each bar has a title', () => {
    const h = charts.onTimeChart(rows);
    expect(h.value).toContain('<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="各乡镇按时报送率"');
    expect(h.value).toContain('<title>各乡镇按时报送率</title>');
    expect(h.value).toContain('<title>乙镇：75.0%（9/12）</title>');
    expect(h.value).toContain('<caption>各乡镇按时报送率</caption>');
    expect(h.value).toContain('data-chart="on-time"');
  });

  it('escapes township names in the labels, the titles and the table', () => {
    const h = charts.onTimeChart([township(HOSTILE, 1, 2)]);
    expect(h.value).not.toContain('<script>');
    expect(h.value.split(ESCAPED).length - 1).toBe(3); // label, bar title, table cell
  });

  it('no townships: no SVG, a line saying so', () => {
    const h = charts.onTimeChart([]);
    expect(h.value).not.toContain('<svg');
    expect(h.value).toContain('暂无乡镇数据');
  });
});

describe('openByStateChart (在办案件 per state)', () => {
  it('one bar per open state in order, the largest the full width, zeros without a bar', () => {
    const h = charts.openByStateChart({
      total: 10,
      byState: { opened: 2, persuading: 4, 'notice-issued': 3, lapsed: 1, escalated: 0 },
    });
    const b = bars(h, 'width');
    expect(b.map((x) => x.value)).toEqual([2, 4, 3, 1, 0]);
    const full = b[1]!.size;
    expect(b[0]!.size).toBeCloseTo(full / 2, 0);
    expect(b[2]!.size).toBeCloseTo((full * 3) / 4, 0);
    expect(b[4]!.size).toBe(0);
    expect(tableRows(h)).toEqual([
      ['已立案', '2'],
      ['劝返中', '4'],
      ['已发通知书', '3'],
      ['通知书逾期', '1'],
      ['已上报', '0'],
    ]);
    expect(h.value).toContain('aria-label="在办案件（按状态，共 10 件）"');
  });

  it('no open cases: every bar zero (no division by zero)', () => {
    const h = charts.openByStateChart({ total: 0, byState: {} });
    expect(bars(h, 'width').map((x) => x.size)).toEqual([0, 0, 0, 0, 0]);
    expect(h.value).not.toContain('NaN');
  });
});

describe('isoWeeks, returnsOf, weeklyReturnsChart (复学 per ISO week)', () => {
  it('the last 8 ISO weeks, Monday to Sunday, the current one up to today', () => {
    const w = charts.isoWeeks('2026-03-11'); // a Wednesday
    expect(w).toHaveLength(8);
    expect(w.at(-1)).toEqual({ week: '2026-W11', from: '2026-03-09', to: '2026-03-11' });
    expect(w[0]).toEqual({ week: '2026-W04', from: '2026-01-19', to: '2026-01-25' });
    // Across the year: 2026-01-01 is a Thursday, so its week is 2026-W01 and starts 2025-12-29.
    const y = charts.isoWeeks('2026-01-04', 2);
    expect(y).toEqual([
      { week: '2025-W52', from: '2025-12-22', to: '2025-12-28' },
      { week: '2026-W01', from: '2025-12-29', to: '2026-01-04' },
    ]);
    // 2021-01-03 (a Sunday) belongs to 2020-W53.
    expect(charts.isoWeeks('2021-01-03', 1)).toEqual([{ week: '2020-W53', from: '2020-12-28', to: '2021-01-03' }]);
  });

  it('returnsOf sums the township rows, or the school rows of a head', () => {
    const s = (n: number) => ({ casesReturned: n });
    expect(charts.returnsOf({ townships: [s(2), s(3)], schools: [s(2), s(2), s(1)] })).toBe(5);
    expect(charts.returnsOf({ townships: [], schools: [s(4)] })).toBe(4);
    expect(charts.returnsOf({ townships: [], schools: [] })).toBe(0);
  });

  it('one column per week, heights proportional, the week range in the table', () => {
    const weeks = charts.isoWeeks('2026-03-11', 4).map((w, i) => ({ ...w, returned: [0, 2, 4, 1][i]! }));
    const h = charts.weeklyReturnsChart(weeks);
    const b = bars(h, 'height');
    expect(b.map((x) => x.value)).toEqual([0, 2, 4, 1]);
    expect(b[0]!.size).toBe(0);
    expect(b[1]!.size).toBeCloseTo(b[2]!.size / 2, 0);
    expect(b[3]!.size).toBeCloseTo(b[2]!.size / 4, 0);
    expect(tableRows(h)[3]).toEqual(['2026-W11（2026-03-09 至 2026-03-11）', '1']);
    expect(h.value).toContain('>W11</text>');
    expect(h.value).toContain('aria-label="近 4 周复学人数（按 ISO 周）"');
  });

  it('all zero weeks: columns of height 0; no weeks: a line saying so', () => {
    const zero = charts.weeklyReturnsChart(charts.isoWeeks('2026-03-11', 3).map((w) => ({ ...w, returned: 0 })));
    expect(bars(zero, 'height').map((x) => x.size)).toEqual([0, 0, 0]);
    expect(zero.value).not.toContain('NaN');
    expect(charts.weeklyReturnsChart([]).value).toContain('暂无数据');
  });
});

describe('statsChartsHtml (the tab puts them together)', () => {
  const data = { townships: [township('甲镇', 1, 2), township('乙镇', 2, 2)], schools: [] };

  it('all three charts when the data is there; only the on-time chart when the others failed', () => {
    const weeks = charts.isoWeeks('2026-03-11', 8).map((w) => ({ ...w, returned: 1 }));
    const all = stats.statsChartsHtml(data, { total: 1, byState: { persuading: 1 } }, weeks);
    expect(all.value.match(/<svg /g)).toHaveLength(3);
    expect(all.value).toContain('data-chart="on-time"');
    expect(all.value).toContain('data-chart="open-by-state"');
    expect(all.value).toContain('data-chart="weekly-returns"');
    const some = stats.statsChartsHtml(data, null, null);
    expect(some.value.match(/<svg /g)).toHaveLength(1);
  });

  it("a head's reply (no township rows): the school's own rate", () => {
    const head = {
      townships: [],
      schools: [{ schoolId: 's1', schoolName: '示例小学', reportsDue: 4, reportsOnTime: 3, onTimeRate: 0.75 }],
    };
    const h = stats.statsChartsHtml(head, null, null);
    expect(h.value).toContain('>示例小学</text>');
    expect(h.value).toContain('75.0%（3/4）');
  });
});
