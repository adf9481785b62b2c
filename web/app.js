// @ts-check
// 控辍保学工作台: a small vanilla-JS console over the HTTP API (docs/api.md). No build step: the browser loads this
// module and the tab modules it imports (web/tab-*.js); every markup write goes through render.js.
import { api } from './api.js';
import { cloud } from './cloud-auth.js'; // Cognito sign-in in the cloud; null locally (dev sign-in)
import { html, mount } from './render.js';
import { $, $$, flash, message, nav, serverNow, show, state } from './shared.js';
import { caseAction, escalationAction, renderCases, submitCaseEdit, tick } from './tab-cases.js';
import { renderFollowUp, wireFollowUp } from './tab-followup.js';
import { fillTeachers, options, submitCase, submitReport } from './tab-forms.js';
import { renderImports } from './tab-imports.js';
import { renderLate } from './tab-late.js';
import { renderStats } from './tab-stats.js';

state.token = cloud ? cloud.token() : localStorage.getItem('baoxue.token');

/** @param {string} tab */
async function openTab(tab) {
  show(tab);
  try {
    if (tab === 'late') await renderLate();
    if (tab === 'cases') await renderCases();
    if (tab === 'stats') await renderStats();
    if (tab === 'followup') await renderFollowUp();
    if (tab === 'imports') renderImports();
  } catch (e) {
    flash(message(e), true);
  }
}

// ---- sign-in ----
async function renderSignIn() {
  $('#sign-in').hidden = false;
  $('#app').hidden = true;
  $('#who').hidden = true;
  if (cloud) return cloud.showSignIn();
  try {
    const { people } = await api('GET', '/api/dev/people');
    mount(
      $('#person'),
      html`${people.map(
        (/** @type {any} */ p) =>
          html`<option value="${p.personId}">${p.name} · ${p.roleLabel}${p.schoolName ? html` · ${p.schoolName}` : ''}${p.townshipName ? html` · ${p.townshipName}` : ''}</option>`,
      )}`,
    );
  } catch {
    $('#sign-in-hint').textContent = '请通过教育局统一身份认证登录（Cognito）。';
    $('#person').closest('label').hidden = true;
    $('#sign-in-button').hidden = true;
  }
}

async function signIn() {
  if (cloud) return cloud.signIn();
  try {
    const { token } = await api('POST', '/api/dev/sign-in', { personId: $('#person').value });
    state.token = token;
    localStorage.setItem('baoxue.token', token);
    await start();
  } catch (e) {
    $('#sign-in-error').textContent = message(e);
  }
}

function signOut() {
  state.token = null;
  state.me = null;
  localStorage.removeItem('baoxue.token');
  if (cloud) return cloud.signOut();
  renderSignIn();
}

async function start() {
  const m = await api('GET', '/api/me');
  state.me = m;
  const { principal, roleLabel, may, org } = m;
  $('#sign-in').hidden = true;
  $('#app').hidden = false;
  $('#who').hidden = false;
  $('#who-name').textContent = `${principal.name ?? principal.personId}（${roleLabel}）`;
  renderCalendarBanner(m.calendar?.gaps ?? []);
  for (const b of $$('.tabs [data-needs]')) b.hidden = !may[b.dataset.needs ?? ''];
  const schoolOptions = options(org.schools);
  mount($('#report-school'), schoolOptions);
  mount($('#case-school'), schoolOptions);
  fillTeachers();
  mount($('#fu-school'), schoolOptions);
  $('#fu-school-label').hidden = org.schools.length <= 1;
  const y = new Date(serverNow() - 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
  $('#report-period').value = y;
  await openTab('late');
}

/**
 * The calendar cannot decide school days from a coming date (missing national year, no next term): say so on every page.
 * @param {{ message: string, command: string }[]} gaps
 */
function renderCalendarBanner(gaps) {
  const banner = $('#calendar-banner');
  banner.hidden = gaps.length === 0;
  mount(
    banner,
    html`${gaps.map((g) => html`<p>⚠ ${g.message}<br><span class="hint">核对命令：<code>${g.command}</code></span></p>`)}`,
  );
}

// ---- wiring ----
nav.openTab = openTab;
nav.signOut = signOut;
$('#sign-in-button').addEventListener('click', signIn);
$('#sign-out').addEventListener('click', signOut);
for (const b of $$('[data-tab]')) b.addEventListener('click', () => openTab(b.dataset.tab ?? 'late'));
$('#case-list').addEventListener('click', (/** @type {Event} */ ev) => {
  const button = /** @type {HTMLElement} */ (ev.target).closest('button[data-act]');
  if (!(button instanceof HTMLElement)) return;
  const card = /** @type {HTMLElement} */ (button.closest('[data-case]'));
  caseAction(card.dataset.case ?? '', button.dataset.act ?? '');
});
$('#report-form').addEventListener('submit', submitReport);
$('#case-detail').addEventListener('click', (/** @type {Event} */ ev) => {
  const button = /** @type {HTMLElement} */ (ev.target).closest('button[data-esc]');
  if (button instanceof HTMLElement) escalationAction(button);
});
$('#case-detail').addEventListener('submit', (/** @type {Event} */ ev) => {
  const form = /** @type {HTMLFormElement} */ (ev.target);
  if (form.id !== 'case-edit') return;
  ev.preventDefault();
  submitCaseEdit(form);
});
$('#case-form').addEventListener('submit', submitCase);
$('#fu-school').addEventListener('change', () => openTab('followup'));
wireFollowUp();
$('#case-school').addEventListener('change', fillTeachers);
setInterval(tick, 1000);

if (state.token) start().catch(() => signOut());
else renderSignIn();
