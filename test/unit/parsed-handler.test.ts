import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createOpenReportsHandler } from '../../functions/open-reports/index.ts';
import { parsedHandler } from '../../functions/parsed-handler.ts';
import { memoryMetrics } from '../../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import { fixedClock } from '../../shared/domain/time.ts';

const timerEvent = z.object({ caseId: z.string().min(1), noticeId: z.string().min(1) });

describe('parsedHandler (middy + Powertools parser middleware)', () => {
  it('hands the parsed event to the handler, with or without a Lambda context', async () => {
    const handler = parsedHandler(timerEvent, async (event) => `${event.caseId}/${event.noticeId}`);
    expect(await handler({ caseId: 'c1', noticeId: 'n1', extra: 1 })).toBe('c1/n1');
    expect(await handler({ caseId: 'c2', noticeId: 'n2' }, { awsRequestId: 'r1' } as never)).toBe('c2/n2');
  });

  it('refuses a bad event with a ValidationError naming each event field, before the handler runs', async () => {
    let ran = false;
    const handler = parsedHandler(timerEvent, async () => {
      ran = true;
    });
    const error = await handler({ caseId: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues.map((i) => i.field).sort()).toEqual(['event.caseId', 'event.noticeId']);
    expect(ran).toBe(false);
  });

  it('open-reports refuses a malformed re-run date through the same parser', async () => {
    const unused = () => Promise.reject(new Error('unused'));
    const handler = createOpenReportsHandler({
      doc: {} as never,
      tableName: 'unit',
      sms: { send: unused },
      timers: { createAt: unused, delete: unused, exists: unused, scheduledAt: unused, moveTo: unused },
      clock: fixedClock('2026-03-10T02:00:00Z'),
      newId: () => 'id-1',
      log: memoryLog(),
      metrics: memoryMetrics(),
      config: loadConfigFile(),
    });
    await expect(handler({ date: '10/03/2026' })).rejects.toThrow(/event\.date/);
  });
});
