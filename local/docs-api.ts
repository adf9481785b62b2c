import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ApiPorts } from '../functions/api/api-deps.ts';
import type { Route } from '../functions/api/router.ts';
import { buildRouter } from '../functions/api/routes.ts';
import { memoryMetrics } from '../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../shared/adapters/logger.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import { fixedClock } from '../shared/domain/time.ts';

/**
 * docs/api.md's route table, rendered from the router's route definitions (method, path, who may, summary):
 * `npm run docs:api` rewrites the part between the markers; test/unit/docs-api.test.ts fails when the file differs.
 */
export const BEGIN =
  '<!-- routes:begin (generated from the router by `npm run docs:api`; edit the routes, not this table) -->';
export const END = '<!-- routes:end -->';
export const DOC_PATH = fileURLToPath(new URL('../docs/api.md', import.meta.url));

/** Every route, the local-only ones included (the router adds them when a dev sign-in secret is set). */
export function apiRoutes(): Route<ApiPorts>[] {
  const unused = () => Promise.reject(new Error('docs only: no route runs'));
  const router = buildRouter(
    {
      doc: {} as never,
      tableName: 'docs',
      sms: { send: unused },
      timers: { createAt: unused, delete: unused, exists: unused, scheduledAt: unused, moveTo: unused },
      clock: fixedClock('2026-01-01T00:00:00Z'),
      newId: () => 'docs',
      log: memoryLog(),
      metrics: memoryMetrics(),
      config: loadConfigFile(),
      devAuthSecret: 'docs-only',
    },
    {} as ApiPorts,
  );
  return router.routes;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** Display width as the Markdown formatter (Biome) measures it: East Asian wide and full-width characters count 2. */
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u;
const width = (text: string) => [...text].reduce((n, ch) => n + (WIDE.test(ch) ? 2 : 1), 0);

/** The markdown table, one row per route in the router's order, padded as Biome formats a table. */
export function routeTable(routes: readonly Pick<Route<unknown>, 'method' | 'path' | 'who' | 'summary'>[]): string {
  const header = ['method', 'path', 'who may', 'summary'];
  const rows = routes.map((r) => [r.method, `\`${cell(r.path)}\``, cell(r.who), cell(r.summary)]);
  const widths = header.map((h, i) => Math.max(width(h), 3, ...rows.map((row) => width(row[i]!))));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c + ' '.repeat(widths[i]! - width(c))).join(' | ')} |`;
  return [line(header), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...rows.map(line)].join('\n');
}

/** The document with the table between the markers replaced; throws when the markers are missing. */
export function withRouteTable(doc: string, table: string): string {
  const from = doc.indexOf(BEGIN);
  const to = doc.indexOf(END);
  if (from < 0 || to < from) throw new Error(`docs/api.md: markers ${BEGIN} … ${END} not found`);
  return `${doc.slice(0, from + BEGIN.length)}\n${table}\n${doc.slice(to)}`;
}

export const renderedApiDoc = (doc: string) => withRouteTable(doc, routeTable(apiRoutes()));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const before = readFileSync(DOC_PATH, 'utf8');
  const after = renderedApiDoc(before);
  if (after !== before) writeFileSync(DOC_PATH, after);
  console.log(after === before ? 'docs/api.md is up to date' : 'docs/api.md: route table rewritten');
}
