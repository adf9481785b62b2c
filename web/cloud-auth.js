// @ts-check
// Cloud sign-in for the console: Cognito managed login, OAuth 2.0 authorization code + PKCE (RFC 7636, S256).
// No build step, no library. The stack deploys /config.json next to this file (infra/constructs/web-console.ts);
// locally there is none, `cloud` is null and the console keeps its dev sign-in. The helpers are pure and unit
// tested (test/unit/cloud-auth.test.ts); the flow itself has not been run against a real user pool.

const KEY = { token: 'baoxue.idToken', verifier: 'baoxue.pkceVerifier', state: 'baoxue.oauthState' };
const SCOPES = 'openid profile';

/**
 * RFC 4648 §5 base64url without padding.
 * @param {Uint8Array} bytes
 */
export function base64url(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A high-entropy random string (code verifier, state): 32 random bytes → 43 base64url characters. */
export function randomString(byteLength = 32) {
  return base64url(crypto.getRandomValues(new Uint8Array(byteLength)));
}

/**
 * PKCE S256 code challenge: base64url(SHA-256(verifier)).
 * @param {string} verifier
 */
export async function codeChallenge(verifier) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/**
 * The /config.json the stack writes, or null when it is missing or not for Cognito (local development).
 * @typedef {{ auth: 'cognito', clientId: string, domain: string, redirectUri: string, [k: string]: any }} CloudConfig
 * @param {any} json
 * @returns {CloudConfig | null}
 */
export function parseConfig(json) {
  if (json?.auth !== 'cognito') return null;
  for (const k of ['clientId', 'domain', 'redirectUri']) {
    if (typeof json[k] !== 'string' || json[k].length === 0) return null;
  }
  // Cognito accepts plain http callbacks only for localhost (a local test against a real pool, the browser test).
  const local = /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//.test(json.redirectUri);
  if (!/^https:\/\//.test(json.domain) || !(local || /^https:\/\//.test(json.redirectUri))) return null;
  return { ...json, domain: json.domain.replace(/\/+$/, '') };
}

/**
 * Managed-login authorize URL (the browser navigates there).
 * @param {CloudConfig} config
 * @param {{ state: string, challenge: string }} p
 */
export function authorizeUrl(config, { state, challenge }) {
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: SCOPES,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    lang: 'zh-CN',
  });
  return `${config.domain}/oauth2/authorize?${q}`;
}

/**
 * The token request: POST `url` with `body` (application/x-www-form-urlencoded); no client secret.
 * @param {CloudConfig} config
 * @param {{ code: string, verifier: string }} p
 */
export function tokenRequest(config, { code, verifier }) {
  const body = new URLSearchParams({
    grant_type: 'authorization_code',
    client_id: config.clientId,
    code,
    redirect_uri: config.redirectUri,
    code_verifier: verifier,
  });
  return { url: `${config.domain}/oauth2/token`, body };
}

/**
 * Managed-login sign-out: ends the Cognito session, then returns to the console.
 * @param {CloudConfig} config
 */
export function logoutUrl(config) {
  const q = new URLSearchParams({ client_id: config.clientId, logout_uri: config.redirectUri });
  return `${config.domain}/logout?${q}`;
}

/**
 * The claims of a JWT (not verified: the API's authorizer does that), or null when it is not a JWT.
 * @param {unknown} token
 */
export function jwtClaims(token) {
  const part = typeof token === 'string' ? token.split('.')[1] : undefined;
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
    const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
    return JSON.parse(new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0))));
  } catch {
    return null;
  }
}

/**
 * Whether a token is still usable at `nowMs`, with a minute's margin for clock skew and the request itself.
 * @param {string} token
 * @param {number} nowMs
 */
export function tokenUsable(token, nowMs) {
  const exp = jwtClaims(token)?.exp;
  return typeof exp === 'number' && exp * 1000 > nowMs + 60_000;
}

/**
 * What the return from managed login carries: `{ code, state }`, `{ error, state }`, or null when the URL is a
 * normal page load.
 * @param {string} search
 */
export function callbackParams(search) {
  const q = new URLSearchParams(search);
  if (q.has('code')) return { code: q.get('code'), state: q.get('state') };
  if (q.has('error')) return { error: q.get('error_description') || q.get('error'), state: q.get('state') };
  return null;
}

/** Browser side: the flow over sessionStorage (the ID token dies with the tab) and location. */
async function createCloudAuth() {
  let config = null;
  try {
    const res = await fetch('/config.json', { cache: 'no-store' });
    if (res.ok) config = parseConfig(await res.json());
  } catch {
    config = null;
  }
  if (!config) return null;
  const store = sessionStorage;
  let error = '';

  const back = callbackParams(location.search);
  if (back) {
    const expected = store.getItem(KEY.state);
    const verifier = store.getItem(KEY.verifier);
    store.removeItem(KEY.state);
    store.removeItem(KEY.verifier);
    history.replaceState(null, '', location.pathname);
    if (back.error) error = `登录未完成：${back.error}`;
    else if (!expected || back.state !== expected || !verifier) error = '登录校验失败，请重新登录';
    else {
      try {
        const { url, body } = tokenRequest(config, { code: back.code ?? '', verifier });
        const res = await fetch(url, { method: 'POST', body });
        const data = await res.json().catch(() => ({}));
        if (!res.ok || typeof data.id_token !== 'string') throw new Error(data.error || String(res.status));
        store.setItem(KEY.token, data.id_token);
      } catch (e) {
        error = `登录失败（${e instanceof Error ? e.message : String(e)}），请重新登录`;
      }
    }
  }

  return {
    /** The ID token for `Authorization: Bearer`, or null when signed out or expired. */
    token() {
      const t = store.getItem(KEY.token);
      if (t && tokenUsable(t, Date.now())) return t;
      store.removeItem(KEY.token);
      return null;
    },
    /** Shows the sign-in panel for the cloud: one button to managed login, no person picker. */
    showSignIn() {
      const q = (/** @type {string} */ sel) => /** @type {HTMLElement} */ (document.querySelector(sel));
      q('#sign-in-hint').textContent = '请使用教育局分配的账号登录（统一身份认证）。';
      const picker = /** @type {HTMLElement} */ (q('#person').closest('label'));
      picker.hidden = true;
      picker.style.display = 'none'; // app.css gives labels a display, which beats [hidden]
      const button = q('#sign-in-button');
      button.hidden = false;
      button.textContent = '前往登录';
      q('#sign-in-error').textContent = error;
    },
    /** Goes to managed login; the answer comes back to the console with ?code=&state=. */
    async signIn() {
      const verifier = randomString();
      const state = randomString(16);
      store.setItem(KEY.verifier, verifier);
      store.setItem(KEY.state, state);
      location.assign(authorizeUrl(config, { state, challenge: await codeChallenge(verifier) }));
    },
    /** Forgets the token and ends the Cognito session too. */
    signOut() {
      store.removeItem(KEY.token);
      location.assign(logoutUrl(config));
    },
  };
}

/** The cloud sign-in, or null locally (no /config.json): app.js uses the dev sign-in then. */
export const cloud = typeof window === 'undefined' ? null : await createCloudAuth();
