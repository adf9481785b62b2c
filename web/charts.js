// @ts-check
// Inline SVG charts of the statistics tab, built through the escaping `html` template (no chart library): each
// chart is a <figure> with an SVG (role="img", <title> and aria-label) and the same figures as a text table.
import { html } from './render.js';

/**
 * One bar: its label, its value (the bar's length) and the text shown beside it.
 * @typedef {{ label: string, value: number, text: string, long?: string }} Bar
 */

const WIDTH = 460;
const LABEL_W = 100;
const VALUE_W = 110;
const ROW_H = 26;
const BAR_H = 16;

/**
 * A bar's length in px: proportional to `value / max`, 0 for no value or a zero maximum, at most `span`.
 * @param {number} value
 * @param {number} max
 * @param {number} span
 */
export function barLength(value, max, span) {
  if (!(max > 0) || !(value > 0)) return 0;
  return Math.round((Math.min(value, max) / max) * span * 10) / 10;
}

/**
 * The text table under a chart (the figures for screen readers and for copying).
 * @param {string} caption
 * @param {[string, string]} heads
 * @param {Bar[]} bars
 */
function fallbackTable(caption, heads, bars) {
  return html`<details class="chart-data"><summary>查看数据表</summary><table class="chart-table"><caption>${caption}</caption><thead><tr><th>${heads[0]}</th><th>${heads[1]}</th></tr></thead><tbody>${bars.map(
    (b) => html`<tr><td>${b.long ?? b.label}</td><td>${b.text}</td></tr>`,
  )}</tbody></table></details>`;
}

/**
 * Horizontal bars, one row per item.
 * @param {{ id: string, title: string, heads: [string, string], bars: Bar[], max?: number, empty?: string }} c
 */
export function horizontalBars(c) {
  if (c.bars.length === 0)
    return html`<figure class="chart" data-chart="${c.id}"><figcaption>${c.title}</figcaption><p class="muted">${c.empty ?? '暂无数据'}</p></figure>`;
  const max = c.max ?? Math.max(0, ...c.bars.map((b) => b.value));
  const span = WIDTH - LABEL_W - VALUE_W;
  const height = c.bars.length * ROW_H + 8;
  const rows = c.bars.map((b, i) => {
    const y = 4 + i * ROW_H;
    const w = barLength(b.value, max, span);
    return html`<g class="bar-row"><text x="${LABEL_W - 6}" y="${y + BAR_H - 3}" text-anchor="end" class="chart-label">${b.label}</text><rect class="bar" x="${LABEL_W}" y="${y}" width="${w}" height="${BAR_H}" data-value="${b.value}"><title>${b.label}：${b.text}</title></rect><text x="${LABEL_W + w + 6}" y="${y + BAR_H - 3}" class="chart-value">${b.text}</text></g>`;
  });
  return html`<figure class="chart" data-chart="${c.id}"><figcaption>${c.title}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${c.title}" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet"><title>${c.title}</title><line class="axis" x1="${LABEL_W}" y1="0" x2="${LABEL_W}" y2="${height}"></line>${rows}</svg>${fallbackTable(c.title, c.heads, c.bars)}</figure>`;
}

/**
 * Vertical columns over a series (weeks), with the value above each column.
 * @param {{ id: string, title: string, heads: [string, string], bars: Bar[], empty?: string }} c
 */
export function columns(c) {
  if (c.bars.length === 0)
    return html`<figure class="chart" data-chart="${c.id}"><figcaption>${c.title}</figcaption><p class="muted">${c.empty ?? '暂无数据'}</p></figure>`;
  const max = Math.max(0, ...c.bars.map((b) => b.value));
  const plotH = 140;
  const top = 20;
  const height = top + plotH + 24;
  const step = (WIDTH - 20) / c.bars.length;
  const colW = Math.max(8, Math.min(48, step * 0.6));
  const cols = c.bars.map((b, i) => {
    const h = barLength(b.value, max, plotH);
    const x = Math.round((10 + i * step + (step - colW) / 2) * 10) / 10;
    const cx = Math.round((x + colW / 2) * 10) / 10;
    return html`<g class="bar-col"><rect class="bar" x="${x}" y="${top + plotH - h}" width="${colW}" height="${h}" data-value="${b.value}"><title>${b.long ?? b.label}：${b.text}</title></rect><text x="${cx}" y="${top + plotH - h - 4}" text-anchor="middle" class="chart-value">${b.text}</text><text x="${cx}" y="${top + plotH + 16}" text-anchor="middle" class="chart-label">${b.label}</text></g>`;
  });
  return html`<figure class="chart" data-chart="${c.id}"><figcaption>${c.title}</figcaption><svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${c.title}" viewBox="0 0 ${WIDTH} ${height}" width="100%" preserveAspectRatio="xMinYMin meet"><title>${c.title}</title><line class="axis" x1="0" y1="${top + plotH}" x2="${WIDTH}" y2="${top + plotH}"></line>${cols}</svg>${fallbackTable(c.title, c.heads, c.bars)}</figure>`;
}

/**
 * A rate 0..1 as `87.5%`, '—' when there is none.
 * @param {number | null | undefined} rate
 */
export function percent(rate) {
  return rate === null || rate === undefined ? '—' : `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

/**
 * 按时报送率 per township (GET /api/statistics `townships`): one bar per township, 100% the full width; a township
 * with nothing due gets no bar and '—'.
 * @param {{ townshipId: string, townshipName: string, onTimeRate: number | null, reportsOnTime: number, reportsDue: number }[]} townships
 */
export function onTimeChart(townships) {
  return horizontalBars({
    id: 'on-time',
    title: '各乡镇按时报送率',
    heads: ['乡镇', '按时报送率（按时/应报）'],
    max: 1,
    empty: '暂无乡镇数据',
    bars: townships.map((t) => ({
      label: t.townshipName,
      value: t.onTimeRate ?? 0,
      text: t.onTimeRate === null ? '—' : `${percent(t.onTimeRate)}（${t.reportsOnTime}/${t.reportsDue}）`,
    })),
  });
}

/** The open states in the order a case goes through them, with their Chinese names. */
export const OPEN_STATES = /** @type {const} */ ([
  ['opened', '已立案'],
  ['persuading', '劝返中'],
  ['notice-issued', '已发通知书'],
  ['lapsed', '通知书逾期'],
  ['escalated', '已上报'],
]);

/**
 * 在办案件 per state (GET /api/statistics/open-cases `byState`).
 * @param {{ total: number, byState: Record<string, number> }} data
 */
export function openByStateChart(data) {
  return horizontalBars({
    id: 'open-by-state',
    title: `在办案件（按状态，共 ${data.total} 件）`,
    heads: ['状态', '件数'],
    bars: OPEN_STATES.map(([state, label]) => {
      const n = data.byState[state] ?? 0;
      return { label, value: n, text: String(n) };
    }),
  });
}

/**
 * The last `count` ISO weeks up to the week of `today` (a CST date), oldest first; the current week ends today.
 * @param {string} today YYYY-MM-DD
 * @param {number} [count]
 * @returns {{ week: string, from: string, to: string }[]}
 */
export function isoWeeks(today, count = 8) {
  const day = (/** @type {Date} */ d) => d.toISOString().slice(0, 10);
  const t = new Date(`${today}T00:00:00Z`);
  const monday = new Date(t.getTime() - ((t.getUTCDay() + 6) % 7) * 86_400_000);
  /** @type {{ week: string, from: string, to: string }[]} */
  const out = [];
  for (let i = count - 1; i >= 0; i--) {
    const from = new Date(monday.getTime() - i * 7 * 86_400_000);
    const sunday = new Date(from.getTime() + 6 * 86_400_000);
    // ISO week-numbering: the week belongs to the year of its Thursday.
    const thursday = new Date(from.getTime() + 3 * 86_400_000);
    const jan1 = Date.UTC(thursday.getUTCFullYear(), 0, 1);
    const no = Math.floor((thursday.getTime() - jan1) / (7 * 86_400_000)) + 1;
    out.push({
      week: `${thursday.getUTCFullYear()}-W${String(no).padStart(2, '0')}`,
      from: day(from),
      to: i === 0 ? today : day(sunday),
    });
  }
  return out;
}

/**
 * The returns (复学) of one statistics reply over its scope: the township rows when there are (each sums its
 * schools in scope), else the school rows (a head or a teacher).
 * @param {{ townships: { casesReturned: number }[], schools: { casesReturned: number }[] }} data
 */
export function returnsOf(data) {
  const rows = data.townships.length > 0 ? data.townships : data.schools;
  return rows.reduce((n, r) => n + (r.casesReturned ?? 0), 0);
}

/**
 * 复学 per ISO week: one column per week.
 * @param {{ week: string, from: string, to: string, returned: number }[]} weeks
 */
export function weeklyReturnsChart(weeks) {
  return columns({
    id: 'weekly-returns',
    title: `近 ${weeks.length} 周复学人数（按 ISO 周）`,
    heads: ['周', '复学人数'],
    bars: weeks.map((w) => ({
      label: w.week.slice(5),
      long: `${w.week}（${w.from} 至 ${w.to}）`,
      value: w.returned,
      text: String(w.returned),
    })),
  });
}
