import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// Routes are adapters: a `handle` parses its input, checks access through one domain function, calls one use case
// and returns one view (shared/domain/views/). Anything longer belongs in the domain or a use case.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const API = 'functions/api';
/** The most lines a `handle` may take (from `handle` to the end of its body, both included). */
const MAX_HANDLE_LINES = 25;

interface HandleSize {
  file: string;
  line: number;
  key: string;
  lines: number;
}

/** The string value of a property of an object literal (`method`, `path`), or a template's text with `${…}` kept. */
function propText(obj: ts.ObjectLiteralExpression, name: string, src: ts.SourceFile): string | undefined {
  for (const p of obj.properties) {
    if (!ts.isPropertyAssignment(p) || p.name.getText(src) !== name) continue;
    const v = p.initializer;
    if (ts.isStringLiteral(v) || ts.isNoSubstitutionTemplateLiteral(v)) return v.text;
    return v.getText(src);
  }
  return undefined;
}

/** Every `handle` property or method of an object literal in a source text, with its size in lines. */
function handleSizes(file: string, text: string): HandleSize[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: HandleSize[] = [];
  const lineOf = (pos: number) => src.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (n: ts.Node) => {
    if (ts.isObjectLiteralExpression(n)) {
      for (const p of n.properties) {
        if (!(ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p)) || p.name.getText(src) !== 'handle') continue;
        const start = lineOf(p.getStart(src));
        const key = `${propText(n, 'method', src) ?? '?'} ${propText(n, 'path', src) ?? '?'}`;
        found.push({ file, line: start, key, lines: lineOf(p.getEnd()) - start + 1 });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
  return found;
}

const routeFiles = readdirSync(join(ROOT, API))
  .filter((f) => /^routes.*\.ts$/.test(f))
  .map((f) => join(API, f));

describe('routes are adapters: every handle in functions/api/routes*.ts is short', () => {
  const sizes = routeFiles.flatMap((f) => handleSizes(f, readFileSync(join(ROOT, f), 'utf8')));

  it('finds the handles of every route file', () => {
    expect(routeFiles.length).toBeGreaterThanOrEqual(5);
    expect(sizes.length).toBeGreaterThanOrEqual(30);
    for (const s of sizes) expect(s.key, `${s.file}:${s.line}`).toMatch(/^(GET|POST|PATCH) `?\/api\//);
  });

  it(`no handle body is over ${MAX_HANDLE_LINES} lines`, () => {
    const over = sizes
      .filter((s) => s.lines > MAX_HANDLE_LINES)
      .map((s) => `${s.file}:${s.line} ${s.key}: ${s.lines} lines`);
    expect(over).toEqual([]);
  });

  it('measures a handle from its name to the end of its body, property or method', () => {
    const text = [
      'export const r = [',
      "  { method: 'GET', path: '/api/a', handle: async () => {",
      '      return 1;',
      '    } },',
      `  { method: 'POST', path: \`/api/b/\${x}\`, async handle() { return 2; } },`,
      '];',
    ].join('\n');
    expect(handleSizes('x.ts', text)).toEqual([
      { file: 'x.ts', line: 2, key: 'GET /api/a', lines: 3 },
      { file: 'x.ts', line: 5, key: `POST \`/api/b/\${x}\``, lines: 1 },
    ]);
  });
});
