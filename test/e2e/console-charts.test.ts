import { mkdirSync } from 'node:fs';
import type { Browser, Locator } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { type ApiServer, startApiServer } from '../../functions/api/local-server.ts';
import { rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { apiEvent, apiWorld, openCaseBody, openDailySlots, who } from '../support/api-world.ts';
import { freshTable } from '../support/dynamo.ts';
import { launchBrowser } from './support/browser.ts';

/**
 * The statistics tab's SVG charts in a real browser: the office sees on-time rate per township (one bar per
 * township row of the table), open cases per state (GET /api/statistics/open-cases) and returns per ISO week.
 */
const SHOTS = 'test-results/console';
let server: ApiServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { doc, tableName } = await freshTable('console-charts-e2e');
  const { deps, clock } = await apiWorld(doc, tableName, '2026-03-09T07:00:00Z'); // Monday 15:00 CST
  const handler = createApiHandler(deps);
  const call = async (method: string, path: string, as: Principal, body?: unknown) => {
    const res = await handler(apiEvent({ method, path, as, body }));
    expect(res.statusCode, `${method} ${path}: ${res.body}`).toBeLessThan(300);
    return JSON.parse(res.body);
  };
  await openDailySlots(deps, '2026-03-09');
  // s1 files on time (before 17:00), s2 and s3 do not: 测试甲镇 1 of 2, 测试乙乡 0 of 1.
  await call('POST', '/api/reports', who.headS1, {
    schoolId: 's1',
    cadence: 'daily',
    periodKey: '2026-03-09',
    submission: { counts: { enrolled: 300, returned: 300, notReturned: 0, droppedOut: 0 }, notBack: [] },
  });
  clock.set('2026-03-10T02:00:00Z');
  const a = await call('POST', '/api/cases', who.headS1, openCaseBody('s1'));
  await call('POST', '/api/cases', who.headS1, { ...openCaseBody('s1'), studentName: '测试学生小红' });
  await call('POST', '/api/cases', who.headS3, { ...openCaseBody('s3', 'head-s3'), studentName: '测试学生小刚' });
  await call('POST', `/api/cases/${a.case.id}/return`, who.headS1, { returnedOn: '2026-03-10' });
  // No stream runs beside this API: the aggregates are rebuilt from the items (what rebuild-aggregates does).
  await rebuildAggregates(doc, tableName);
  server = await startApiServer({ deps, port: 0 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** The data-value of each bar. */
async function values(bars: Locator): Promise<number[]> {
  return Promise.all((await bars.all()).map(async (b) => Number(await b.getAttribute('data-value'))));
}

describe('statistics charts', () => {
  it('the office sees one on-time bar per township, open cases by state and returns per week', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(server.url);
    await page.locator('#person').selectOption('office-1');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.locator('#who-name').textContent()).toBeTruthy();
    await page.getByRole('button', { name: '乡镇统计' }).click();

    const charts = page.locator('#stats-charts');
    await expect.poll(() => charts.locator('svg').count()).toBe(3);
    const townshipRows = await page.locator('#stats-result tr[data-township]').count();
    expect(townshipRows).toBe(2);
    const onTime = charts.locator('[data-chart="on-time"]');
    expect(await onTime.locator('svg rect.bar').count()).toBe(townshipRows);
    expect(await onTime.locator('svg').getAttribute('aria-label')).toBe('各乡镇按时报送率');
    const rates = await onTime.locator('tbody tr').allTextContents();
    expect(rates).toEqual(['测试甲镇50.0%（1/2）', '测试乙乡0.0%（0/1）']);

    const open = charts.locator('[data-chart="open-by-state"]');
    const openValues = await values(open.locator('rect.bar'));
    expect(openValues.reduce((x, y) => x + y, 0)).toBe(2);
    expect(await open.locator('figcaption').textContent()).toBe('在办案件（按状态，共 2 件）');

    const weekly = charts.locator('[data-chart="weekly-returns"]');
    expect(await weekly.locator('rect.bar').count()).toBe(8);
    const returns = await values(weekly.locator('rect.bar'));
    expect(returns).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(await weekly.locator('tbody tr').last().textContent()).toBe('2026-W11（2026-03-09 至 2026-03-10）1');

    await charts.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/19-office-statistics-charts.png`, fullPage: true });
    await page.close();
  });
});
