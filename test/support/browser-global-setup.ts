import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    browserExecutable: string;
    browserFontconfigFile: string;
  }
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CACHE = join(ROOT, 'node_modules', '.cache', 'baoxue-e2e');
const SYSTEM_CHROMIUM = '/usr/bin/chromium';
const FONT_FILES = ['400', '700'].map((w) => `noto-sans-sc-chinese-simplified-${w}-normal.woff2`);
const require = createRequire(import.meta.url);

function packageVersion(name: string): string {
  const file = join(ROOT, 'node_modules', name, 'package.json');
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/**
 * Unpacks the Chromium shipped in `@sparticuz/chromium` once per version. It unpacks into $TMPDIR, so $TMPDIR
 * points at a private staging folder that is renamed into place only when complete: an interrupted unpack
 * never leaves a half-written binary behind, and workers never unpack in parallel (ETXTBSY).
 */
async function npmChromium(): Promise<{ executable: string; fontsDir: string }> {
  const dir = join(CACHE, `chromium-${packageVersion('@sparticuz/chromium')}`);
  const executable = join(dir, 'chromium');
  if (!existsSync(executable)) {
    const staging = `${dir}.staging-${process.pid}`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const savedTmp = process.env.TMPDIR;
    process.env.TMPDIR = staging;
    try {
      const { default: Chromium } = await import('@sparticuz/chromium');
      await Chromium.executablePath();
    } finally {
      if (savedTmp === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = savedTmp;
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(staging, dir);
  }
  return { executable, fontsDir: join(dir, 'fonts') };
}

/**
 * Noto Sans SC from `@fontsource/noto-sans-sc` as TTF (Chromium ignores woff2 through fontconfig), plus a
 * fonts.conf that keeps the system's fonts and adds these: without a CJK font every character is a box.
 */
async function cjkFontconfig(extraDirs: string[]): Promise<string> {
  const dir = join(CACHE, `noto-sans-sc-${packageVersion('@fontsource/noto-sans-sc')}`);
  // wawoff2 is CommonJS without types.
  const { decompress } = require('wawoff2') as { decompress(b: Buffer): Promise<Uint8Array> };
  mkdirSync(dir, { recursive: true });
  for (const file of FONT_FILES) {
    const ttf = join(dir, file.replace(/\.woff2$/, '.ttf'));
    if (existsSync(ttf)) continue;
    const woff2 = readFileSync(require.resolve(`@fontsource/noto-sans-sc/files/${file}`));
    writeFileSync(`${ttf}.part`, await decompress(woff2));
    renameSync(`${ttf}.part`, ttf);
  }
  const conf = join(CACHE, 'fonts.conf');
  const dirs = [dir, ...extraDirs].map((d) => `  <dir>${d}</dir>`).join('\n');
  writeFileSync(
    conf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
${dirs}
  <cachedir>${join(CACHE, 'fontconfig-cache')}</cachedir>
  <alias><family>sans-serif</family><accept><family>Noto Sans SC</family></accept></alias>
</fontconfig>
`,
  );
  return conf;
}

/**
 * The browser for the console tests: Debian's chromium when installed, else the one inside the npm package,
 * always with a CJK font. Prepared once here, in the main process; workers launch it with `launchBrowser()`.
 */
export default async function setup(project: TestProject) {
  mkdirSync(CACHE, { recursive: true });
  const npm = existsSync(SYSTEM_CHROMIUM) ? undefined : await npmChromium();
  const fontconfigFile = await cjkFontconfig(npm ? [npm.fontsDir] : []);
  project.provide('browserExecutable', npm?.executable ?? SYSTEM_CHROMIUM);
  project.provide('browserFontconfigFile', fontconfigFile);
}
