import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { type ApiServer, startApiServer } from '../../functions/api/local-server.ts';
import { followUpDepsOf } from '../../functions/followup-wiring.ts';
import { createNoticeDeadlineHandler } from '../../functions/notice-deadline/index.ts';
import { rebuildAggregates } from '../../shared/adapters/dynamo/aggregate-store.ts';
import { DynamoCaseExtras } from '../../shared/adapters/dynamo/case-read-models.ts';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { DynamoNoteRepository } from '../../shared/adapters/dynamo/note-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { FileIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import { fakeIdNumber } from '../../shared/domain/roll.ts';
import { chaseReports } from '../../shared/use-cases/chase-reports.ts';
import { sweepFollowUpUseCase } from '../../shared/use-cases/sweep-followup.ts';
import { apiEvent, apiWorld, openCaseBody, openDailySlots, who } from '../support/api-world.ts';
import { freshTable } from '../support/dynamo.ts';
import { launchBrowser } from './support/browser.ts';

const SHOTS = 'test-results/console';
let server: ApiServer;
let browser: Browser;
let clock: Awaited<ReturnType<typeof apiWorld>>['clock'];
let worldDeps: Awaited<ReturnType<typeof apiWorld>>['deps'];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const { doc, tableName } = await freshTable('console-e2e');
  const world = await apiWorld(doc, tableName);
  const { deps } = world;
  clock = world.clock;
  worldDeps = deps;
  await openDailySlots(deps, '2026-03-09');
  deps.idKey = new FileIdHashKey(join(mkdtempSync(join(tmpdir(), 'baoxue-console-key-')), 'roll-id.key'));
  server = await startApiServer({ deps, port: 0 });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function signIn(page: Page, personId: string) {
  await page.goto(server.url);
  await page.locator('#person').selectOption(personId);
  await page.getByRole('button', { name: '登录' }).click();
  await expect.poll(() => page.locator('#who-name').textContent()).toBeTruthy();
}

describe('web console', () => {
  it('draws Chinese with a real CJK font, not boxes, so the screenshots are readable', async () => {
    const page = await browser.newPage();
    await page.goto(server.url);
    // Without a CJK font every character is the same .notdef box (and document.fonts.check still says true).
    // A string: the test project has no DOM types.
    const glyphs = await page.evaluate<string[]>(`(() => {
      const draw = (ch) => {
        const canvas = document.createElement('canvas');
        canvas.width = 40;
        canvas.height = 40;
        const g = canvas.getContext('2d');
        g.font = '32px ' + getComputedStyle(document.body).fontFamily;
        g.fillText(ch, 2, 32);
        return canvas.toDataURL();
      };
      return ['控', '学', '控'].map(draw);
    })()`);
    await page.close();
    expect(glyphs[0]).toBe(glyphs[2]);
    expect(glyphs[0]).not.toBe(glyphs[1]);
  });

  it('a school head files a report, opens a case, issues a notice and sees its countdown', async () => {
    const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    // Prompts: the visit note, and (the receipt form) time, method, who signed, evidence, answered in turn.
    // `null`: accept the prompt's default (the receipt time defaults to the server's now).
    const answers: (string | null)[] = [];
    page.on('dialog', (d) => {
      if (d.type() !== 'prompt') return void d.accept();
      const answer = answers.length > 0 ? answers.shift() : '家长仍不同意返校';
      return void d.accept(answer === null ? d.defaultValue() : answer);
    });
    await signIn(page, 'head-s1');
    expect(await page.locator('#who-name').textContent()).toContain('校长');

    // The late board shows only the head's own school, with the ladder level.
    const board = page.locator('#late-board');
    await expect.poll(() => board.textContent()).toContain('测试甲镇第一小学');
    expect(await board.textContent()).not.toContain('测试甲镇中学');
    await page.screenshot({ path: `${SHOTS}/1-head-late-board.png`, fullPage: true });

    // File yesterday's daily report: the school leaves the board.
    await page.getByRole('button', { name: '填报' }).click();
    await page.locator('#report-period').fill('2026-03-09');
    await page.locator('input[name=enrolled]').fill('320');
    await page.locator('input[name=returned]').fill('319');
    await page.locator('textarea[name=notBack]').fill('测试学生甲 未返校');
    await page.getByRole('button', { name: '提交报表' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toContain('报表已提交');
    expect(await page.locator('#flash').textContent()).toContain('新建 1');
    await page.screenshot({ path: `${SHOTS}/2-head-report-filed.png`, fullPage: true });
    await page.getByRole('button', { name: '迟报看板' }).click();
    await expect.poll(() => board.textContent()).toContain('当前没有迟报的学校');

    // Open a case by hand for another pupil (脱贫户).
    await page.getByRole('button', { name: '新建案件' }).click();
    const form = page.locator('#case-form');
    await form.locator('input[name=studentName]').fill('测试学生乙');
    await form.locator('input[name=reason]').fill('随父母外出务工');
    await form.locator('input[name=whereabouts]').fill('广东东莞');
    await form.locator('input[name=guardianName]').fill('测试家长乙');
    await form.locator('input[name=guardianPhone]').fill('+8613800000902');
    await form.locator('input[name=povertyRegistered]').check();
    await page.getByRole('button', { name: '建立案件' }).click();
    await expect.poll(() => page.locator('.case', { hasText: '测试学生乙' }).count()).toBe(1);

    // The priority-group filter: the head may filter by 脱贫户 (R9: own school); only 乙 is declared one.
    await page.getByRole('button', { name: '在办案件' }).click();
    await page.locator('#case-group').selectOption('脱贫户');
    await expect.poll(() => page.locator('.case', { hasText: '测试学生甲' }).count()).toBe(0);
    expect(await page.locator('.case', { hasText: '测试学生乙' }).count()).toBe(1);
    await page.locator('#case-group').selectOption('');
    await expect.poll(() => page.locator('.case', { hasText: '测试学生甲' }).count()).toBe(1);

    // The report opened a case for 测试学生甲: it asks for the guardian; the head fills it in (a bad mobile first).
    const caseCard = page.locator('.case', { hasText: '测试学生甲' });
    await expect.poll(() => caseCard.count()).toBe(1);
    expect(await caseCard.textContent()).toContain('由报表自动建档，请补充监护人信息');
    expect(await caseCard.textContent()).toContain('待核实');
    await caseCard.getByRole('button', { name: '时间线与短信' }).click();
    const edit = page.locator('#case-edit');
    await edit.locator('input[name=guardianName]').fill('测试家长');
    await edit.locator('input[name=guardianPhone]').fill('12345');
    await edit.locator('input[name=whereabouts]').fill('广东东莞');
    await edit.getByRole('button', { name: '保存修改' }).click();
    const phoneError = edit.locator('[data-error-for=guardianPhone]');
    await expect.poll(() => phoneError.isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/3a-head-edit-auto-case.png`, fullPage: true });
    await edit.locator('input[name=guardianPhone]').fill('13800000901');
    await edit.getByRole('button', { name: '保存修改' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toContain('案件信息已保存');
    await expect.poll(() => page.locator('#case-detail').textContent()).not.toContain('请补充监护人信息');
    await page.getByRole('button', { name: '在办案件' }).click();
    await expect.poll(() => caseCard.textContent()).toContain('广东东莞');
    for (let i = 0; i < 2; i++) {
      await caseCard.getByRole('button', { name: '登记家访' }).click();
      await expect.poll(() => caseCard.textContent()).toContain(`家访 ${i + 1} 次`);
    }
    await caseCard.getByRole('button', { name: '发出劝返复学通知书' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toContain('已发出劝返复学通知书');
    const countdown = caseCard.locator('.countdown');
    await expect.poll(() => countdown.textContent()).toMatch(/剩余 (6天23小时|7天0小时)/);
    expect(await caseCard.textContent()).toContain('尚未登记送达');
    await page.screenshot({ path: `${SHOTS}/3-head-notice-countdown.png`, fullPage: true });
    // The guardian signed the 送达回证 at once: the head records it; the week runs from the receipt.
    answers.push(null, '2', '测试家长', '回证-E2E-1');
    await caseCard.getByRole('button', { name: '登记送达' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toContain('已登记送达');
    await expect.poll(() => caseCard.textContent()).toContain('已送达：签收送达回证');
    expect(await caseCard.getByRole('button', { name: '登记送达' }).count()).toBe(0);

    // The timeline shows the visits, the notice and the queued SMS to the guardian.
    await caseCard.getByRole('button', { name: '时间线与短信' }).click();
    const detail = page.locator('#case-detail');
    await expect.poll(() => detail.textContent()).toContain('发出劝返复学通知书');
    expect(await detail.textContent()).toContain('待发送');
    expect(await detail.textContent()).toContain('+8613800000901');
    await page.screenshot({ path: `${SHOTS}/4-head-case-timeline.png`, fullPage: true });
    await page.close();
  });

  it('a township contact sees only their township, on a phone screen, with R9 masking', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(page, 'contact-b');
    const board = page.locator('#late-board');
    await expect.poll(() => board.textContent()).toContain('测试乙乡');
    expect(await board.textContent()).not.toContain('测试甲镇');
    expect(await page.locator('section.township').count()).toBe(1);
    await page.screenshot({ path: `${SHOTS}/5-contact-late-board-phone.png`, fullPage: true });

    await page.getByRole('button', { name: '在办案件' }).click();
    await expect.poll(() => page.locator('#case-list').textContent()).toContain('没有在办案件');
    // Forms for school staff are hidden for a township contact.
    expect(await page.getByRole('button', { name: '填报' }).isVisible()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/6-contact-cases-phone.png`, fullPage: true });
    await page.close();
  });

  it('township contact A sees the school head’s case masked (R9)', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signIn(page, 'contact-a');
    await page.getByRole('button', { name: '在办案件' }).click();
    const list = page.locator('#case-list');
    await expect.poll(() => list.textContent()).toContain('测***甲');
    expect(await list.textContent()).not.toContain('测试学生甲');
    expect(await list.textContent()).not.toContain('脱贫户');
    // The group filter offers every group but 脱贫户 to a township contact.
    expect(await page.locator('#case-group option').allTextContents()).toEqual([
      '全部',
      '残疾',
      '留守',
      '孤儿',
      '事实无人抚养',
      '随迁',
    ]);
    await page.screenshot({ path: `${SHOTS}/7-contact-a-masked-case.png`, fullPage: true });
    await page.close();
  });

  it('township contact A reads the statistics of their township, drills into its schools and exports', async () => {
    const page = await browser.newPage({
      viewport: { width: 390, height: 844 },
      isMobile: true,
      acceptDownloads: true,
    });
    await signIn(page, 'contact-a');
    await page.getByRole('button', { name: '乡镇统计' }).click();
    const result = page.locator('#stats-result');
    await expect.poll(() => result.locator('tr[data-township]').count()).toBe(1);
    expect(await result.textContent()).toContain('测试甲镇');
    expect(await result.textContent()).not.toContain('测试乙乡');
    // Case figures per priority group, without 脱贫户 for a township contact (R9).
    expect(await result.locator('.groups-table th').allTextContents()).toEqual([
      '乡镇',
      '残疾',
      '留守',
      '孤儿',
      '事实无人抚养',
      '随迁',
    ]);
    expect(await result.textContent()).not.toContain('脱贫户');

    await result.locator('tr[data-township="ta"]').click();
    const schools = page.locator('#stats-schools');
    await expect.poll(() => schools.textContent()).toContain('测试甲镇第一小学');
    expect(await schools.textContent()).toContain('测试甲镇中学');
    await page.screenshot({ path: `${SHOTS}/8-contact-a-statistics-phone.png`, fullPage: true });

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: '辍学学生花名册 CSV' }).click();
    expect((await download).suggestedFilename()).toMatch(/^辍学学生花名册-\d{4}-\d{2}-\d{2}\.csv$/);
    await page.close();
  });

  it('a school head records a return, sees the 保学 visit due, records it and it leaves the due list', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(page, 'head-s1');
    await page.getByRole('button', { name: '在办案件' }).click();
    const caseCard = page.locator('.case', { hasText: '测试学生乙' });
    await caseCard.getByRole('button', { name: '登记复学' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toContain('已登记复学');

    await page.getByRole('button', { name: '家访任务' }).click();
    const list = page.locator('#fu-list');
    const first = list.locator('.fu-item', { hasText: '测试学生乙' }).filter({ hasText: '第 1/' });
    await expect.poll(() => first.count()).toBe(1);
    expect(await first.textContent()).toContain('保学');
    expect(await first.textContent()).toContain('应访日期');
    await page.screenshot({ path: `${SHOTS}/9-head-followup-due-phone.png`, fullPage: true });

    await first.getByRole('button', { name: '登记' }).click();
    await first.locator('textarea[name=note]').fill('学生在校表现稳定');
    await first.getByRole('button', { name: '提交登记' }).click();
    await expect.poll(() => page.locator('#flash').textContent()).toContain('已登记');
    await expect.poll(() => first.count()).toBe(0);
    const second = list.locator('.fu-item', { hasText: '测试学生乙' }).filter({ hasText: '第 2/' });
    expect(await second.count()).toBe(1);

    // The 一人一案 record shows the visit done and the ones still to come.
    await second.getByRole('button', { name: '一人一案' }).click();
    const record = page.locator('#plan-detail');
    await expect.poll(() => record.locator('tr[data-no="1"]').textContent()).toContain('已完成');
    expect(await record.textContent()).toContain('学生在校表现稳定');
    expect(await record.locator('tr[data-no="2"]').textContent()).toContain('待完成');
    await page.screenshot({ path: `${SHOTS}/10-head-plan-record-phone.png`, fullPage: true });
    await page.close();
  });

  it('a teacher sees their overdue 大家访 household first, in red, records it and it leaves the list', async () => {
    // The head lists the school's households for the 寒假后 window (ended 2026-03-01) through the API.
    const head = await browser.newPage();
    await signIn(head, 'head-s1');
    const created = await head.evaluate(async () => {
      const res = await fetch('/api/followup/campaigns', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${localStorage.getItem('baoxue.token')}`,
          'idempotency-key': 'e2e-campaign-s1',
        },
        body: JSON.stringify({
          windowId: '2026-winter-after',
          schoolId: 's1',
          households: [{ ref: 'h1', studentName: '测试学生丙', teacherId: 'teacher-s1' }],
        }),
      });
      return res.status;
    });
    expect(created).toBe(201);
    await head.close();

    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(page, 'teacher-s1');
    await page.getByRole('button', { name: '家访任务' }).click();
    const list = page.locator('#fu-list');
    const item = list.locator('.fu-item', { hasText: '测试学生丙' });
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.textContent()).toContain('大家访');
    expect(await item.getAttribute('class')).toContain('fu-overdue');
    // The teacher is not assigned to the 保学 plan of 测试学生乙 (the head is): only their own household shows.
    expect(await list.textContent()).not.toContain('测试学生乙');
    expect(await page.locator('#fu-school-label').isVisible()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/11-teacher-household-overdue-phone.png`, fullPage: true });

    await item.getByRole('button', { name: '登记' }).click();
    await item.locator('input[name=date]').fill('2026-02-27');
    await item.getByRole('button', { name: '提交登记' }).click();
    await expect.poll(() => list.textContent()).toContain('没有待完成的家访任务');
    await page.close();
  });

  it('a township contact reads the due list masked, read-only, with a school picker', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await signIn(page, 'contact-a');
    await page.getByRole('button', { name: '家访任务' }).click();
    await page.locator('#fu-school').selectOption('s1');
    const list = page.locator('#fu-list');
    await expect.poll(() => list.textContent()).toContain('测***乙');
    expect(await list.textContent()).not.toContain('测试学生乙');
    expect(await list.getByRole('button', { name: '登记' }).count()).toBe(0);
    expect(await page.locator('#fu-school option').count()).toBe(2);
    // 大家访 completion per school of the township: s1 1/1 done, s2 without a list.
    const campaigns = page.locator('#fu-campaign-result');
    await expect.poll(() => campaigns.textContent()).toContain('1/1');
    expect(await campaigns.textContent()).toContain('已完成');
    expect(await campaigns.textContent()).toContain('未上报走访名单：测试甲镇中学');
    await page.screenshot({ path: `${SHOTS}/12-contact-a-followup-phone.png`, fullPage: true });
    await page.close();
  });

  it('a school head creates a 送教上门 plan (field error first) and sees its first visit due', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(page, 'head-s1');
    await page.getByRole('button', { name: '家访任务' }).click();
    await page.locator('#st-panel summary').click();
    const form = page.locator('#st-form');
    await form.locator('input[name=studentName]').fill('测试学生丁');
    await form.getByLabel('测试教师二').check();
    await form.locator('input[name=from]').fill('2026-03-10');
    await form.locator('input[name=to]').fill('2026-05-31');
    await form.locator('textarea[name=content]').fill('生活自理训练、识字');
    // Below the bureau minimum (2 a month): the API's 400 shows next to the field, in Chinese.
    await form.locator('input[name=visitsPerMonth]').fill('1');
    await form.getByRole('button', { name: '建立送教计划' }).click();
    const err = form.locator('[data-error-for="visitsPerMonth"]');
    await expect.poll(() => err.textContent()).toContain('不少于规定的最低次数');
    await page.screenshot({ path: `${SHOTS}/13-head-send-teaching-error-phone.png`, fullPage: true });

    await form.locator('input[name=visitsPerMonth]').fill('2');
    await form.getByRole('button', { name: '建立送教计划' }).click();
    const record = page.locator('#plan-detail');
    await expect.poll(() => record.textContent()).toContain('测试学生丁 · 送教上门');
    expect(await record.textContent()).toContain('测试教师二');
    expect(await record.locator('tr[data-no="1"]').textContent()).toContain('待完成');
    await page.screenshot({ path: `${SHOTS}/14-head-send-teaching-plan-phone.png`, fullPage: true });

    await page.getByRole('button', { name: '← 返回家访任务' }).click();
    const first = page.locator('#fu-list .fu-item', { hasText: '测试学生丁' }).filter({ hasText: '第 1/' });
    await expect.poll(() => first.count()).toBe(1);
    expect(await first.textContent()).toContain('送教上门');

    // A different 大家访 list for a window that already has one (h1, listed earlier) is refused.
    await page.locator('#hv-panel summary').click();
    const hv = page.locator('#hv-form');
    await hv.locator('select[name=windowId]').selectOption('2026-winter-after');
    await hv.locator('textarea[name=households]').fill('h9 测试学生戊 测试教师一\nh10 测试学生己 teacher-s1b');
    await hv.getByRole('button', { name: '提交名单' }).click();
    await expect.poll(() => hv.locator('[data-error-for="form"]').textContent()).toBe('该时段已有名单，不能更改');
    await page.screenshot({ path: `${SHOTS}/15-head-household-list-exists-phone.png`, fullPage: true });
    await page.close();
  });

  it('shows the calendar banner on every page while the 2027 calendar and the next term are missing', async () => {
    const before = clock.now().toISOString();
    clock.set('2026-12-01T02:00:00Z'); // 10:00 CST: 27 days before 2026-W53, which needs 2027's days
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 700 } });
      await signIn(page, 'office-1');
      const banner = page.locator('#calendar-banner');
      await expect.poll(() => banner.isVisible()).toBe(true);
      const text = await banner.textContent();
      expect(text).toContain('系统缺少2027年国家节假日安排：自 2026-12-28 起（还有 27 天）报表周期将无法生成');
      expect(text).toContain('npm run cli -- calendar check 2027');
      expect(text).toContain('系统缺少新学期的起止日期');
      await page.getByRole('button', { name: '在办案件' }).click();
      expect(await banner.isVisible()).toBe(true);
      await page.screenshot({ path: `${SHOTS}/9-calendar-banner.png` });
      await page.close();
    } finally {
      clock.set(before);
    }
  });

  it('a township contact takes a lapsed notice on and records the township order from the case page', async () => {
    const before = clock.now().toISOString();
    const api = async (path: string, body: unknown) =>
      JSON.parse((await createApiHandler(worldDeps)(apiEvent({ method: 'POST', path, as: who.headS1, body }))).body);
    const caseId = (
      await api('/api/cases', { ...openCaseBody('s1'), studentName: '测试学生丙', studentRef: 'TEST-XJ-E2E9' })
    ).case.id as string;
    for (const _ of [1, 2])
      await api(`/api/cases/${caseId}/visits`, { at: before, outcome: 'refused', note: '不同意' });
    const noticeId = (await api(`/api/cases/${caseId}/notices`, { confirm: true })).notice.id as string;
    clock.set(new Date(Date.parse(before) + 7 * 86_400_000 + 60_000).toISOString());
    try {
      expect(await createNoticeDeadlineHandler(worldDeps)({ caseId, noticeId })).toMatchObject({
        outcome: 'escalated',
      });
      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
      const answers = ['已联系乡镇政府，明日上门', '2', '', '测试政发〔2026〕3号', ''];
      page.on('dialog', (d) => {
        const answer = answers.shift() ?? '';
        // An empty answer for the date prompt keeps its default (today).
        return void d.accept(d.type() === 'prompt' && answer === '' ? d.defaultValue() : answer);
      });
      await signIn(page, 'contact-a');
      await page.getByRole('button', { name: '在办案件' }).click();
      const card = page.locator('.case', { hasText: maskName('测试学生丙') });
      await expect.poll(() => card.count()).toBe(1);
      await card.getByRole('button', { name: '时间线与短信' }).click();
      const panel = page.locator('section.escalation');
      await expect.poll(() => panel.textContent()).toContain('尚无人确认跟进');
      await panel.getByRole('button', { name: '确认跟进' }).click();
      await expect.poll(() => panel.textContent()).toContain('已确认跟进：测试联络甲');
      await panel.getByRole('button', { name: '登记乡镇政府责令' }).click();
      await expect.poll(() => panel.textContent()).toContain('乡镇政府限期返校（测试政发〔2026〕3号');
      expect(await page.locator('#case-detail').textContent()).toContain('确认跟进逾期通知书');
      await page.screenshot({ path: `${SHOTS}/10-contact-escalation.png`, fullPage: true });
      await page.close();
    } finally {
      clock.set(before);
    }
  });

  it('a township contact takes a late report’s ladder level on from the late board', async () => {
    const before = clock.now().toISOString();
    try {
      const chase = (at: string) => {
        clock.set(at);
        return chaseReports({
          slots: new DynamoSlotRepository(worldDeps.doc, worldDeps.tableName),
          notes: new DynamoNoteRepository(worldDeps.doc, worldDeps.tableName),
          directory: new DynamoDirectoryLookup(worldDeps.doc, worldDeps.tableName),
          clock,
          log: worldDeps.log,
          config: worldDeps.config,
        });
      };
      await chase('2026-03-09T09:40:00Z'); // the head of 测试乙乡小学 reminded
      await chase('2026-03-10T01:05:00Z'); // level 1: the 包乡镇人员 of 测试乙乡
      const page = await browser.newPage();
      page.on('dialog', (d) => void d.accept('已电话联系校长，今天补报'));
      await signIn(page, 'contact-b');
      const board = page.locator('#late-board');
      const button = board.getByRole('button', { name: '确认跟进第1级催报' });
      await expect.poll(() => button.count()).toBe(1);
      await button.click();
      await expect.poll(() => board.textContent()).toContain('第1级已由 测试联络乙 确认跟进');
      expect(await button.count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/11-contact-report-acknowledged.png`, fullPage: true });
      await page.close();
    } finally {
      clock.set(before);
    }
  });

  it('a school head uploads a roll in the wizard: errors by row and column, then the dry run, then the import', async () => {
    const page = await browser.newPage();
    await signIn(page, 'head-s1');
    await page.locator('.tabs').getByRole('button', { name: '数据导入' }).click();
    const form = page.locator('#upload-form');
    await expect.poll(() => form.locator('select[name=term] option').count()).toBeGreaterThan(0);
    await form.locator('select[name=term]').selectOption('2025-2026学年第二学期');
    const header = '学籍号,姓名,性别,出生日期,年级,身份证号';
    const row = (i: number, name: string, birth = '2014-03-01') =>
      `T00300000${i},${name},男,${birth},五年级,${fakeIdNumber('2014-03-01', 40 + i)}`;
    const file = (rows: string[]) => ({
      name: '学籍花名册.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\uFEFF${[header, ...rows].join('\r\n')}\r\n`),
    });
    // A file with a bad row: the table of errors names row and column; nothing to confirm.
    await form.locator('input[type=file]').setInputFiles(file([row(1, '测试向导甲'), row(2, '', '2014-13-01')]));
    await form.getByRole('button', { name: '检查（试运行）' }).click();
    const result = page.locator('#upload-result');
    await expect.poll(() => result.textContent()).toContain('未导入任何内容');
    expect(await result.textContent()).toContain('第 3 行');
    expect(await form.getByRole('button', { name: '确认导入' }).isDisabled()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/19-head-upload-errors.png`, fullPage: true });
    // The corrected file: the dry run shows 2 new pupils (masked), then the import.
    await form.locator('input[type=file]').setInputFiles(file([row(1, '测试向导甲'), row(2, '测试向导乙')]));
    await form.getByRole('button', { name: '检查（试运行）' }).click();
    await expect.poll(() => result.textContent()).toContain('试运行结果（尚未写入）');
    expect(await result.locator('.upload-diff tbody tr td').nth(2).textContent()).toBe('2');
    expect(await result.textContent()).not.toContain('测试向导乙');
    await page.screenshot({ path: `${SHOTS}/20-head-upload-dry-run.png`, fullPage: true });
    await form.getByRole('button', { name: '确认导入' }).click();
    await expect.poll(() => result.textContent()).toContain('已导入');
    expect(await page.locator('.upload-progress span').textContent()).toContain('完成 100%');
    await page.screenshot({ path: `${SHOTS}/21-head-upload-imported.png`, fullPage: true });
    // The office sees all three kinds; a teacher has no such tab.
    await page.close();
    const office = await browser.newPage();
    await signIn(office, 'office-1');
    await office.locator('.tabs').getByRole('button', { name: '数据导入' }).click();
    expect(await office.locator('#upload-form select[name=kind] option').allTextContents()).toEqual([
      '学籍花名册',
      '适龄儿童户籍名单',
      '组织名录（责任学校一览表、领导名单、学校名单）',
    ]);
    await office.close();
    const teacher = await browser.newPage();
    await signIn(teacher, 'teacher-s1');
    expect(await teacher.locator('.tabs').getByRole('button', { name: '数据导入' }).isVisible()).toBe(false);
    await teacher.close();
  });

  it('a township contact takes an escalated 送教上门 visit on from the follow-up list', async () => {
    const before = clock.now().toISOString();
    try {
      const created = await createApiHandler(worldDeps)(
        apiEvent({
          method: 'POST',
          path: '/api/followup/send-teaching-plans',
          as: who.headS1,
          body: {
            studentName: '测试学生庚',
            schoolId: 's1',
            teacherIds: ['teacher-s1b'],
            content: '康复训练',
            from: '2026-03-10',
            to: '2026-04-30',
          },
        }),
      );
      expect(created.statusCode).toBe(201);
      const planId = JSON.parse(created.body).plan.id as string;
      const repo = new DynamoFollowUpRepository(worldDeps.doc, worldDeps.tableName);
      const visit1 = (await repo.getPlan(planId))!.visits.find((v) => v.no === 1)!;
      // Just after the first escalation step (the head): the visit is escalated, the 包乡镇人员's step still ahead.
      const [head, contact] = visit1.steps.filter((s) => s.kind === 'escalation');
      clock.set(new Date(Date.parse(head!.at) + 5 * 60_000).toISOString());
      await sweepFollowUpUseCase(followUpDepsOf(worldDeps));

      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      page.on('dialog', (d) => void d.accept('已督促送教教师本周补上'));
      await signIn(page, 'contact-a');
      await page.getByRole('button', { name: '家访任务' }).click();
      await page.locator('#fu-school').selectOption('s1');
      const item = page.locator('#fu-list .fu-item', { hasText: maskName('测试学生庚') }).filter({ hasText: '第 1/' });
      await expect.poll(() => item.count()).toBe(1);
      expect(await item.textContent()).toContain('已上报');
      // Visit 2 is not escalated yet: no button there.
      const item2 = page.locator('#fu-list .fu-item', { hasText: maskName('测试学生庚') }).filter({ hasText: '第 2/' });
      expect(await item2.getByRole('button', { name: '确认跟进' }).count()).toBe(0);
      await item.getByRole('button', { name: '确认跟进' }).click();
      await expect.poll(() => page.locator('#flash').textContent()).toContain('已确认跟进');
      await expect.poll(() => item.locator('.fu-ack').textContent()).toContain('已由 测试联络甲 确认跟进');
      expect(await item.textContent()).toContain('已督促送教教师本周补上');
      expect(await item.getByRole('button', { name: '确认跟进' }).count()).toBe(0);
      await page.screenshot({ path: `${SHOTS}/16-contact-a-visit-acknowledged-phone.png`, fullPage: true });
      await page.close();

      // The 包乡镇人员's own step comes and is not sent: they took it on.
      const sentBefore = (await repo.getPlan(planId))!.visits.find((v) => v.no === 1)!.acknowledged;
      expect(sentBefore).toMatchObject({ by: { personId: 'contact-a' }, note: '已督促送教教师本周补上' });
      clock.set(new Date(Date.parse(contact!.at) + 5 * 60_000).toISOString());
      await sweepFollowUpUseCase(followUpDepsOf(worldDeps));
      const toContact = (
        await new DynamoCaseExtras(worldDeps.doc, worldDeps.tableName).messages('s1', [planId])
      ).filter((m) => m.recipient.personId === 'contact-a' && m.template === 'send-teaching-escalation');
      expect(toContact).toEqual([]);
    } finally {
      clock.set(before);
    }
  });

  it('a township contact takes a school’s late 大家访 on from the campaign table', async () => {
    const before = clock.now().toISOString();
    try {
      // 测试甲镇中学 lists one household for the 寒假后 window (ended Sunday 2026-03-01) and visits nothing; the
      // head is alerted Monday 03-02 09:00 (officials' working time), the 包乡镇人员 on Wednesday. Listed in time
      // (02-27): a list made after the window has no steps ahead.
      clock.set('2026-02-27T02:00:00Z');
      const created = await createApiHandler(worldDeps)(
        apiEvent({
          method: 'POST',
          path: '/api/followup/campaigns',
          as: who.office,
          body: {
            windowId: '2026-winter-after',
            schoolId: 's2',
            households: [{ ref: 'h-s2', studentName: '测试学生辛', teacherId: 'head-s2' }],
          },
        }),
      );
      expect(created.statusCode).toBe(201);
      clock.set('2026-03-02T01:05:00Z');
      await sweepFollowUpUseCase(followUpDepsOf(worldDeps));
      clock.set(before);

      const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      page.on('dialog', (d) => void d.accept('已约谈校长，本周内完成'));
      await signIn(page, 'contact-a');
      await page.getByRole('button', { name: '家访任务' }).click();
      const row = page.locator('#fu-campaign-result tr[data-campaign-school="s2"]');
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.textContent()).toContain('0/1');
      expect(await row.textContent()).toContain('已上报');
      // s1's list is complete: nothing to take on there.
      expect(await page.locator('#fu-campaign-result tr[data-campaign-school="s1"] button').count()).toBe(0);
      await row.getByRole('button', { name: '确认跟进' }).click();
      await expect.poll(() => page.locator('#flash').textContent()).toContain('该校大家访不再向上级上报');
      await expect.poll(() => row.locator('.fu-ack').textContent()).toContain('已由 测试联络甲 确认跟进');
      expect(await row.textContent()).toContain('已约谈校长，本周内完成');
      expect(await row.getByRole('button', { name: '确认跟进' }).count()).toBe(0);
      await page.locator('#fu-campaigns').scrollIntoViewIfNeeded();
      await page.screenshot({ path: `${SHOTS}/17-contact-a-campaign-acknowledged-phone.png`, fullPage: true });
      await page.close();

      // Wednesday's step to the 包乡镇人员 and the 包片领导's are not sent.
      clock.set('2026-03-09T02:00:00Z');
      await sweepFollowUpUseCase(followUpDepsOf(worldDeps));
      const sent = await new DynamoCaseExtras(worldDeps.doc, worldDeps.tableName).messages('s2', [
        'campaign-2026-winter-after-s2',
      ]);
      expect(sent.filter((m) => m.template === 'campaign-escalation').map((m) => m.recipient.personId)).toEqual([
        'head-s2',
      ]);
    } finally {
      clock.set(before);
    }
  });

  it('the office reads the township order recorded above in the statistics: per township and county-wide', async () => {
    // No stream runs beside this API: the aggregates are rebuilt from the items (what rebuild-aggregates does).
    await rebuildAggregates(worldDeps.doc, worldDeps.tableName);
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await signIn(page, 'office-1');
    await page.getByRole('button', { name: '乡镇统计' }).click();
    const result = page.locator('#stats-result');
    await expect.poll(() => result.locator('.stats-county').count()).toBe(1);
    // The notice lapsed and the order was made a week after today (the test moved the clock): ask for all March.
    await page.locator('#stats-form [name=to]').fill('2026-03-31');
    await page.getByRole('button', { name: '查询' }).click();
    await expect.poll(() => result.locator('.stats-county').textContent()).toContain('乡镇责令 1 份');
    expect(await result.locator('.stats-county').textContent()).toContain('通知书逾期 1 份');
    expect(await result.locator('.stats-county').textContent()).toContain('未结 1');
    expect(await result.locator('thead').first().textContent()).toContain('乡镇责令（按期复学/逾期/其他结案/未结）');
    expect(await result.locator('tr[data-township="ta"]').textContent()).toContain('1（0/0/0/1）');
    expect(await result.locator('tr[data-township="tb"]').textContent()).toContain('0（0/0/0/0）');
    // Per priority group, 脱贫户 included for the office: per township, then the county.
    expect(await result.locator('.groups-table').first().locator('th').allTextContents()).toEqual([
      '乡镇',
      '脱贫户',
      '残疾',
      '留守',
      '孤儿',
      '事实无人抚养',
      '随迁',
    ]);
    expect(await result.locator('.groups-table').last().textContent()).toContain('全县');
    await page.screenshot({ path: `${SHOTS}/18-office-statistics-township-orders.png`, fullPage: true });
    await page.close();
  });
});
