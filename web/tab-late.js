// @ts-check
// 迟报看板: the late reports per township, the ladder level of each, and the viewer's acknowledge button.
import { api } from './api.js';
import { lateFiltersHtml, latePagerHtml, lateQueryPath, lateSummaryHtml } from './late-view.js';
import { html, mount } from './render.js';
import { $, flash, fmt, me, message } from './shared.js';

/**
 * @typedef {{ level: number, personIds: string[], acknowledged?: { by: string, at: string } | null }} LateEscalation
 * @typedef {{ slotId?: string, schoolId: string, schoolName: string, cadence: string, cadenceLabel: string,
 *   periodKey: string, deadline: string, overdueMinutes: number, level: number, levelCount?: number, stage: string,
 *   reached?: string, escalations?: LateEscalation[] }} LateRow
 * @typedef {{ townshipId: string, townshipName: string, reports: LateRow[] }} LateTownship
 * @typedef {{ asOf?: string, townships: LateTownship[], nextCursor?: string,
 *   summary?: import('./late-view.js').LateSummary }} LateBoard
 * @typedef {{ personId: string, role: string }} Viewer
 */

/**
 * Who took the ladder on, and the viewer's button for a level that reached them and nobody acknowledged yet.
 * @param {LateRow} r
 * @param {Viewer} viewer
 */
export function lateAckLine(r, viewer) {
  const done = (r.escalations ?? []).filter((e) => e.acknowledged);
  const mine = (r.escalations ?? [])
    .filter((e) => !e.acknowledged && (viewer.role === 'office' || e.personIds.includes(viewer.personId)))
    .at(-1);
  return html`${done.map(
    (e) =>
      html`<div class="muted">第${e.level}级已由 ${e.acknowledged?.by} 确认跟进（${fmt(e.acknowledged?.at)}）</div>`,
  )}${
    mine
      ? html`<button type="button" class="secondary" data-act="ack-report" data-slot="${r.slotId}" data-level="${mine.level}">确认跟进第${mine.level}级催报</button>`
      : ''
  }`;
}

/**
 * One late report as a card coloured by its ladder level.
 * @param {LateRow} r
 * @param {Viewer} viewer
 */
export function lateCard(r, viewer) {
  const lv = Math.max(0, Math.min(Number(r.level) || 0, 4));
  return html`<div class="card lv lv${lv}"><div class="title">${r.schoolName}</div><div>${r.cadenceLabel} ${r.periodKey} · 截止 ${fmt(r.deadline)}</div><div>逾期 ${Math.floor(r.overdueMinutes / 60)} 小时 · ${r.stage}${r.reached ? html`（已通知：${r.reached}）` : ''}</div>${lateAckLine(r, viewer)}</div>`;
}

/**
 * The board's townships and their cards.
 * @param {LateBoard} data
 * @param {Viewer} viewer
 */
export function lateBoardHtml(data, viewer) {
  if (data.townships.length === 0) return html`<p class="panel">当前没有迟报的学校。</p>`;
  return html`${data.townships.map(
    (t) =>
      html`<section class="township" data-township="${t.townshipId}"><h3>${t.townshipName} <span class="muted">${t.reports.length} 所迟报</span></h3><div class="cards">${t.reports.map((r) => lateCard(r, viewer))}</div></section>`,
  )}`;
}

/**
 * The board's state between renders: the filters, the cursors of the pages shown so far (the first page has none),
 * and the townships in scope (from the first unfiltered summary, so the township filter can be changed back).
 * @type {{ filter: import('./late-view.js').LateFilter, cursors: (string | undefined)[],
 *   townships: { townshipId: string, townshipName: string }[] }}
 */
const board = { filter: {}, cursors: [undefined], townships: [] };

export async function renderLate() {
  const cursor = board.cursors.at(-1);
  /** @type {LateBoard} */
  const data = await api('GET', lateQueryPath(board.filter, cursor));
  if (!board.filter.townshipId && data.summary) board.townships = data.summary.townships;
  const root = $('#late-board');
  mount(
    root,
    html`${lateSummaryHtml(data.summary)}${lateFiltersHtml(board.townships, board.filter)}${lateBoardHtml(data, me().principal)}${latePagerHtml(data, board.cursors.length)}`,
  );
  const filters = /** @type {HTMLFormElement | null} */ (root.querySelector('#late-filters'));
  filters?.addEventListener('submit', async (e) => {
    e.preventDefault();
    const f = new FormData(filters);
    const value = (/** @type {string} */ name) => String(f.get(name) ?? '') || undefined;
    board.filter = { townshipId: value('townshipId'), cadence: value('cadence'), level: value('level') };
    board.cursors = [undefined];
    await renderLate();
  });
  root.querySelector('[data-act="late-next"]')?.addEventListener('click', async () => {
    board.cursors.push(data.nextCursor);
    await renderLate();
  });
  root.querySelector('[data-act="late-first"]')?.addEventListener('click', async () => {
    board.cursors = [undefined];
    await renderLate();
  });
  for (const b of root.querySelectorAll('[data-act="ack-report"]'))
    b.addEventListener('click', async () => {
      const { slot, level } = /** @type {HTMLElement} */ (b).dataset;
      const note = prompt('跟进说明（可空）：', '') ?? '';
      try {
        await api('POST', `/api/reports/slots/${encodeURIComponent(slot ?? '')}/escalations/${level}/acknowledge`, {
          note,
        });
        flash(`已确认跟进第${level}级催报`);
      } catch (e) {
        flash(message(e), true);
      }
      await renderLate();
    });
}
