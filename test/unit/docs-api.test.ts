import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { apiRoutes, BEGIN, DOC_PATH, END, renderedApiDoc, routeTable, withRouteTable } from '../../local/docs-api.ts';

describe('docs/api.md route table (npm run docs:api)', () => {
  it('is what the script would write from the router (run `npm run docs:api` after changing a route)', () => {
    const doc = readFileSync(DOC_PATH, 'utf8');
    expect(doc).toBe(renderedApiDoc(doc));
  });

  it('lists every route once, each with who may call it and a summary', () => {
    const routes = apiRoutes();
    expect(routes.length).toBeGreaterThan(30);
    const keys = routes.map((r) => `${r.method} ${r.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const r of routes) {
      expect(r.who.trim(), `${r.method} ${r.path}: who`).not.toBe('');
      expect(r.summary.trim(), `${r.method} ${r.path}: summary`).not.toBe('');
    }
    const doc = readFileSync(DOC_PATH, 'utf8');
    const table = doc.slice(doc.indexOf(BEGIN), doc.indexOf(END));
    const listed = table
      .split('\n')
      .slice(3)
      .filter((row) => row.startsWith('|'))
      .map((row) => row.split(' | ').map((c) => c.replace(/^\| /, '').trim()));
    expect(listed.map(([method, path]) => `${method} ${path?.replace(/`/g, '')}`)).toEqual(keys);
    expect(keys).toContain('POST /api/cases/:caseId/notices/:noticeId/township-order');
  });

  it('escapes table pipes and line breaks, and refuses a document without the markers', () => {
    const table = routeTable([{ method: 'GET', path: '/a', who: 'x | y', summary: 'one\n  two' }]);
    expect(table.split('\n')).toEqual([
      '| method | path | who may | summary |',
      '| ------ | ---- | ------- | ------- |',
      '| GET    | `/a` | x \\| y  | one two |',
    ]);
    // Wide characters count 2, as the Markdown formatter pads them.
    expect(routeTable([{ method: 'GET', path: '/a', who: '乡镇', summary: 's' }]).split('\n')[2]).toBe(
      '| GET    | `/a` | 乡镇    | s       |',
    );
    expect(() => withRouteTable('# no markers', table)).toThrow(/markers/);
    expect(withRouteTable(`a\n${BEGIN}\nold\n${END}\nb`, 'T')).toBe(`a\n${BEGIN}\nT\n${END}\nb`);
  });
});
