// @ts-check
// The HTTP API (docs/api.md) as the console calls it: bearer token, idempotency keys, Chinese error messages.
import { flash, nav, state } from './shared.js';

/** An API refusal: the status, the API's code and its field issues. */
export class ApiError extends Error {
  /**
   * @param {string} msg
   * @param {number} status
   * @param {{ code?: string, message?: string, issues?: { field: string, reason: string }[], [k: string]: any }} [details]
   */
  constructor(msg, status, details = {}) {
    super(msg);
    this.status = status;
    this.code = details.code;
    this.details = details;
    this.issues = details.issues ?? [];
  }
}

/**
 * The message a person reads for a refused request: the field issues, else the API's message, else the status.
 * @param {number} status
 * @param {any} data
 */
export function errorMessage(status, data) {
  const issues = (data?.error?.issues ?? []).map((/** @type {any} */ i) => `${i.field}：${i.reason}`).join('；');
  return issues || data?.error?.message || `请求失败（${status}）`;
}

/**
 * Headers of a request: JSON, the bearer token, an Idempotency-Key on every POST.
 * @param {string} method
 * @param {string | null} token
 * @param {string} [key]
 * @returns {Record<string, string>}
 */
export function requestHeaders(method, token, key) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (method === 'POST') headers['idempotency-key'] = key ?? crypto.randomUUID();
  return headers;
}

/**
 * One API call. `key`: the Idempotency-Key of a POST (a form keeps one per opening, so a double submit records once).
 * @param {'GET' | 'POST' | 'PATCH'} method
 * @param {string} path
 * @param {unknown} [body]
 * @param {string} [key]
 * @returns {Promise<any>}
 */
export async function api(method, path, body, key) {
  const res = await fetch(path, {
    method,
    headers: requestHeaders(method, state.token, key),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (data.asOf) state.clockOffset = Date.parse(data.asOf) - Date.now();
  if (res.status === 401 && path !== '/api/dev/sign-in') {
    nav.signOut();
    throw new ApiError('登录已失效，请重新登录', 401);
  }
  if (!res.ok) throw new ApiError(errorMessage(res.status, data), res.status, data.error ?? {});
  return data;
}

/**
 * A query string from the set values only.
 * @param {Record<string, string | number | null | undefined>} params
 */
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/**
 * Downloads a file the API makes (an export, a template) with the bearer token.
 * @param {string} path
 * @param {string} fallbackName
 */
export async function downloadFile(path, fallbackName) {
  try {
    /** @type {Record<string, string>} */
    const headers = state.token ? { authorization: `Bearer ${state.token}` } : {};
    const res = await fetch(path, { headers });
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      throw new Error(data.error?.message ?? `导出失败（${res.status}）`);
    }
    const cd = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    const name = star?.[1] ? decodeURIComponent(star[1]) : fallbackName;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    flash(`已导出：${name}`);
  } catch (e) {
    flash(e instanceof Error ? e.message : String(e), true);
  }
}

/**
 * Blank import templates behind `button[data-template]` in `container`.
 * @param {HTMLElement} container
 */
export function bindTemplateButtons(container) {
  container.addEventListener('click', (ev) => {
    const b = /** @type {HTMLElement | null} */ (
      /** @type {HTMLElement} */ (ev.target).closest('button[data-template]')
    );
    if (b) downloadFile(`/api/templates/${b.dataset.template}`, 'template.xlsx');
  });
}
