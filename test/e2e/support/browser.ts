import { type Browser, chromium } from 'playwright-core';
import { inject } from 'vitest';

// No `--single-process` (the npm Chromium's own default): it breaks a second browser context.
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--no-zygote',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Launches the Chromium prepared by the e2e globalSetup, with the CJK fontconfig. Close it in afterAll. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: inject('browserExecutable'),
    args: FLAGS,
    env: { ...definedEnv(), FONTCONFIG_FILE: inject('browserFontconfigFile') },
  });
}

function definedEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));
}
