import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Packages used without an import or a command, each with the reason. Keep it short. */
const USED_INDIRECTLY: Record<string, string> = {
  esbuild: 'CDK NodejsFunction bundles with the local esbuild when Docker is absent (cdk synth, bundle tests)',
  vite: 'peer dependency of vitest',
  'chinese-days':
    'its data file is resolved and read at run time (shared/domain/national-calendar.ts CHINESE_DAYS_JSON) and copied into every function asset; its API is the reference the calendar is checked against (test/unit/chinese-days-api.test.ts)',
};

interface Manifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  scripts?: Record<string, string>;
  bin?: string | Record<string, string>;
}

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

function sourceText(): string {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((f) => /\.(ts|js|mjs|cjs)$/.test(f));
  return files
    .map((f) => {
      try {
        return readFileSync(join(ROOT, f), 'utf8');
      } catch {
        return '';
      }
    })
    .join('\n');
}

/**
 * The package names a source imports, requires, resolves (`require.resolve`, `createRequire(…).resolve`) or dynamically
 * imports (`pkg`, `@scope/pkg`, `pkg/sub`).
 */
function importedPackages(text: string): Set<string> {
  const names = new Set<string>();
  const spec = /(?:from\s+|import\s*\(\s*|(?:require|\.resolve)\s*\(\s*|import\s+)['"`]([^'"`./][^'"`]*)/g;
  for (const m of text.matchAll(spec)) {
    const s = m[1] as string;
    const parts = s.split('/');
    names.add(s.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string));
  }
  return names;
}

/** The commands the project runs: npm scripts, cdk.json's app, the CI script. */
function commandText(manifest: Manifest): string {
  const cdk = readJson<{ app: string }>(join(ROOT, 'cdk.json')).app;
  return [...Object.values(manifest.scripts ?? {}), cdk, readFileSync(join(ROOT, '.ci/run'), 'utf8')].join('\n');
}

function binsOf(pkg: string): string[] {
  const file = join(ROOT, 'node_modules', pkg, 'package.json');
  if (!existsSync(file)) return [];
  const m = readJson<Manifest>(file);
  if (!m.bin) return [];
  return typeof m.bin === 'string' ? [pkg.split('/').pop() as string] : Object.keys(m.bin);
}

/** Every listed dependency that nothing imports, runs or needs: the list should be empty. */
function unusedDependencies(manifest: Manifest, source: string, commands: string): string[] {
  const imported = importedPackages(source);
  const listed = [...Object.keys(manifest.dependencies ?? {}), ...Object.keys(manifest.devDependencies ?? {})];
  const used = (pkg: string): boolean => {
    if (imported.has(pkg) || pkg in USED_INDIRECTLY) return true;
    if (pkg.startsWith('@types/')) {
      const typed = pkg.slice('@types/'.length);
      return typed === 'node' || imported.has(typed) || imported.has(`node:${typed}`);
    }
    return binsOf(pkg).some((bin) => new RegExp(`(^|[\\s;&|(])(npx\\s+)?${bin}(\\s|$)`, 'm').test(commands));
  };
  return listed.filter((pkg) => !used(pkg)).sort();
}

describe('dependencies', () => {
  const manifest = readJson<Manifest>(join(ROOT, 'package.json'));

  it('lists none that nothing imports, runs or needs', () => {
    expect(unusedDependencies(manifest, sourceText(), commandText(manifest))).toEqual([]);
  });

  it('flags a dependency that is listed and not imported', () => {
    const withExtra = { ...manifest, dependencies: { ...manifest.dependencies, 'left-pad': '1.3.0' } };
    const source = "import * as z from 'zod';\nimport * as x from '@aws-sdk/client-sns';\n";
    const unused = unusedDependencies(withExtra, source, commandText(manifest));
    expect(unused).toContain('left-pad');
    expect(unused).not.toContain('zod');
    expect(unused).not.toContain('@aws-sdk/client-sns');
  });
});
