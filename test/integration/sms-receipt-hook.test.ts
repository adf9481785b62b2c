import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { startApiServer } from '../../functions/api/local-server.ts';
import type { Deps } from '../../functions/deps.ts';
import { createSmsReceiptHookHandler } from '../../functions/sms-receipt-hook/index.ts';
import { messageKey } from '../../shared/adapters/dynamo/message-items.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { freshTable } from '../support/dynamo.ts';

const TOKEN = 'test-callback-token-000000000000000';
const report = (outId: string, success: boolean) => ({
  phone_number: '13800000401',
  send_time: '2023-02-20 10:00:01',
  report_time: '2023-02-20 10:00:05',
  success,
  err_code: success ? 'DELIVERED' : 'MK:0001',
  err_msg: success ? '用户接收成功' : '失败',
  sms_size: '1',
  biz_id: `biz-${outId}`,
  out_id: outId,
});

let world: Awaited<ReturnType<typeof freshTable>>;
let hook: ReturnType<typeof createSmsReceiptHookHandler>;
let tokenReads = 0;
const log = memoryLog();

const delivery = async (id: string) =>
  (await world.doc.send(new GetCommand({ TableName: world.tableName, Key: messageKey(id) }))).Item?.delivery;
const post = (body: unknown, token: string | null = TOKEN, raw = false) =>
  hook({
    body: raw ? String(body) : JSON.stringify(body),
    queryStringParameters: token === null ? {} : { token },
  });

beforeAll(async () => {
  world = await freshTable('receipt-hook');
  for (const id of ['m-1', 'm-2', 'm-3'])
    await world.doc.send(
      new PutCommand({
        TableName: world.tableName,
        Item: { ...messageKey(id), entity: 'MSG', id, status: 'SENT', version: 2 },
      }),
    );
  const deps = {
    doc: world.doc,
    tableName: world.tableName,
    clock: { now: () => new Date('2023-02-20T02:05:00Z') },
    log,
    config: loadConfigFile(),
    hookToken: async () => {
      tokenReads++;
      return TOKEN;
    },
  } as unknown as Deps;
  hook = createSmsReceiptHookHandler(deps);
});

describe('the Alibaba SmsReport webhook', () => {
  it('answers {"code":0} and writes each receipt once, DELIVERED and UNDELIVERED with the provider code', async () => {
    const out = await post([report('m-1', true), report('m-2', false)]);
    expect(out.statusCode).toBe(200);
    expect(JSON.parse(out.body)).toEqual({ code: 0, msg: '成功' });
    expect(await delivery('m-1')).toMatchObject({ status: 'DELIVERED', provider: 'aliyun', code: 'DELIVERED' });
    expect(await delivery('m-2')).toMatchObject({ status: 'UNDELIVERED', code: 'MK:0001' });
    expect((await delivery('m-1')).at).toBe('2023-02-20T02:00:05.000Z');
  });

  it('a push repeated by Alibaba, or naming an id that is not ours, changes nothing and is still acknowledged', async () => {
    const before = await delivery('m-2');
    const out = await post([report('m-2', true), report('not-ours', true)]);
    expect(out.statusCode).toBe(200);
    expect(await delivery('m-2')).toEqual(before);
    expect(await delivery('not-ours')).toBeUndefined();
  });

  it('refuses a wrong, a shorter or a missing token (403) and writes nothing', async () => {
    for (const token of ['wrong-token-000000000000000000000', TOKEN.slice(0, -1), '', null]) {
      const out = await post([report('m-3', true)], token);
      expect(out.statusCode).toBe(403);
      expect(JSON.parse(out.body).msg).toBe('令牌无效');
    }
    expect(await delivery('m-3')).toBeUndefined();
    // The token is never logged.
    expect(JSON.stringify(log.lines)).not.toContain(TOKEN);
  });

  it('refuses a body that is not an SmsReport array (400), naming why, and writes nothing', async () => {
    const cases: [unknown, boolean][] = [
      ['not json', true],
      [{ out_id: 'm-3' }, false],
      [[{ out_id: 'm-3', success: 'yes' }], false],
      [Array.from({ length: 1001 }, () => report('m-3', true)), false],
    ];
    for (const [body, raw] of cases) {
      const out = await post(body, TOKEN, raw);
      expect(out.statusCode).toBe(400);
      expect(JSON.parse(out.body).msg).toMatch(/JSON|数组|格式/);
    }
    expect(await delivery('m-3')).toBeUndefined();
  });

  it('takes a base64 body (API Gateway may encode it) and asks the token source each time, which caches it', async () => {
    const out = await hook({
      body: Buffer.from(JSON.stringify([report('m-3', true)])).toString('base64'),
      isBase64Encoded: true,
      queryStringParameters: { token: TOKEN },
    });
    expect(out.statusCode).toBe(200);
    expect((await delivery('m-3')).status).toBe('DELIVERED');
    expect(tokenReads).toBeGreaterThan(0);
  });

  it('is served over HTTP by the local API server as the cloud routes it: POST only, no sign-in', async () => {
    const { apiWorld } = await import('../support/api-world.ts');
    const { deps } = await apiWorld(world.doc, world.tableName);
    const server = await startApiServer({ deps, port: 0, webhooks: { '/hooks/sms/aliyun': (e) => hook(e) } });
    try {
      await world.doc.send(
        new PutCommand({
          TableName: world.tableName,
          Item: { ...messageKey('m-http'), entity: 'MSG', id: 'm-http', status: 'SENT', version: 2 },
        }),
      );
      const ok = await fetch(`${server.url}/hooks/sms/aliyun?token=${TOKEN}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([report('m-http', false)]),
      });
      expect([ok.status, await ok.json()]).toEqual([200, { code: 0, msg: '成功' }]);
      expect((await delivery('m-http')).status).toBe('UNDELIVERED');
      const bad = await fetch(`${server.url}/hooks/sms/aliyun?token=nope`, { method: 'POST', body: '[]' });
      expect(bad.status).toBe(403);
      // A GET is not the hook (the console's static files answer it).
      const get = await fetch(`${server.url}/hooks/sms/aliyun?token=${TOKEN}`);
      expect(get.headers.get('content-type') ?? '').not.toContain('application/json');
    } finally {
      await server.close();
    }
  });
});
