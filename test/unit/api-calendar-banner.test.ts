import { describe, expect, it } from 'vitest';
import { type ApiDeps, createApiHandler } from '../../functions/api/index.ts';
import { memoryMetrics } from '../../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { MemoryAuditLog } from '../../shared/domain/access.ts';
import { cstInstant, fixedClock } from '../../shared/domain/time.ts';
import { apiDirectory, apiEvent, who } from '../support/api-world.ts';

/** GET /api/me as the office on a given CST date, with the shipped config (no 2027 file, last term ends 2027-01-22). */
async function meOn(date: string) {
  const unused = () => Promise.reject(new Error('unused'));
  const d = apiDirectory();
  const pick = (kind: string) => d.entities.filter((e) => e.kind === kind).map((e) => e.value) as never[];
  const deps: ApiDeps = {
    doc: {} as never,
    tableName: 'unit',
    sms: { send: unused },
    timers: { createAt: unused, delete: unused, exists: unused, scheduledAt: unused, moveTo: unused },
    clock: fixedClock(cstInstant(date, '10:00').toISOString()),
    newId: () => 'id-1',
    log: memoryLog(),
    metrics: memoryMetrics(),
    config: loadConfigFile(),
    ports: {
      directory: {
        load: async () => ({
          people: pick('person'),
          areas: pick('area'),
          townships: pick('township'),
          schools: pick('school'),
          meta: d.meta,
        }),
        save: unused,
      },
      audit: new MemoryAuditLog(),
    },
  };
  const res = await createApiHandler(deps)(apiEvent({ method: 'GET', path: '/api/me', as: who.office }));
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body) as { calendar: { gaps: Record<string, unknown>[] } };
}

describe('GET /api/me: the calendar banner every console page shows', () => {
  it('names the missing 2027 year and the missing next term, each with the one command that checks the fix', async () => {
    const me = await meOn('2026-12-01');

    expect(me.calendar.gaps).toEqual([
      {
        kind: 'year',
        firstDay: '2026-12-28',
        daysLeft: 27,
        message:
          '系统缺少2027年国家节假日安排：自 2026-12-28 起（还有 27 天）报表周期将无法生成。请按国务院通知填写config/holidays/2027.json，运行 npm run cli -- calendar check 2027 核对后部署。',
        command: 'npm run cli -- calendar check 2027',
      },
      {
        kind: 'term',
        firstDay: '2027-01-01',
        daysLeft: 31,
        message:
          '系统缺少新学期的起止日期：自 2027-01-01 起（还有 31 天）报表周期将无法生成。请在config/lipu.json的calendar.terms中添加新学期，运行 npm run cli -- calendar show 核对后部署。',
        command: 'npm run cli -- calendar show',
      },
    ]);
  });

  it('is empty when nothing is missing within 45 days', async () => {
    expect((await meOn('2026-10-01')).calendar.gaps).toEqual([]);
  });
});
