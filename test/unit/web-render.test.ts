import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** web/render.js is plain browser JS (checked by `tsc -p web`); imported by a variable path like cloud-auth.js. */
interface SafeHtmlLike {
  value: string;
}
interface RenderModule {
  html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtmlLike;
  escapeHtml(value: unknown): string;
  mount(el: { innerHTML: string }, content: unknown): void;
}
const renderPath = '../../web/render.js';
const { html, escapeHtml, mount } = (await import(renderPath)) as RenderModule;
const WEB = new URL('../../web/', import.meta.url);

describe('html tagged template', () => {
  it('escapes hostile strings in text and attributes', () => {
    const hostile = `<script>alert("x")</script>&'\``;
    expect(html`<td title="${hostile}">${hostile}</td>`.value).toBe(
      '<td title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;&#96;</td>',
    );
  });

  it('keeps nested SafeHtml, joins arrays, drops null/undefined/false, prints 0', () => {
    const rows = ['甲', '<乙>'].map((n) => html`<li>${n}</li>`);
    expect(html`<ul>${rows}</ul>${null}${undefined}${false}${0}`.value).toBe(
      '<ul><li>甲</li><li>&lt;乙&gt;</li></ul>0',
    );
  });

  it('escapes a plain string that looks like markup (only html`` output is trusted)', () => {
    expect(html`${'<b>x</b>'}`.value).toBe('&lt;b&gt;x&lt;/b&gt;');
    expect(escapeHtml(undefined)).toBe('');
  });

  it('mount refuses a plain string', () => {
    const el = { innerHTML: '' };
    expect(() => mount(el, '<b>x</b>')).toThrow(TypeError);
    mount(el, html`<b>${'<i>'}</b>`);
    expect(el.innerHTML).toBe('<b>&lt;i&gt;</b>');
  });
});

describe('web/ sources', () => {
  const files = readdirSync(WEB).filter((f) => f.endsWith('.js'));

  it('writes markup only through render.js (no innerHTML / insertAdjacentHTML elsewhere)', () => {
    const offenders = files
      .filter((f) => f !== 'render.js')
      .filter((f) =>
        /innerHTML|outerHTML|insertAdjacentHTML|document\.write/.test(readFileSync(new URL(f, WEB), 'utf8')),
      );
    expect(offenders).toEqual([]);
    const render = readFileSync(new URL('render.js', WEB), 'utf8');
    expect(render.match(/\.innerHTML = /g)).toHaveLength(1);
    expect(render.match(/insertAdjacentHTML\(/g)).toHaveLength(1);
  });

  it('type-checks every module (// @ts-check first line)', () => {
    expect(files.length).toBeGreaterThanOrEqual(10);
    for (const f of files) expect(readFileSync(new URL(f, WEB), 'utf8').startsWith('// @ts-check'), f).toBe(true);
  });
});
