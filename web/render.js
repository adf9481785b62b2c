// @ts-check
// The console's one way to build markup: the `html` tagged template escapes every interpolated value unless it is
// already SafeHtml (made by `html` itself), joins arrays, and drops null/undefined/false. `mount` is the only
// place that writes markup into the page (test/unit/web-render.test.ts fails on any other innerHTML write).

/** Markup built by `html`: safe to put into the page as is. */
export class SafeHtml {
  /** @param {string} value */
  constructor(value) {
    /** @readonly */
    this.value = value;
  }
  toString() {
    return this.value;
  }
}

/** @type {Record<string, string>} */
const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

/**
 * Escapes text for HTML text and quoted attribute values.
 * @param {unknown} value
 * @returns {string}
 */
export function escapeHtml(value) {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ENTITIES[c] ?? c);
}

/**
 * One interpolated value as markup.
 * @param {unknown} value
 * @returns {string}
 */
function part(value) {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(part).join('');
  return escapeHtml(value);
}

/**
 * The escaping tagged template: html`<td>${value}</td>`.
 * @param {TemplateStringsArray} strings
 * @param {...unknown} values
 * @returns {SafeHtml}
 */
export function html(strings, ...values) {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '');
  return new SafeHtml(out);
}

/** The empty markup. */
export const nothing = new SafeHtml('');

/**
 * Replaces the content of `el` with `content` (the only innerHTML write in the console).
 * @param {Element} el
 * @param {SafeHtml} content
 */
export function mount(el, content) {
  if (!(content instanceof SafeHtml)) throw new TypeError('mount() takes SafeHtml from html``');
  el.innerHTML = content.value;
}

/**
 * Inserts `content` after `el` (insertAdjacentHTML 'afterend', through the same check).
 * @param {Element} el
 * @param {SafeHtml} content
 */
export function mountAfter(el, content) {
  if (!(content instanceof SafeHtml)) throw new TypeError('mountAfter() takes SafeHtml from html``');
  el.insertAdjacentHTML('afterend', content.value);
}
