// @ts-check
// What every tab shares: the signed-in state, DOM lookups, dates in Beijing time, the flash line, view switching.
// Nothing here touches the page at import time (the unit tests import the tab modules under Node).

/**
 * @typedef {{ id: string, name: string, townshipId?: string }} School
 * @typedef {{ id: string, name: string, schoolId?: string }} Staff
 * @typedef {{ id: string, name: string }} Township
 * @typedef {{
 *   principal: { personId: string, name?: string, role: string, schoolId?: string, townshipId?: string },
 *   roleLabel: string,
 *   may: Record<string, boolean>,
 *   org: { schools: School[], staff: Staff[], townships: Township[] },
 *   calendar?: { gaps?: { message: string, command: string }[], terms?: string[] },
 * }} Me
 */

/**
 * The console's state: the bearer token, who is signed in, the server clock offset and per-tab memory.
 * @type {{ token: string | null, me: Me | null, clockOffset: number, [key: string]: any }}
 */
export const state = { token: null, me: null, clockOffset: 0 };

/** The signed-in person (the tabs run only after sign-in). */
export function me() {
  if (!state.me) throw new Error('未登录');
  return state.me;
}

/**
 * The element matching `sel` (throws when the page lacks it: a wiring error, not a user error).
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {any}
 */
export function $(sel, root = document) {
  const el = root.querySelector(sel);
  if (!el) throw new Error(`页面缺少元素 ${sel}`);
  return el;
}

/**
 * The element matching `sel`, or null.
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {any}
 */
export function $maybe(sel, root = document) {
  return root.querySelector(sel);
}

/**
 * @param {string} sel
 * @param {ParentNode} [root]
 * @returns {HTMLElement[]}
 */
export function $$(sel, root = document) {
  return /** @type {HTMLElement[]} */ ([...root.querySelectorAll(sel)]);
}

/**
 * A date-time as `3/9 17:00` in Beijing time ('' when missing).
 * @param {string | null | undefined} iso
 */
export function fmt(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Server "now" (the local runtime may run a virtual clock): browser time plus the offset seen on the last reply. */
export const serverNow = () => Date.now() + state.clockOffset;

/**
 * @param {string} deadline
 * @param {number} [now]
 */
export function countdown(deadline, now = serverNow()) {
  const ms = Date.parse(deadline) - now;
  if (ms <= 0) return { text: '已逾期', over: true };
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return { text: `剩余 ${d}天${h}小时${m}分`, over: false };
}

/**
 * CST calendar date of the server clock, shifted by whole days.
 * @param {number} [offsetDays]
 * @param {number} [now]
 */
export function cstToday(offsetDays = 0, now = serverNow()) {
  return new Date(now + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Beijing-time `YYYY-MM-DD HH:mm` of the server's now, as a form's default. */
export function cstNowText() {
  return new Date(serverNow() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

/** @type {ReturnType<typeof setTimeout> | undefined} */
let flashTimer;
/**
 * The status line under the tabs (red when `bad`).
 * @param {string} text
 * @param {boolean} [bad]
 */
export function flash(text, bad = false) {
  const el = $('#flash');
  el.textContent = text;
  el.hidden = false;
  el.classList.toggle('bad', bad);
  clearTimeout(flashTimer);
  flashTimer = setTimeout(() => {
    el.hidden = true;
  }, 6000);
}

/**
 * Shows one view and marks its tab.
 * @param {string} view
 */
export function show(view) {
  for (const v of $$('.view')) v.hidden = v.dataset.view !== view;
  for (const b of $$('.tabs button')) b.classList.toggle('active', b.dataset.tab === view);
}

/**
 * Hooks app.js sets at start: opening a tab, signing out (the tab modules do not import app.js).
 * @type {{ openTab: (tab: string) => Promise<void>, signOut: () => void }}
 */
export const nav = {
  openTab: async () => {},
  signOut: () => {},
};

/**
 * The message of a thrown value.
 * @param {unknown} e
 */
export const message = (e) => (e instanceof Error ? e.message : String(e));

/**
 * Shows a field's error (appended to one already shown).
 * @param {ParentNode} form
 * @param {string} key
 * @param {string} text
 */
export function showFieldError(form, key, text) {
  const el = $(`[data-error-for="${key}"]`, form);
  el.textContent = el.textContent ? `${el.textContent}；${text}` : text;
  el.hidden = false;
}

/** @param {ParentNode} form */
export function clearErrors(form) {
  for (const el of $$('.field-error', form)) {
    el.hidden = true;
    el.textContent = '';
  }
}
