import { describe, expect, it } from 'vitest';
import { fileReply } from '../../functions/api/http.ts';
import { type ApiDeps, createApiHandler } from '../../functions/api/index.ts';
import { memoryMetrics } from '../../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { MemoryAuditLog } from '../../shared/domain/access.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { apiDirectory, apiEvent, who } from '../support/api-world.ts';

function handlerWith(load: () => Promise<never> | ReturnType<typeof snapshot>) {
  const log = memoryLog();
  const unused = () => Promise.reject(new Error('unused'));
  const deps: ApiDeps = {
    doc: {} as never,
    tableName: 'unit',
    sms: { send: unused },
    timers: { createAt: unused, delete: unused, exists: unused, scheduledAt: unused, moveTo: unused },
    clock: fixedClock('2026-03-10T02:00:00Z'),
    newId: () => 'id-1',
    log,
    metrics: memoryMetrics(),
    config: loadConfigFile(),
    ports: {
      directory: { load, save: unused },
      audit: new MemoryAuditLog(),
    },
  };
  return { handler: createApiHandler(deps), log };
}

async function snapshot() {
  const d = apiDirectory();
  const pick = <K extends string>(kind: K) => d.entities.filter((e) => e.kind === kind).map((e) => e.value) as never[];
  return {
    people: pick('person'),
    areas: pick('area'),
    townships: pick('township'),
    schools: pick('school'),
    meta: d.meta,
  };
}

describe('error mapping', () => {
  it('an unexpected failure is a generic 500: no internals in the body, a scrubbed log line', async () => {
    const { handler, log } = handlerWith(() => Promise.reject(new Error('socket hang up calling +8613800000001')));
    const res = await handler(apiEvent({ method: 'GET', path: '/api/me', as: who.office }));
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('socket');
    expect(JSON.parse(res.body).error.message).toBe('服务器内部错误，请稍后重试');
    expect(JSON.stringify(log.lines)).not.toContain('13800000001');
  });

  it('a file name in Content-Disposition is RFC 5987 encoded, with an ASCII fallback', () => {
    const reply = fileReply({
      contentType: 'text/csv; charset=utf-8',
      fileName: "辍学学生花名册(1)'.csv",
      asciiFallback: 'roster.csv',
      body: 'a,b',
    });
    expect(reply.headers?.['content-disposition']).toBe(
      `attachment; filename="roster.csv"; filename*=UTF-8''%E8%BE%8D%E5%AD%A6%E5%AD%A6%E7%94%9F%E8%8A%B1%E5%90%8D%E5%86%8C%281%29%27.csv`,
    );
    expect(reply.raw).toEqual({ body: 'a,b', isBase64Encoded: false });
    expect(fileReply({ contentType: 'x', fileName: 'f', asciiFallback: 'f', body: Buffer.from([1, 2]) }).raw).toEqual({
      body: 'AQI=',
      isBase64Encoded: true,
    });
  });

  it('claims with an unknown role are a 401, not a crash', async () => {
    const { handler } = handlerWith(snapshot);
    const event = apiEvent({ method: 'GET', path: '/api/me', as: who.office });
    (event.requestContext.authorizer.jwt.claims as Record<string, string>)['custom:role'] = 'admin';
    expect((await handler(event)).statusCode).toBe(401);
  });
});
