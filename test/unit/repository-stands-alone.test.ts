import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TEXT = /\.(ts|js|mjs|cjs|json|md|html|css|yml|yaml|sh)$|^\.ci\/|^\.npmrc$|^\.gitignore$/;

/** Every text file of the repository (tracked or new, not ignored), as a path relative to the root. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((f) => f && TEXT.test(f) && f !== 'package-lock.json')
    .filter((f) => {
      try {
        readFileSync(join(ROOT, f));
        return true;
      } catch {
        return false; // deleted in the work tree, not yet staged
      }
    });
}

const outside = (p: string) => {
  const rel = relative(ROOT, p);
  return rel.startsWith('..') || isAbsolute(rel);
};

/** Relative paths (`../x`) in a file that lead out of the repository. Docs write paths from the root too. */
function escapingPaths(file: string, text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\.\.\/)+[\w.\-/]*/g)) {
    const bases = file.endsWith('.md') ? [dirname(join(ROOT, file)), ROOT] : [dirname(join(ROOT, file))];
    if (bases.some((b) => outside(resolve(b, m[0])))) found.push(m[0]);
  }
  return found;
}

const TRACKER = [/\bissues?\s*(#|no\.?\s*)?\d+/i, /\b(later|next|previous|this|that) issue\b/i, /\bissue\s+tracker\b/i];

describe('the repository stands alone', () => {
  const files = repositoryFiles();

  it('finds the files it checks', () => {
    expect(files).toContain('README.md');
    expect(files).toContain('docs/rules.md');
    expect(files.length).toBeGreaterThan(100);
  });

  it('references no path outside itself', () => {
    const bad = files.flatMap((f) => {
      const text = readFileSync(join(ROOT, f), 'utf8');
      const hits = [...escapingPaths(f, text), ...(text.match(/\/work\/[\w./-]+/g) ?? [])];
      return hits.map((h) => `${f}: ${h}`);
    });
    expect(bad).toEqual([]);
  });

  it('cites no issue of a tracker that is not in the repository', () => {
    const bad = files.flatMap((f) =>
      readFileSync(join(ROOT, f), 'utf8')
        .split('\n')
        .flatMap((line, i) => (TRACKER.some((re) => re.test(line)) ? [`${f}:${i + 1}: ${line.trim()}`] : [])),
    );
    expect(bad).toEqual([]);
  });

  it('defines the rules it cites in its own docs/rules.md, from the source document', () => {
    const rules = readFileSync(join(ROOT, 'docs/rules.md'), 'utf8');
    expect(rules).toContain('荔教〔2023〕1号');
    for (const r of ['R1', 'R2', 'R3', 'R4', 'R5', 'R6', 'R7', 'R8', 'R9', 'R10']) {
      expect(rules).toMatch(new RegExp(`\\| ${r} `));
    }
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain('docs/rules.md');
  });
});
