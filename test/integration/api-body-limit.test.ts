import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiServer, MAX_BODY_BYTES, startApiServer } from '../../functions/api/local-server.ts';
import { apiCallerWorld } from '../support/api-caller.ts';

let server: ApiServer;
let token: string;

beforeAll(async () => {
  const { deps } = await apiCallerWorld('body');
  server = await startApiServer({ deps, port: 0 });
  const signIn = await fetch(`${server.url}/api/dev/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'sign-in-0001' },
    body: JSON.stringify({ personId: 'head-s1' }),
  });
  token = ((await signIn.json()) as { token: string }).token;
});
afterAll(() => server?.close());

describe('the local API refuses a body over API Gateway’s 10 MB with 413, and keeps serving', () => {
  it.each([
    ['with a Content-Length', false],
    ['chunked, without a length', true],
  ])('%s: 413 in Chinese, the next request answers normally', async (_how, chunked) => {
    const big = `{"studentName":"${'x'.repeat(MAX_BODY_BYTES + 10)}"}`;
    const body = chunked
      ? new ReadableStream({
          start(c) {
            c.enqueue(new TextEncoder().encode(big));
            c.close();
          },
        })
      : big;
    const res = await fetch(`${server.url}/api/cases`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': 'big-0001' },
      body,
      ...(chunked ? { duplex: 'half' } : {}),
    } as RequestInit);

    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'PAYLOAD_TOO_LARGE', message: '请求内容超过 10 MB 上限' } });
    const me = await fetch(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
  });
});
