import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

function tsFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Relative module specifiers of a file (imports, type imports, re-exports and dynamic imports), as repo paths. */
function importsOf(file: string, text = readFileSync(join(ROOT, file), 'utf8')): string[] {
  const src = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const specs: string[] = [];
  const visit = (n: ts.Node) => {
    if (
      (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) &&
      n.moduleSpecifier &&
      ts.isStringLiteral(n.moduleSpecifier)
    )
      specs.push(n.moduleSpecifier.text);
    else if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments[0] &&
      ts.isStringLiteral(n.arguments[0])
    )
      specs.push(n.arguments[0].text);
    ts.forEachChild(n, visit);
  };
  visit(src);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(ROOT, dirname(file), s)));
}

/** Every import cycle (strongly connected component of more than one file, or a self-import), Tarjan's algorithm. */
function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const strong = (v: string) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        strong(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) strong(v);
  return found;
}

const graphOf = (files: Record<string, string>) =>
  new Map(Object.entries(files).map(([f, text]) => [f, importsOf(f, text)]));

describe('import graph of functions/ and shared/', () => {
  const files = [...tsFiles('functions'), ...tsFiles('shared')];
  const graph = new Map(files.map((f) => [f, importsOf(f)]));

  it('reads the graph (not vacuous: hundreds of files and edges)', () => {
    expect(files.length).toBeGreaterThan(100);
    expect([...graph.values()].flat().length).toBeGreaterThan(300);
    expect(graph.get('functions/api/index.ts')).toContain('functions/api/routes.ts');
  });

  it('has no import cycle, type-only imports included', () => {
    expect(cycles(graph)).toEqual([]);
  });

  it('never imports infra/ (infra imports functions and shared, not the other way)', () => {
    const intoInfra = [...graph].flatMap(([f, deps]) =>
      deps.filter((d) => d.startsWith('infra/')).map((d) => `${f} → ${d}`),
    );
    expect(intoInfra).toEqual([]);
  });

  it('the checks catch what they look for (a planted cycle, type-only and through a re-export; an infra import)', () => {
    const planted = graphOf({
      'functions/a.ts': "import type { B } from './b.ts';\nexport type A = B;",
      'functions/b.ts': "export { a } from './c.ts';\nexport type B = 1;",
      'functions/c.ts': "export const a = () => import('./a.ts');\nimport { M } from '../infra/metrics.ts';",
      'functions/d.ts': "import './d.ts';",
    });
    expect(cycles(planted)).toEqual([['functions/a.ts', 'functions/b.ts', 'functions/c.ts'], ['functions/d.ts']]);
    expect(planted.get('functions/c.ts')).toContain('infra/metrics.ts');
  });
});
