import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * The SMS promise is "at most once per claim; a crash between Publish and SENT is never resent but FAILED
 * (uncertain) with the office told; an ambiguous transient error may duplicate" (docs/sms.md). No document, comment
 * or diagram label may claim "exactly once" for it again, except to say it is not.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['README.md', 'docs', 'shared', 'functions', 'local', 'infra', 'web'];

function files(path: string): string[] {
  const full = join(root, path);
  if (statSync(full).isFile()) return [full];
  return readdirSync(full).flatMap((entry) => files(join(path, entry)));
}

describe('what the documents promise about SMS delivery', () => {
  it('nothing claims exactly-once delivery; the lines that mention it say it is not', () => {
    const scanned = SCANNED.flatMap(files).filter((f) => /\.(md|ts|js|html)$/.test(f));
    const claims = scanned.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .map((line, i) => ({ where: `${relative(root, file)}:${i + 1}`, line }))
        .filter(({ line }) => /exactly[- ]once/i.test(line) && !/\bnot\b|nothing|no design/i.test(line)),
    );

    expect(scanned.length).toBeGreaterThan(100);
    expect(claims).toEqual([]);
  });

  it('README and docs/sms.md both state the at-most-once promise and the uncertain alert', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const sms = readFileSync(join(root, 'docs/sms.md'), 'utf8');

    for (const text of [readme, sms]) {
      expect(text).toMatch(/at most once/i);
      expect(text).toMatch(/uncertain/);
    }
    expect(readme).toContain('at most once;<br/>crash in between: FAILED uncertain, office told');
  });
});
