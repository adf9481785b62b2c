// @ts-check
// 迟报看板, pure parts: the summary table (filed/owed per township, on-time rate, coloured by the highest ladder
// level reached), the filters, the paging bar and the request path. No DOM, no fetch: tab-late.js wires them.
import { html } from './render.js';

/**
 * @typedef {{ townshipId: string, townshipName: string, owed: number, filed: number, late: number,
 *   onTime?: number, onTimeRate: number | null, byLevel: Record<string, number> }} SummaryTownship
 * @typedef {{ owed: number, filed: number, late: number, onTimeRate?: number | null, byLevel: Record<string, number> }} SummaryCounty
 * @typedef {{ period: { from: string, to: string }, county?: SummaryCounty, townships: SummaryTownship[] }} LateSummary
 * @typedef {{ townshipId?: string, cadence?: string, level?: string }} LateFilter
 */

/** Ladder levels the legend colours (a level past 4 shows as 4). */
const MAX_COLOUR = 4;

export const CADENCES = /** @type {const} */ ([
  ['daily', '日报'],
  ['weekly', '周报'],
  ['monthly', '月报'],
]);

/**
 * The highest ladder level any late report of the row has reached (0 when none is late or nothing was sent).
 * @param {Record<string, number>} byLevel
 */
export function topLevel(byLevel) {
  const levels = Object.entries(byLevel ?? {})
    .filter(([, n]) => n > 0)
    .map(([l]) => Number(l))
    .filter((l) => Number.isInteger(l) && l >= 0);
  return levels.length ? Math.min(Math.max(...levels), MAX_COLOUR) : 0;
}

/**
 * `92.5%`, or `—` when nothing was owed.
 * @param {number | null | undefined} rate
 */
export function rateText(rate) {
  return typeof rate === 'number' && Number.isFinite(rate) ? `${(rate * 100).toFixed(1)}%` : '—';
}

/**
 * `第1级 2 · 第3级 1`: the late reports by the level reached (level 0: 未提醒).
 * @param {Record<string, number>} byLevel
 */
export function levelsText(byLevel) {
  const parts = Object.entries(byLevel ?? {})
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([l, n]) => (l === '0' ? `未提醒 ${n}` : `第${l}级 ${n}`));
  return parts.length ? parts.join(' · ') : '—';
}

/**
 * One summary row: the late cell coloured by the highest level reached.
 * @param {string} name
 * @param {SummaryCounty} t
 * @param {string} [townshipId]
 */
function summaryRow(name, t, townshipId) {
  const lv = t.late > 0 ? topLevel(t.byLevel) : -1;
  return html`<tr${townshipId ? html` data-township="${townshipId}"` : ''}><th scope="row">${name}</th><td>${t.filed} / ${t.owed}</td><td class="${lv >= 0 ? `lv lv${lv}` : ''}">${t.late}</td><td>${rateText(t.onTimeRate)}</td><td>${levelsText(t.byLevel)}</td></tr>`;
}

/**
 * The summary table, shown above the cards: one row per township in scope (and the county for the office).
 * @param {LateSummary | undefined} summary
 */
export function lateSummaryHtml(summary) {
  if (!summary || summary.townships.length === 0) return html``;
  return html`<div class="table-wrap late-summary"><p class="muted">本月报表（${summary.period.from} 至 ${summary.period.to}）</p><table class="stats-table"><thead><tr><th>乡镇</th><th>已报 / 应报</th><th>迟报</th><th>按时率</th><th>催报级别</th></tr></thead><tbody>${summary.townships.map(
    (t) => summaryRow(t.townshipName, t, t.townshipId),
  )}${summary.county ? summaryRow('全县', summary.county) : ''}</tbody></table></div>`;
}

/**
 * The filters: township (those in the caller's scope), cadence, ladder level; the current choice selected.
 * @param {{ townshipId: string, townshipName: string }[]} townships
 * @param {LateFilter} filter
 */
export function lateFiltersHtml(townships, filter) {
  /** @param {string | undefined} current @param {string} value */
  const sel = (current, value) => (current === value ? html` selected` : '');
  return html`<form class="late-filters" id="late-filters"><label>乡镇 <select name="townshipId"><option value="">全部</option>${townships.map(
    (t) => html`<option value="${t.townshipId}"${sel(filter.townshipId, t.townshipId)}>${t.townshipName}</option>`,
  )}</select></label><label>类型 <select name="cadence"><option value="">全部</option>${CADENCES.map(
    ([v, l]) => html`<option value="${v}"${sel(filter.cadence, v)}>${l}</option>`,
  )}</select></label><label>催报级别 <select name="level"><option value="">全部</option>${[0, 1, 2, 3, 4].map(
    (l) => html`<option value="${l}"${sel(filter.level, String(l))}>${l === 0 ? '未提醒' : `第${l}级`}</option>`,
  )}</select></label><button type="submit" class="secondary">筛选</button></form>`;
}

/**
 * The paging bar: 下一页 while the server gave a cursor, 回到第一页 on a later page.
 * @param {{ nextCursor?: string }} data
 * @param {number} page 1 for the first page
 */
export function latePagerHtml(data, page) {
  if (!data.nextCursor && page <= 1) return html``;
  return html`<div class="late-pager"><span class="muted">第 ${page} 页</span>${
    page > 1 ? html`<button type="button" class="secondary" data-act="late-first">回到第一页</button>` : ''
  }${data.nextCursor ? html`<button type="button" data-act="late-next">下一页</button>` : ''}</div>`;
}

/**
 * The board's request: the filters that are set, and the cursor of the page asked for.
 * @param {LateFilter} filter
 * @param {string} [cursor]
 */
export function lateQueryPath(filter, cursor) {
  const q = new URLSearchParams();
  if (filter.townshipId) q.set('townshipId', filter.townshipId);
  if (filter.cadence) q.set('cadence', filter.cadence);
  if (filter.level) q.set('level', filter.level);
  if (cursor) q.set('cursor', cursor);
  const s = q.toString();
  return s ? `/api/reports/late?${s}` : '/api/reports/late';
}
