import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, startApiServer } from '../../functions/api/local-server.ts';
import { apiWorld } from '../support/api-world.ts';
import { freshTable } from '../support/dynamo.ts';
import { launchBrowser } from './support/browser.ts';

/**
 * The console's cloud sign-in (web/cloud-auth.js) in a real browser, against a STAND-IN for Cognito: Playwright
 * answers /config.json, /oauth2/authorize, /oauth2/token and /logout. The "ID token" it hands out is a local
 * dev token, so the local API accepts it. This checks the browser side of the flow (redirect, state, PKCE
 * verifier vs challenge, token storage, Authorization header, sign-out); it says nothing about real Cognito.
 */
const SHOTS = 'test-results/console';
const DOMAIN = 'https://baoxue-e2e.auth.ap-southeast-1.amazoncognito.com';
const CLIENT_ID = 'e2e-console-client';
const WORLD_TIME = '2026-03-10T02:00:00Z';

let server: ApiServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { doc, tableName } = await freshTable('cloud-sign-in-e2e');
  const { deps } = await apiWorld(doc, tableName, WORLD_TIME);
  server = await startApiServer({ deps, port: 0 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function devToken(personId: string): Promise<string> {
  const res = await fetch(`${server.url}/api/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': `e2e-${personId}-sign-in` },
    body: JSON.stringify({ personId }),
  });
  return ((await res.json()) as { token: string }).token;
}

describe('cloud sign-in (stand-in Cognito)', () => {
  it('signs in with authorization code + PKCE, calls the API with the ID token, and signs out', async () => {
    const redirectUri = `${server.url}/`;
    const idToken = await devToken('head-s1');
    const page = await browser.newPage({ viewport: { width: 420, height: 800 } });
    // The dev token expires relative to the world's fixed clock: run the browser clock there too.
    await page.clock.setFixedTime(new Date(WORLD_TIME));
    const seen: { authorize?: URL; tokenBody?: URLSearchParams; logout?: URL; apiAuth: string[] } = { apiAuth: [] };

    await page.route('**/config.json', (route) =>
      route.fulfill({
        json: {
          auth: 'cognito',
          region: 'ap-southeast-1',
          userPoolId: 'e2e',
          clientId: CLIENT_ID,
          domain: DOMAIN,
          redirectUri,
        },
      }),
    );
    await page.route(`${DOMAIN}/oauth2/authorize**`, (route) => {
      const url = new URL(route.request().url());
      seen.authorize = url;
      const back = new URL(redirectUri);
      back.search = new URLSearchParams({ code: 'e2e-code', state: url.searchParams.get('state') ?? '' }).toString();
      return route.fulfill({ status: 302, headers: { location: back.toString() } });
    });
    await page.route(`${DOMAIN}/oauth2/token`, (route) => {
      seen.tokenBody = new URLSearchParams(route.request().postData() ?? '');
      return route.fulfill({
        headers: { 'access-control-allow-origin': '*' },
        json: { id_token: idToken, access_token: 'unused', token_type: 'Bearer', expires_in: 14_400 },
      });
    });
    await page.route(`${DOMAIN}/logout**`, (route) => {
      seen.logout = new URL(route.request().url());
      return route.fulfill({ status: 302, headers: { location: redirectUri } });
    });
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/api/')) seen.apiAuth.push(r.headers().authorization ?? '');
    });

    // Signed out: one button to the sign-in page, no person picker, no API call.
    await page.goto(server.url);
    await expect.poll(() => page.locator('#sign-in-button').textContent()).toBe('前往登录');
    expect(await page.locator('#person').isVisible()).toBe(false);
    expect(seen.apiAuth).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/cloud-1-sign-in.png`, fullPage: true });

    await page.getByRole('button', { name: '前往登录' }).click();
    await expect.poll(() => page.locator('#who-name').textContent()).toContain('校长');

    const authorize = seen.authorize!;
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT_ID,
      redirect_uri: redirectUri,
      code_challenge_method: 'S256',
    });
    const body = seen.tokenBody!;
    expect(body.get('grant_type')).toBe('authorization_code');
    expect(body.get('code')).toBe('e2e-code');
    expect(body.has('client_secret')).toBe(false);
    const challenge = createHash('sha256').update(body.get('code_verifier')!).digest('base64url');
    expect(challenge).toBe(authorize.searchParams.get('code_challenge'));
    expect(page.url()).toBe(redirectUri); // ?code=&state= removed from the address bar
    expect(seen.apiAuth.length).toBeGreaterThan(0);
    for (const h of seen.apiAuth) expect(h).toBe(`Bearer ${idToken}`);
    await page.screenshot({ path: `${SHOTS}/cloud-2-signed-in.png`, fullPage: true });

    await page.getByRole('button', { name: '退出' }).click();
    await expect.poll(() => seen.logout?.searchParams.get('logout_uri')).toBe(redirectUri);
    await expect.poll(() => page.locator('#sign-in-button').textContent()).toBe('前往登录');
    expect(await page.evaluate(() => sessionStorage.getItem('baoxue.idToken'))).toBeNull();
    await page.close();
  });

  it('refuses a return whose state it did not send', async () => {
    const page = await browser.newPage();
    await page.route('**/config.json', (route) =>
      route.fulfill({ json: { auth: 'cognito', clientId: CLIENT_ID, domain: DOMAIN, redirectUri: `${server.url}/` } }),
    );
    let tokenCalls = 0;
    await page.route(`${DOMAIN}/oauth2/token`, (route) => {
      tokenCalls++;
      return route.abort();
    });

    await page.goto(`${server.url}/?code=stolen-code&state=forged`);

    await expect.poll(() => page.locator('#sign-in-error').textContent()).toBe('登录校验失败，请重新登录');
    expect(tokenCalls).toBe(0);
    await page.close();
  });
});
