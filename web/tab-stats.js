// @ts-check
// 乡镇统计: statistics per township and school for a period, and the ledger exports / import templates.
import { api, bindTemplateButtons, downloadFile } from './api.js';
import { isoWeeks, onTimeChart, openByStateChart, percent, returnsOf, weeklyReturnsChart } from './charts.js';
import { html, mount, nothing } from './render.js';
import { $, $$, cstToday, fmt, me, serverNow, state } from './shared.js';

export { percent };

/** @type {[string, string][]} */
const STATS_COLUMNS = [
  ['reportsDue', '应报'],
  ['onTimeRate', '按时报送率'],
  ['casesOpened', '新立案'],
  ['casesReturned', '复学'],
  ['noticesLapsed', '通知书逾期'],
  ['townshipOrders', '乡镇责令（按期复学/逾期/其他结案/未结）'],
  ['casesOpenAtEnd', '期末在办'],
  ['medianDaysToReturn', '复学中位天数'],
  ['visits', '跟踪家访（完成/应访）'],
];

/**
 * One cell of the statistics table as text.
 * @param {any} row
 * @param {string} key
 */
export function statsCell(row, key) {
  if (key === 'onTimeRate') return percent(row.onTimeRate);
  if (key === 'medianDaysToReturn') return row.medianDaysToReturn === null ? '—' : String(row.medianDaysToReturn);
  if (key === 'visits') return `${row.visitsDone}/${row.visitsDue}`;
  // Township orders made in the period and where they stand: 3（1/1/0/1）.
  if (key === 'townshipOrders')
    return `${row.townshipOrders}（${row.townshipOrdersReturned}/${row.townshipOrdersLapsed}/${row.townshipOrdersEnded}/${row.townshipOrdersOpen}）`;
  return String(row[key]);
}

/**
 * @param {any[]} rows
 * @param {string} nameKey
 * @param {'township' | 'school'} idKey
 * @param {string} label
 * @param {boolean} clickable
 */
export function statsTable(rows, nameKey, idKey, label, clickable) {
  const body = rows.map(
    (r) =>
      html`<tr data-${idKey}="${r[idKey === 'township' ? 'townshipId' : 'schoolId']}"${clickable ? html` class="drill" tabindex="0"` : ''}><td>${r[nameKey]}${clickable ? ' ›' : ''}</td>${STATS_COLUMNS.map(([k]) => html`<td>${statsCell(r, k)}</td>`)}</tr>`,
  );
  return html`<div class="table-wrap"><table class="stats-table"><thead><tr><th>${label}</th>${STATS_COLUMNS.map(([, l]) => html`<th>${l}</th>`)}</tr></thead><tbody>${
    body.length > 0 ? body : html`<tr><td colspan="${STATS_COLUMNS.length + 1}">暂无数据</td></tr>`
  }</tbody></table></div>`;
}

/**
 * One cell of the priority-group table: opened / returned / open at the end.
 * @param {{ casesOpened: number, casesReturned: number, casesOpenAtEnd: number } | undefined} g
 */
export function groupCell(g) {
  return g ? `${g.casesOpened}/${g.casesReturned}/${g.casesOpenAtEnd}` : '—';
}

/**
 * Case figures per priority group, one row per township or school. The server sends only the groups the viewer may
 * see on each row (脱贫户 for the office and the school itself, R9): the columns are the groups any row carries.
 * @param {any[]} rows
 * @param {string} nameKey
 * @param {string} label
 */
export function groupsTable(rows, nameKey, label) {
  /** @type {string[]} */
  const groups = [];
  for (const r of rows) for (const g of r.groups ?? []) if (!groups.includes(g.group)) groups.push(g.group);
  if (groups.length === 0) return '';
  /** @param {any} r @param {string} name */
  const of = (r, name) => (r.groups ?? []).find((/** @type {any} */ g) => g.group === name);
  const body = rows.map(
    (r) => html`<tr><td>${r[nameKey]}</td>${groups.map((g) => html`<td>${groupCell(of(r, g))}</td>`)}</tr>`,
  );
  return html`<h4>重点群体（新立案/复学/期末在办）</h4><div class="table-wrap"><table class="stats-table groups-table"><thead><tr><th>${label}</th>${groups.map((g) => html`<th>${g}</th>`)}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/**
 * The period of a preset button.
 * @param {string} preset
 * @param {number} [now]
 */
export function statsPeriod(preset, now = serverNow()) {
  const today = cstToday(0, now);
  if (preset === 'last-month') {
    const first = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
    const lastOfPrev = new Date(first.getTime() - 86_400_000).toISOString().slice(0, 10);
    return { from: `${lastOfPrev.slice(0, 7)}-01`, to: lastOfPrev };
  }
  if (preset === 'last-30') return { from: cstToday(-29, now), to: today };
  return { from: `${today.slice(0, 7)}-01`, to: today };
}

/**
 * The statistics of a period: county line, township table (or the school's own).
 * @param {any} data
 */
export function statsResultHtml(data) {
  const c = data.county;
  const county = c
    ? html`<p class="stats-county">全县：通知书逾期 ${c.noticesLapsed} 份；乡镇责令 ${c.townshipOrders} 份，其中按期复学 ${c.townshipOrdersReturned}、逾期未复学 ${c.townshipOrdersLapsed}、其他结案 ${c.townshipOrdersEnded}、未结 ${c.townshipOrdersOpen}</p>`
    : '';
  const head = html`<p class="muted">统计期间：${data.range.from} 至 ${data.range.to}（截至 ${fmt(data.asOf)}）</p>${county}`;
  const countyGroups = c?.groups ? groupsTable([{ name: '全县', groups: c.groups }], 'name', '范围') : '';
  return data.townships.length > 0
    ? html`${head}<h3>各乡镇</h3><p class="muted">点击乡镇查看各校明细</p>${statsTable(data.townships, 'townshipName', 'township', '乡镇', true)}${groupsTable(data.townships, 'townshipName', '乡镇')}${countyGroups}<div id="stats-schools"></div>`
    : html`${head}<h3>本校</h3>${statsTable(data.schools, 'schoolName', 'school', '学校', false)}${groupsTable(data.schools, 'schoolName', '学校')}`;
}

/** @param {{ from: string, to: string }} p */
function statsForm(p) {
  return html`<form id="stats-form" class="panel stats-form">
  <div class="grid2">
    <label>开始日期 <input type="date" name="from" value="${p.from}" required></label>
    <label>结束日期 <input type="date" name="to" value="${p.to}" required></label>
  </div>
  <div class="actions">
    <button type="button" class="secondary" data-preset="this-month">本月</button>
    <button type="button" class="secondary" data-preset="last-month">上月</button>
    <button type="button" class="secondary" data-preset="last-30">近30天</button>
    <button type="submit" class="primary">查询</button>
  </div>
</form>
<div id="stats-result"></div>
<div id="stats-charts" class="charts"></div>
<div id="stats-exports"></div>`;
}

/** @param {{ from: string, to: string }} [period] */
export async function renderStats(period) {
  const box = $('#stats');
  // Built once per signed-in person (another sign-in gets its own exports panel).
  if (box.dataset.for !== me().principal.personId) {
    box.dataset.for = me().principal.personId;
    mount(box, statsForm(statsPeriod('this-month')));
    $('#stats-form').addEventListener('submit', (/** @type {Event} */ ev) => {
      ev.preventDefault();
      renderStats();
    });
    $('#stats-form').addEventListener('click', (/** @type {Event} */ ev) => {
      const b = /** @type {HTMLElement} */ (ev.target).closest('button[data-preset]');
      if (!(b instanceof HTMLElement)) return;
      const p2 = statsPeriod(b.dataset.preset ?? '');
      $('#stats-form [name=from]').value = p2.from;
      $('#stats-form [name=to]').value = p2.to;
      renderStats();
    });
    $('#stats-result').addEventListener('click', (/** @type {Event} */ ev) => {
      const row = /** @type {HTMLElement} */ (ev.target).closest('tr[data-township]');
      if (row instanceof HTMLElement) renderStatsSchools(row.dataset.township ?? '');
    });
    $('#stats-result').addEventListener('keydown', (/** @type {KeyboardEvent} */ ev) => {
      const row = /** @type {HTMLElement} */ (ev.target).closest('tr[data-township]');
      if (row instanceof HTMLElement && ev.key === 'Enter') renderStatsSchools(row.dataset.township ?? '');
    });
    renderExports($('#stats-exports'));
  }
  const q = period ?? { from: $('#stats-form [name=from]').value, to: $('#stats-form [name=to]').value };
  const out = $('#stats-result');
  try {
    const data = await api('GET', `/api/statistics?${new URLSearchParams(q)}`);
    state.stats = data;
    mount(out, statsResultHtml(data));
  } catch (e) {
    mount(out, html`<p class="panel error" role="alert">${e instanceof Error ? e.message : String(e)}</p>`);
    return;
  }
  // The charts below the table: a failure there leaves the table as it is.
  await renderStatsCharts().catch((e) =>
    mount(
      $('#stats-charts'),
      html`<p class="panel error" role="alert">${e instanceof Error ? e.message : String(e)}</p>`,
    ),
  );
}

/** How long the period-independent chart data (open cases now, the last weeks' returns) is reused. */
export const CHARTS_TTL_MS = 5 * 60_000;

/**
 * Whether the cached chart data still serves: the same person, the same CST day, fetched less than 5 minutes ago.
 * @param {{ personId: string, today: string, at: number } | null | undefined} cache
 * @param {string} personId
 * @param {string} today
 * @param {number} now
 */
export function chartsFresh(cache, personId, today, now) {
  return Boolean(cache && cache.personId === personId && cache.today === today && now - cache.at < CHARTS_TTL_MS);
}

/**
 * The charts of the statistics tab: on-time rate per township of the chosen period, open cases per state now,
 * returns per ISO week over the last 8 weeks.
 * @param {{ townships: any[], schools: any[] }} data the statistics of the chosen period
 * @param {{ total: number, byState: Record<string, number> } | null} openCases null when not available
 * @param {{ week: string, from: string, to: string, returned: number }[] | null} weeks null when not available
 */
export function statsChartsHtml(data, openCases, weeks) {
  const rates =
    data.townships.length > 0
      ? data.townships
      : data.schools.map((/** @type {any} */ s) => ({ ...s, townshipId: s.schoolId, townshipName: s.schoolName }));
  return html`<div class="panel charts-panel"><h3>图表</h3><div class="chart-grid">${onTimeChart(rates)}${
    openCases ? openByStateChart(openCases) : ''
  }${weeks ? weeklyReturnsChart(weeks) : ''}</div></div>`;
}

/** The charts of the statistics shown (`state.stats`, read after the fetches: a later query may have replaced it). */
async function renderStatsCharts() {
  const today = cstToday();
  const personId = me().principal.personId;
  if (!chartsFresh(state.statsCharts, personId, today, serverNow())) {
    const weeks = isoWeeks(today, 8);
    // The API has no weekly series: one statistics request per ISO week (each reads 1–2 aggregate buckets).
    const [openCases, ...replies] = await Promise.all([
      api('GET', '/api/statistics/open-cases').catch(() => null),
      ...weeks.map((w) =>
        api('GET', `/api/statistics?${new URLSearchParams({ from: w.from, to: w.to })}`).catch(() => null),
      ),
    ]);
    state.statsCharts = {
      personId,
      today,
      at: serverNow(),
      openCases,
      weeks: replies.every(Boolean) ? weeks.map((w, i) => ({ ...w, returned: returnsOf(replies[i]) })) : null,
    };
  }
  mount($('#stats-charts'), statsChartsHtml(state.stats, state.statsCharts.openCases, state.statsCharts.weeks));
}

/** @param {string} townshipId */
function renderStatsSchools(townshipId) {
  const data = state.stats;
  if (!data) return;
  const t = data.townships.find((/** @type {any} */ x) => x.townshipId === townshipId);
  const rows = data.schools.filter((/** @type {any} */ s) => s.townshipId === townshipId);
  for (const r of $$('#stats-result tr[data-township]'))
    r.classList.toggle('selected', r.dataset.township === townshipId);
  mount(
    $('#stats-schools'),
    html`<h3>${t?.townshipName ?? townshipId} · 各校</h3>${statsTable(rows, 'schoolName', 'school', '学校', false)}${groupsTable(rows, 'schoolName', '学校')}`,
  );
}

/**
 * Ledger export buttons (CSV / XLSX) for the roles that may export, and the blank import templates.
 * @param {string | undefined} role
 * @param {boolean} mayExport
 */
export function exportsHtml(role, mayExport) {
  // Blank import templates: the office fills the directory, schools their 学籍花名册 (no personal data inside).
  const templates =
    role === 'office' || role === 'school-head'
      ? html`<div class="panel exports"><h3>导入模板</h3><p class="muted">填写后用 npm run cli -- import-directory / import-roll / import-register 导入（先 --dry-run 查看差异）。</p>
  <div class="actions">
    ${role === 'office' ? html`<button type="button" class="secondary" data-template="directory">组织名录模板 XLSX</button>` : ''}
    <button type="button" class="secondary" data-template="roll">学籍花名册模板 XLSX</button>
    ${role === 'office' ? html`<button type="button" class="secondary" data-template="register">适龄儿童户籍名单模板 XLSX</button>` : ''}
  </div></div>`
      : nothing;
  if (!mayExport) return templates;
  return html`<div class="panel exports"><h3>台账导出</h3><p class="muted">按您的管辖范围导出；本校及办公室以外的学生姓名已脱敏。每次导出均记录在查阅日志中。</p>
  <div class="actions">
    <button type="button" class="secondary" data-export="roster" data-format="csv">辍学学生花名册 CSV</button>
    <button type="button" class="secondary" data-export="roster" data-format="xlsx">辍学学生花名册 XLSX</button>
    <button type="button" class="secondary" data-export="cases" data-format="csv">案件台账 CSV</button>
    <button type="button" class="secondary" data-export="all" data-format="xlsx">全部台账 XLSX</button>
    <button type="button" class="secondary" data-roster-ledgers>三本台账（适龄儿童 / 疑似辍学 / 辍学）XLSX</button>
  </div></div>${templates}`;
}

/** @param {HTMLElement} container */
function renderExports(container) {
  const m = me();
  mount(container, html`${exportsHtml(m.principal.role, Boolean(m.may.exportLedgers))}`);
  bindTemplateButtons(container);
  if (!m.may.exportLedgers) return;
  container.addEventListener('click', (ev) => {
    const target = /** @type {HTMLElement} */ (ev.target);
    const b = target.closest('button[data-export]');
    if (b instanceof HTMLElement)
      downloadFile(
        `/api/exports/ledgers?${new URLSearchParams({ ledger: b.dataset.export ?? '', format: b.dataset.format ?? '' })}`,
        `ledger.${b.dataset.format}`,
      );
    // 四查三比对's three ledgers (docs/rosters.md): scoped and masked by the API.
    if (target.closest('button[data-roster-ledgers]'))
      downloadFile('/api/roster-ledgers?format=xlsx', 'roster-ledgers.xlsx');
  });
}
