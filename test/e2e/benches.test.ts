import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * Every `bench:*` script of package.json, run once with a tiny N, so a bench cannot rot unnoticed (one crashed on a
 * refused duplicate case for months): it must exit 0 and print its figures. A new bench script fails here until its
 * figures are listed below.
 */
const root = fileURLToPath(new URL('../../', import.meta.url));
const scripts = (JSON.parse(readFileSync(`${root}package.json`, 'utf8')) as { scripts: Record<string, string> })
  .scripts;
const benches = Object.entries(scripts)
  .filter(([name]) => name.startsWith('bench:'))
  .map(([name, command]) => [name, /^tsx (bench\/[\w-]+\.ts)$/.exec(command)?.[1] ?? command] as const);

const TINY = { BENCH_SCHOOLS: '40', BENCH_MESSAGES: '20', BENCH_NOTICES: '2', BENCH_ROWS: '400' };

/** The lines each bench must print (its figures), and words that mean its own check failed. */
const figures: Record<string, { lines: RegExp[]; failed: RegExp }> = {
  'bench:chase': {
    lines: [
      /^\| due index, whole chase sweep .*\| 1\.00 \|/m,
      /^\| full-table Scan /m,
      /index items per late slot: met$/m,
    ],
    failed: /NOT met|found the same \d+ slots: false/,
  },
  'bench:late-gauge': {
    lines: [/^OpenLateSlots = \d+ \(seeded truth \d+; .*\) OK$/m, /^owner-index Queries: 40 /m],
    failed: /MISMATCH/,
  },
  'bench:roll': {
    lines: [
      /^import spring: 400 rows in .* rows\/s/m,
      /^compare-rolls: 17 schools .*未按时返校 8 \(seeded truth 8\), newcomers 4 \(seeded 4\) OK$/m,
      /^clear ID numbers in \d+ items: 0 OK$/m,
      /^peak memory: rss \d+ MB/m,
    ],
    failed: /MISMATCH|Error/,
  },
  'bench:local': {
    lines: [/write ceiling: \d+ PutItem\/s \(20 items/, /SMS: \d+ 条\/s \(20 messages/, /p50 \d+ ms, .*\(2 notices/],
    failed: /Error/,
  },
};

describe('benches on a tiny N', () => {
  it('package.json has the benches this test knows', () => {
    expect(benches.map(([name]) => name).sort()).toEqual(Object.keys(figures).sort());
  });

  it.each(benches)(
    '%s exits 0 and prints its figures',
    async (name, file) => {
      expect(file).toMatch(/^bench\/[\w-]+\.ts$/);

      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', file], {
        cwd: root,
        env: { ...process.env, ...TINY, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
        timeout: 150_000,
        maxBuffer: 4 * 1024 * 1024,
      });

      const expected = figures[name]!;
      for (const line of expected.lines) expect(stdout).toMatch(line);
      expect(stdout).not.toMatch(expected.failed);
    },
    180_000,
  );
});
