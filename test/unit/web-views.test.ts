import { describe, expect, it } from 'vitest';
import type { Case } from '../../shared/domain/case.ts';
import { acknowledgementView } from '../../shared/domain/escalation.ts';
import type { Message } from '../../shared/domain/message.ts';
import type { Notice } from '../../shared/domain/notice.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import { type Principal, viewForCaller } from '../../shared/domain/scope.ts';
import { caseMessageView, knownNames, noticeView } from '../../shared/domain/views/case.ts';

/**
 * The console's pure view functions (web/tab-*.js) rendered from fixtures shaped like the API's replies (the case,
 * notice and message views are made by the API's own view functions): every field shows, masked values stay
 * masked, hostile strings come out escaped. web/ is plain browser JS (checked by `tsc -p web`): imported by a
 * variable path like web-render.test.ts; SafeHtml's `.value` is the markup as a string (no DOM needed).
 */
interface Safe {
  value: string;
}
type View = (...args: unknown[]) => Safe;
const web = async <T>(name: string): Promise<T> => (await import(`../../web/${name}.js`)) as T;

const late = await web<{ lateBoardHtml: View; lateCard: View }>('tab-late');
const cases = await web<{
  caseListHtml: View;
  caseDetailHtml: View;
  e164(phone: string): string;
  caseChanges(before: unknown, field: (k: string) => string, staff: unknown[]): Record<string, unknown>;
  STATE: Record<string, string>;
}>('tab-cases');
const stats = await web<{
  statsResultHtml: View;
  statsPeriod(preset: string, now: number): { from: string; to: string };
  statsChartsHtml: View;
  chartsFresh(cache: unknown, personId: string, today: string, now: number): boolean;
  CHARTS_TTL_MS: number;
}>('tab-stats');
const fu = await web<{
  fuRows(data: unknown): { key: string; kind: string; studentName: string; overdue: boolean; dueDate: string }[];
  dueListHtml: View;
  fuPagerHtml: View;
  fuGroupFilterHtml: View;
  planHtml: View;
  campaignHtml: View;
  parseHouseholds(
    text: string,
    staff: unknown[],
  ): { households: { ref: string; studentName: string; teacherId: string; line: number }[]; errors: string[] };
}>('tab-followup');
const imports = await web<{
  uploadResultHtml: View;
  uploadErrorHtml: View;
  allowedKind(may: Record<string, boolean>, kind: string): string;
  afterChange(u: Upload, keepFile: boolean): Upload;
  requestKey(u: Upload, dryRun: boolean, newId: () => string): { key: string; next: Upload };
  afterResult(u: Upload, dryRun: boolean, result: unknown): Upload;
}>('tab-imports');
const shared = await web<{
  state: { token: string | null; me: unknown; clockOffset: number };
  me(): unknown;
  fmt(iso: string | null | undefined): string;
  countdown(deadline: string, now: number): { text: string; over: boolean };
  cstToday(offsetDays: number, now: number): string;
}>('shared');
const apiJs = await web<{
  errorMessage(status: number, data: unknown): string;
  requestHeaders(method: string, token: string | null, key?: string): Record<string, string>;
  query(params: Record<string, unknown>): string;
}>('api');

interface Upload {
  kind: string;
  file: unknown;
  content: string | null;
  dry: unknown;
  confirmKey: string | null;
}

const { fmt } = shared;
const HOSTILE = `<img src=x onerror="alert(1)">'\``;
const ESCAPED = '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&#96;';
/** The text of markup: tags dropped, the template's entities decoded. */
const text = (h: Safe) =>
  h.value
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
/** Markup holds the hostile string only escaped. */
function escapesHostile(h: Safe) {
  expect(h.value).toContain(ESCAPED);
  expect(h.value).not.toContain('<img');
}

const office: Principal = { personId: 'p-office', role: 'office' };
const contact: Principal = { personId: 'p-contact', role: 'township-contact', townshipId: 'town-a', areaId: 'area-a' };
const head: Principal = { personId: 'p-head', role: 'school-head', schoolId: 'school-a', townshipId: 'town-a' };

describe('shared.js and api.js helpers', () => {
  it('fmt shows Beijing time, countdown counts down and says 已逾期, cstToday shifts by days', () => {
    expect(fmt('2026-03-09T09:00:00.000Z')).toBe('3/9 17:00');
    expect(fmt(undefined)).toBe('');
    const now = Date.parse('2026-03-09T00:00:00Z');
    expect(shared.countdown('2026-03-10T02:30:00Z', now)).toEqual({ text: '剩余 1天2小时30分', over: false });
    expect(shared.countdown('2026-03-08T00:00:00Z', now)).toEqual({ text: '已逾期', over: true });
    // 2026-03-09 17:00 UTC is already 03-10 in Beijing.
    expect(shared.cstToday(0, Date.parse('2026-03-09T17:00:00Z'))).toBe('2026-03-10');
    expect(shared.cstToday(-1, Date.parse('2026-03-09T17:00:00Z'))).toBe('2026-03-09');
  });

  it('me() refuses before sign-in and returns the signed-in person after', () => {
    const before = shared.state.me;
    shared.state.me = null;
    expect(() => shared.me()).toThrow('未登录');
    const m = { principal: office, roleLabel: '办公室', may: {}, org: { schools: [], staff: [], townships: [] } };
    shared.state.me = m;
    expect(shared.me()).toBe(m);
    shared.state.me = before;
  });

  it('errorMessage names the fields, else the message, else the status; headers carry token and a POST key', () => {
    expect(
      apiJs.errorMessage(400, {
        error: {
          issues: [
            { field: 'body.to', reason: '不能早于开始日期' },
            { field: 'body.x', reason: '必填' },
          ],
        },
      }),
    ).toBe('body.to：不能早于开始日期；body.x：必填');
    expect(apiJs.errorMessage(403, { error: { message: '无权查看' } })).toBe('无权查看');
    expect(apiJs.errorMessage(502, {})).toBe('请求失败（502）');
    expect(apiJs.requestHeaders('POST', 'tok', 'k-1')).toEqual({
      'content-type': 'application/json',
      authorization: 'Bearer tok',
      'idempotency-key': 'k-1',
    });
    expect(apiJs.requestHeaders('GET', null)).toEqual({ 'content-type': 'application/json' });
    expect(apiJs.requestHeaders('POST', null)['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(apiJs.query({ a: '1', b: '', c: null, d: undefined, e: 0 })).toBe('?a=1&e=0');
    expect(apiJs.query({})).toBe('');
  });
});

describe('迟报看板 lateBoardHtml', () => {
  // GET /api/reports/late: LateReportRow + schoolName, grouped by township.
  const row = (over: Record<string, unknown> = {}) => ({
    slotId: 'slot-1',
    schoolId: 'school-a',
    townshipId: 'town-a',
    cadence: 'daily',
    cadenceLabel: '日报',
    periodKey: '2026-03-09',
    deadline: '2026-03-09T09:00:00.000Z',
    overdueMinutes: 185,
    level: 2,
    levelCount: 3,
    stage: '已催报至第2级（共3级）',
    reached: '校长、包乡镇人员',
    escalations: [
      { level: 1, personIds: ['p-head'], acknowledged: { by: '示例校长', at: '2026-03-09T10:00:00.000Z' } },
      { level: 2, personIds: ['p-contact'], acknowledged: null },
    ],
    schoolName: `示例小学${HOSTILE}`,
    ...over,
  });
  const board = {
    asOf: '2026-03-09T12:05:00.000Z',
    townships: [{ townshipId: 'town-a', townshipName: `甲镇${HOSTILE}`, reports: [row()] }],
  };

  it('shows township, school, cadence, period, deadline, hours overdue, stage, who was told and the acknowledgement', () => {
    const h = late.lateBoardHtml(board, contact);
    const t = text(h);
    expect(t).toContain(`甲镇${HOSTILE} 1 所迟报`);
    expect(t).toContain(`示例小学${HOSTILE}`);
    expect(t).toContain(`日报 2026-03-09 · 截止 ${fmt('2026-03-09T09:00:00.000Z')}`);
    expect(t).toContain('逾期 3 小时 · 已催报至第2级（共3级）（已通知：校长、包乡镇人员）');
    expect(t).toContain(`第1级已由 示例校长 确认跟进（${fmt('2026-03-09T10:00:00.000Z')}）`);
    expect(h.value).toContain('data-township="town-a"');
    expect(h.value).toContain('class="card lv lv2"');
    escapesHostile(h);
  });

  it('the acknowledge button only for a level that reached the viewer (any level for the office)', () => {
    const mine = late.lateBoardHtml(board, contact).value;
    expect(mine).toContain('data-act="ack-report" data-slot="slot-1" data-level="2">确认跟进第2级催报</button>');
    expect(late.lateBoardHtml(board, head).value).not.toContain('data-act="ack-report"');
    expect(late.lateBoardHtml(board, office).value).toContain('data-level="2"');
  });

  it('clamps the colour level, omits an empty reached, says so when nothing is late', () => {
    const h = late.lateCard(row({ level: 9, reached: '', escalations: [] }), office);
    expect(h.value).toContain('lv lv4');
    expect(text(h)).not.toContain('已通知');
    expect(text(late.lateBoardHtml({ townships: [] }, office))).toBe('当前没有迟报的学校。');
  });
});

// ---- cases: views made by the API's own view functions ----
const storedCase = (over: Partial<Case> = {}): Case => ({
  id: 'case-1',
  schoolId: 'school-a',
  townshipId: 'town-a',
  studentName: '测试小明',
  studentRef: 'G450331201001011234',
  kind: 'not-returned',
  reason: `春季开学未返校${HOSTILE}`,
  whereabouts: '随父母外出务工，父亲电话13800000101',
  responsibleTeacher: { personId: 't-1', name: '示例老师' },
  guardian: { name: '示例家长', phone: '+8613800000101' },
  povertyRegistered: true,
  state: 'persuading',
  openedAt: '2026-03-02T01:00:00.000Z',
  updatedAt: '2026-03-05T01:00:00.000Z',
  visitCount: 2,
  version: 3,
  ...over,
});
/** GET /api/cases item: the caller's view + labels + the running notice. */
const listItem = (p: Principal, c: Case, notice: unknown = null) => ({
  ...viewForCaller(p, { ...c, areaId: 'area-a' }),
  kindLabel: '开学未返校',
  schoolName: '示例小学',
  townshipName: '甲镇',
  notice,
});
const notice: Notice = {
  id: 'n-1',
  caseId: 'case-1',
  schoolId: 'school-a',
  townshipId: 'town-a',
  issuedAt: '2026-03-05T02:00:00.000Z',
  deadline: '2026-03-12T02:00:00.000Z',
  receipt: {
    receivedAt: '2026-03-05T06:00:00.000Z',
    method: 'signed-receipt',
    receivedBy: '示例家长',
    recordedAt: '2026-03-05T07:00:00.000Z',
    recordedBy: { personId: 'p-head', name: '示例校长' },
  },
  status: 'pending',
  issuedBy: { personId: 'p-head', name: '示例校长' },
  timerName: 'notice-n-1',
  reminderMessageIds: [],
  version: 1,
} as Notice;

describe('在办案件 caseListHtml', () => {
  const may = { logVisit: true, issueNotice: true, openCase: true };

  it('the school sees the full case: name, kind, state, school, township, 脱贫户, whereabouts, teacher, visits, notice', () => {
    const item = listItem(head, storedCase({ state: 'notice-issued' }), noticeView(notice, false));
    const h = cases.caseListHtml({ cases: [item], nextCursor: 'c2' }, may);
    const t = text(h);
    for (const s of [
      '测试小明',
      '开学未返校',
      '已发通知书',
      '示例小学 · 甲镇',
      '脱贫户',
      '去向：随父母外出务工，父亲电话13800000101 · 包保教师：示例老师 · 家访 2 次',
      `劝返复学通知书期限 ${fmt(notice.deadline)}`,
      `已送达：签收送达回证 ${fmt('2026-03-05T06:00:00.000Z')}，签收人 示例家长`,
      '时间线与短信',
      '登记家访',
      '登记复学',
    ])
      expect(t).toContain(s);
    expect(h.value).toContain(`data-deadline="${notice.deadline}"`);
    expect(h.value).toContain('id="cases-next"');
    // Received already: no 登记送达; notice-issued: no second notice.
    expect(t).not.toContain('登记送达');
    expect(t).not.toContain('发出劝返复学通知书');
  });

  it('outside the school the name is masked, 脱贫户 hidden and free text scrubbed', () => {
    const item = listItem(contact, storedCase());
    const h = cases.caseListHtml({ cases: [item] }, {});
    const t = text(h);
    expect(t).toContain(maskName('测试小明'));
    expect(t).not.toContain('测试小明');
    expect(t).not.toContain('脱贫户');
    expect(t).not.toContain('13800000101');
    expect(t).toContain('劝返中');
    // No rights: only the detail button.
    expect(h.value.match(/data-act="/g)).toHaveLength(1);
    expect(h.value).not.toContain('cases-next');
  });

  it('a persuading case may get a notice; an unreceived notice may get a receipt; a report-opened case asks for the guardian', () => {
    const pending = noticeView({ ...notice, receipt: undefined }, false);
    const c = storedCase({ guardian: {}, openedFrom: { slotId: 's', periodKey: '2026-03-09' } as Case['openedFrom'] });
    const t = text(cases.caseListHtml({ cases: [listItem(head, c, pending)] }, may));
    expect(t).toContain('发出劝返复学通知书');
    expect(t).toContain('登记送达');
    expect(t).toContain('尚未登记送达（期限暂按签发时间计）');
    expect(t).toContain('由报表自动建档，请补充监护人信息');
    expect(text(cases.caseListHtml({ cases: [] }, may))).toBe('没有在办案件。');
  });

  it('escapes hostile names and whereabouts', () => {
    const c = storedCase({ studentName: `测试${HOSTILE}`, whereabouts: HOSTILE });
    escapesHostile(cases.caseListHtml({ cases: [listItem(head, c)] }, may));
  });
});

describe('案件页 caseDetailHtml', () => {
  const message = (over: Partial<Message> = {}): Message =>
    ({
      id: 'm-1',
      caseId: 'case-1',
      schoolId: 'school-a',
      audience: 'guardian',
      recipient: { role: 'guardian', label: '监护人', phone: '+8613800000101' },
      template: 'notice',
      text: '【示例县教育局】测试小明家长：请于3月12日前送孩子返校。',
      parts: 1,
      status: 'SENT',
      notBefore: '2026-03-05T02:00:00.000Z',
      createdAt: '2026-03-05T02:00:00.000Z',
      sentAt: '2026-03-05T02:00:05.000Z',
      attempts: 1,
      delivery: { status: 'DELIVERED', at: '2026-03-05T02:00:09.000Z', code: 'DELIVRD' },
      ...over,
    }) as Message;
  const lapsed: Notice = {
    ...notice,
    status: 'lapsed',
    escalation: {
      level: 1,
      nextAt: '2026-03-13T02:00:00.000Z',
      acknowledged: {
        by: { personId: 'p-contact', name: '示例专员', role: 'township-contact' },
        at: '2026-03-12T08:00:00.000Z',
        note: '已联系乡镇政府',
      },
      townshipOrder: { kind: '限期返校', orderedOn: '2026-03-13', ref: '甲政〔2026〕3号', deadline: '2026-03-20' },
    },
  } as Notice;
  /** GET /api/cases/:id/timeline and /messages for a caller. */
  const pageFor = (p: Principal, sensitive: boolean) => {
    const c = storedCase({ state: 'lapsed' });
    const v = { ...viewForCaller(p, { ...c, areaId: 'area-a' }), kindLabel: '开学未返校', schoolName: '示例小学' };
    const msgs = [message(), message({ id: 'm-2', status: 'FAILED', delivery: undefined, sentAt: undefined })].map(
      (m) => caseMessageView(m, sensitive, knownNames(c)),
    );
    const timeline = [
      {
        at: '2026-03-02T01:00:00.000Z',
        kind: 'event',
        type: 'opened',
        by: '示例校长',
        data: { source: 'report' },
      },
      {
        at: '2026-03-03T01:00:00.000Z',
        kind: 'event',
        type: 'visit',
        by: '示例老师',
        data: { outcome: 'refused', note: `家长不同意${HOSTILE}` },
      },
      { at: '2026-03-04T01:00:00.000Z', kind: 'event', type: 'reported-absent', data: { periodKey: '2026-W10' } },
      {
        at: lapsed.issuedAt,
        kind: 'notice',
        type: 'notice-lapsed',
        data: { deadline: lapsed.deadline, status: 'lapsed', receipt: noticeView(lapsed, !sensitive).receipt },
      },
      { at: msgs[0]!.createdAt, kind: 'message', type: 'SENT', data: msgs[0] },
    ];
    return { t: { case: v, notices: [noticeView(lapsed, !sensitive)], timeline }, msgs };
  };
  const viewer = (p: Principal, may: Record<string, boolean>) => ({
    principal: p,
    roleLabel: '',
    may,
    org: {
      schools: [],
      townships: [],
      staff: [
        { id: 't-1', name: '示例老师', schoolId: 'school-a' },
        { id: 't-2', name: '另一老师', schoolId: 'school-a' },
        { id: 't-9', name: '外校老师', schoolId: 'school-b' },
      ],
    },
  });

  it('the head sees every field, the timeline, the escalation, the messages and the edit form', () => {
    const { t, msgs } = pageFor(head, true);
    const h = cases.caseDetailHtml(t, msgs, viewer(head, { updateCase: true }));
    const x = text(h);
    for (const s of [
      '测试小明 通知书逾期',
      '示例小学 · 开学未返校 · 原因：春季开学未返校',
      '去向：随父母外出务工，父亲电话13800000101',
      '监护人：示例家长 +8613800000101',
      '修改案件信息',
      '逾期上报跟进',
      '已通知：',
      `已确认跟进：示例专员（${fmt('2026-03-12T08:00:00.000Z')}）：已联系乡镇政府`,
      '乡镇政府限期返校（甲政〔2026〕3号，2026-03-13），期限 2026-03-20',
      `${fmt('2026-03-02T01:00:00.000Z')} 立案（由报表自动建档） （示例校长）`,
      '家访/劝返：拒绝返校，家长不同意',
      '报表再次列为未返校（2026-W10）',
      '劝返复学通知书（期限',
      '状态：已逾期）',
      '短信 → 监护人：已送达短信平台，已送达',
      '138****0101',
      '【示例县教育局】测试小明家长',
      '发送失败',
      `已送达 ${fmt('2026-03-05T02:00:09.000Z')}`,
    ])
      expect(x).toContain(s);
    // The edit form: the case's values, only the school's teachers, the current one selected.
    expect(h.value).toContain('name="guardianName" maxlength="32" value="示例家长"');
    expect(h.value).toContain('<option value="t-1" selected>示例老师</option>');
    expect(h.value).toContain('<option value="t-2">另一老师</option>');
    expect(h.value).not.toContain('外校老师');
    expect(h.value).toContain('data-version="3"');
    // The full phone number is only in the guardian line and the edit form, never in the message table.
    expect(x).not.toContain('+8613800000101</td>');
    escapesHostile(h);
  });

  it('a message log longer than the page shown says where the rest is', () => {
    const { t, msgs } = pageFor(head, true);
    expect(text(cases.caseDetailHtml(t, msgs, viewer(head, { updateCase: true })))).not.toContain('仅列出最早的');
    const more = text(cases.caseDetailHtml(t, msgs, viewer(head, { updateCase: true }), true));
    expect(more).toContain(`仅列出最早的 ${msgs.length} 条短信，其余见上方时间线。`);
  });

  it('outside the school: masked names and phone, no text of the guardian SMS, no edit form', () => {
    const { t, msgs } = pageFor(contact, false);
    const h = cases.caseDetailHtml(t, msgs, viewer(contact, { updateCase: true, acknowledgeEscalation: true }));
    const x = text(h);
    expect(x).toContain(`${maskName('测试小明')} 通知书逾期`);
    expect(x).toContain(`监护人：${maskName('示例家长')} 138****0101（依规定已脱敏）`);
    expect(x).toContain('（不可见）');
    expect(x).not.toContain('测试小明');
    expect(x).not.toContain('13800000101');
    expect(h.value).not.toContain('id="case-edit"');
    // Already acknowledged, order recorded: no buttons.
    expect(h.value).not.toContain('data-esc=');
  });

  it('an open escalation offers 确认跟进 and 登记乡镇政府责令 to those who may; no messages says so', () => {
    const { t } = pageFor(office, true);
    const open = {
      ...t,
      notices: [
        noticeView({ ...lapsed, escalation: { level: 2, nextAt: '2026-03-14T02:00:00.000Z' } } as Notice, false),
      ],
    };
    const h = cases.caseDetailHtml(
      open,
      [],
      viewer(office, { acknowledgeEscalation: true, recordTownshipOrder: true }),
    );
    const x = text(h);
    expect(x).toContain(`尚无人确认跟进，${fmt('2026-03-14T02:00:00.000Z')} 将向上级催办`);
    expect(x).toContain('乡镇政府尚未登记责令');
    expect(h.value).toContain('data-esc="ack" data-notice="n-1"');
    expect(h.value).toContain('data-esc="order" data-notice="n-1"');
    expect(x).toContain('暂无短信');
  });

  it('escalation view of the API: acknowledgementView scrubs the note (what the panel prints)', () => {
    const ack = acknowledgementView({
      by: { personId: 'p', name: '示例专员', role: 'township-contact' },
      at: '2026-03-12T08:00:00.000Z',
      note: '家长电话13800000101',
    } as Parameters<typeof acknowledgementView>[0]);
    expect(ack.note).not.toContain('13800000101');
  });
});

describe('case edit: e164 and caseChanges', () => {
  it('e164 takes mainland mobiles as typed; anything else is passed on for the API to refuse', () => {
    expect(cases.e164('13800000001')).toBe('+8613800000001');
    expect(cases.e164('138 0000-0001')).toBe('+8613800000001');
    expect(cases.e164('+8613800000001')).toBe('+8613800000001');
    expect(cases.e164('12345')).toBe('12345');
    expect(cases.e164('')).toBe('');
  });

  it('caseChanges sends only the fields that changed; blank fields are left as they are', () => {
    const before = viewForCaller(head, { ...storedCase(), areaId: 'area-a' });
    const staff = [{ id: 't-2', name: '另一老师', schoolId: 'school-a' }];
    const form =
      (values: Record<string, string>) =>
      (k: string): string =>
        values[k] ?? '';
    expect(
      cases.caseChanges(
        before,
        form({
          guardianName: '示例家长',
          guardianPhone: '13800000101',
          whereabouts: before.whereabouts,
          reason: before.reason,
          responsibleTeacher: 't-1',
        }),
        staff,
      ),
    ).toEqual({});
    expect(
      cases.caseChanges(
        before,
        form({
          guardianName: ' 新家长 ',
          guardianPhone: '139 0000 0002',
          whereabouts: '已回本地',
          reason: '',
          responsibleTeacher: 't-2',
        }),
        staff,
      ),
    ).toEqual({
      guardianName: '新家长',
      guardianPhone: '+8613900000002',
      whereabouts: '已回本地',
      responsibleTeacher: { personId: 't-2', name: '另一老师' },
    });
    // A teacher not in the directory keeps the id as the name.
    expect(cases.caseChanges(before, form({ responsibleTeacher: 't-x' }), staff)).toEqual({
      responsibleTeacher: { personId: 't-x', name: 't-x' },
    });
  });
});

describe('乡镇统计 statsResultHtml and statsPeriod', () => {
  const figures = (over: Record<string, unknown> = {}) => ({
    reportsDue: 20,
    reportsOnTime: 17,
    onTimeRate: 0.85,
    casesOpened: 4,
    casesReturned: 3,
    noticesLapsed: 1,
    casesOpenAtEnd: 5,
    medianDaysToReturn: 6.5,
    visitsDue: 8,
    visitsDone: 7,
    visitsOnTime: 6,
    townshipOrders: 2,
    townshipOrdersReturned: 1,
    townshipOrdersLapsed: 0,
    townshipOrdersEnded: 0,
    townshipOrdersOpen: 1,
    ...over,
  });
  // GET /api/statistics (functions/api/routes-insights.ts).
  const reply = {
    asOf: '2026-03-31T08:00:00.000Z',
    range: { from: '2026-03-01', to: '2026-03-31' },
    county: {
      noticesLapsed: 1,
      townshipOrders: 2,
      townshipOrdersReturned: 1,
      townshipOrdersLapsed: 0,
      townshipOrdersEnded: 0,
      townshipOrdersOpen: 1,
    },
    townships: [
      { townshipId: 'town-a', townshipName: `甲镇${HOSTILE}`, schoolCount: 2, ...figures() },
      {
        townshipId: 'town-b',
        townshipName: '乙镇',
        schoolCount: 1,
        ...figures({ reportsDue: 0, reportsOnTime: 0, onTimeRate: null, medianDaysToReturn: null }),
      },
    ],
    schools: [
      {
        schoolId: 'school-a',
        schoolName: '示例小学',
        townshipId: 'town-a',
        townshipName: '甲镇',
        ...figures({ onTimeRate: 1 }),
      },
    ],
  };

  it('the county line, every column label and every figure of each township', () => {
    const h = stats.statsResultHtml(reply);
    const x = text(h);
    expect(x).toContain(`统计期间：2026-03-01 至 2026-03-31（截至 ${fmt(reply.asOf)}）`);
    expect(x).toContain('全县：通知书逾期 1 份；乡镇责令 2 份，其中按期复学 1、逾期未复学 0、其他结案 0、未结 1');
    for (const label of [
      '应报',
      '按时报送率',
      '新立案',
      '复学',
      '通知书逾期',
      '乡镇责令（按期复学/逾期/其他结案/未结）',
      '期末在办',
      '复学中位天数',
      '跟踪家访（完成/应访）',
    ])
      expect(h.value).toContain(`<th>${label}</th>`);
    const cells = (tr: string) => [...tr.matchAll(/<td>(.*?)<\/td>/g)].map((m) => m[1]);
    const rows = h.value.match(/<tr data-township=[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(2);
    expect(cells(rows[0]!)).toEqual([
      `甲镇${ESCAPED} ›`,
      '20',
      '85.0%',
      '4',
      '3',
      '1',
      '2（1/0/0/1）',
      '5',
      '6.5',
      '7/8',
    ]);
    expect(cells(rows[1]!)).toEqual(['乙镇 ›', '0', '—', '4', '3', '1', '2（1/0/0/1）', '5', '—', '7/8']);
    expect(h.value).toContain('class="drill" tabindex="0"');
    expect(h.value).toContain('<div id="stats-schools"></div>');
    escapesHostile(h);
  });

  it("a head's reply (no township rows, no county) shows the school's own table; an empty table says so", () => {
    const own = stats.statsResultHtml({ ...reply, county: null, townships: [] });
    expect(text(own)).toContain('本校');
    expect(text(own)).not.toContain('全县');
    expect(own.value).toContain('data-school="school-a"');
    expect(text(own)).toContain('100.0%');
    expect(text(stats.statsResultHtml({ ...reply, county: null, townships: [], schools: [] }))).toContain('暂无数据');
  });

  it('statsPeriod: this month, last month (across a year), the last 30 days, in Beijing time', () => {
    const now = Date.parse('2026-03-15T04:00:00Z');
    expect(stats.statsPeriod('this-month', now)).toEqual({ from: '2026-03-01', to: '2026-03-15' });
    expect(stats.statsPeriod('last-month', now)).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(stats.statsPeriod('last-30', now)).toEqual({ from: '2026-02-14', to: '2026-03-15' });
    expect(stats.statsPeriod('last-month', Date.parse('2026-01-05T00:00:00Z'))).toEqual({
      from: '2025-12-01',
      to: '2025-12-31',
    });
    // 2026-02-28 16:30 UTC is 03-01 in Beijing: this month is March.
    expect(stats.statsPeriod('this-month', Date.parse('2026-02-28T16:30:00Z'))).toEqual({
      from: '2026-03-01',
      to: '2026-03-01',
    });
  });

  it('chartsFresh: the same person and day within five minutes', () => {
    const at = Date.parse('2026-03-15T04:00:00Z');
    const cache = { personId: 'p-office', today: '2026-03-15', at };
    expect(stats.chartsFresh(cache, 'p-office', '2026-03-15', at + 60_000)).toBe(true);
    expect(stats.chartsFresh(cache, 'p-office', '2026-03-15', at + stats.CHARTS_TTL_MS)).toBe(false);
    expect(stats.chartsFresh(cache, 'p-head', '2026-03-15', at)).toBe(false);
    expect(stats.chartsFresh(cache, 'p-office', '2026-03-16', at)).toBe(false);
    expect(stats.chartsFresh(null, 'p-office', '2026-03-15', at)).toBe(false);
  });
});

describe('家访任务 fuRows, dueListHtml, planHtml, campaignHtml, parseHouseholds', () => {
  // GET /api/followup/due (functions/api/routes-followup.ts).
  const due = {
    asOf: '2026-03-10T02:00:00.000Z',
    schoolId: 'school-a',
    schoolName: `示例小学${HOSTILE}`,
    range: { from: '2026-01-09', to: '2026-03-24' },
    masked: false,
    visits: [
      {
        planId: 'plan-st',
        kind: 'send-teaching',
        studentName: '测试小红',
        no: 2,
        of: 8,
        dueDate: '2026-03-12',
        deadline: '2026-03-14T15:59:59.999Z',
        overdue: false,
        escalated: false,
        acknowledged: null,
        mayAcknowledge: true,
        responsibleIds: ['t-1', 't-2'],
        responsible: [
          { id: 't-1', name: '示例老师' },
          { id: 't-2', name: '另一老师' },
        ],
        priorityGroups: ['残疾', '留守'],
        schoolId: 'school-a',
        townshipId: 'town-a',
      },
      {
        planId: 'plan-fu',
        kind: 'followup',
        caseId: 'case-1',
        studentName: `测试小明${HOSTILE}`,
        no: 1,
        of: 3,
        dueDate: '2026-03-20',
        deadline: '2026-03-22T15:59:59.999Z',
        overdue: true,
        escalated: true,
        acknowledged: { by: '示例校长', role: 'school-head', at: '2026-03-08T02:00:00.000Z', note: '本周补访' },
        mayAcknowledge: true,
        responsibleIds: ['t-1'],
        responsible: [{ id: 't-1', name: '示例老师' }],
        priorityGroups: [],
        schoolId: 'school-a',
        townshipId: 'town-a',
      },
    ],
    households: [
      {
        campaignId: '2026-summer-before',
        campaignName: '2026年暑假前大家访',
        ref: 'G450000000001',
        studentName: '测试学生甲',
        teacherId: 't-1',
        teacherName: '示例老师',
        start: '2026-03-01',
        end: '2026-03-11',
        deadline: '2026-03-11T15:59:59.999Z',
        overdue: false,
        schoolId: 'school-a',
        townshipId: 'town-a',
      },
    ],
  };

  it('fuRows: one row per visit and household, overdue first then by due date, keys unique', () => {
    const rows = fu.fuRows(due);
    expect(rows.map((r) => r.key)).toEqual([
      'plan:plan-fu:1',
      'household:2026-summer-before:G450000000001',
      'plan:plan-st:2',
    ]);
    expect(rows[1]).toMatchObject({
      kind: 'household',
      windowId: '2026-summer-before',
      schoolId: 'school-a',
      ref: 'G450000000001',
      dueDate: '2026-03-11',
      what: '2026年暑假前大家访（2026-03-01 至 2026-03-11）',
      who: '示例老师',
      escalated: false,
    });
    expect(rows[2]).toMatchObject({ what: '第 2/8 次', who: '示例老师、另一老师', planId: 'plan-st', no: 2 });
  });

  it('dueListHtml: school, range, count, each item with kind, what, dates, who, acknowledgement and buttons', () => {
    const rows = fu.fuRows(due);
    const h = fu.dueListHtml(due, rows, { recordsVisits: true, soon: '2026-03-13' });
    const x = text(h);
    expect(x).toContain(`示例小学${HOSTILE} · 2026-01-09 至 2026-03-24 应访 3 项`);
    expect(x).not.toContain('已脱敏');
    for (const s of [
      `测试小明${HOSTILE}保学第 1/3 次已逾期已上报`,
      `应访日期 2026-03-20 · 截止 ${fmt('2026-03-22T15:59:59.999Z')} · 负责：示例老师`,
      `已由 示例校长 确认跟进（${fmt('2026-03-08T02:00:00.000Z')}）：本周补访，不再向上级上报`,
      '测试学生甲大家访2026年暑假前大家访（2026-03-01 至 2026-03-11）',
      '测试小红送教上门第 2/8 次',
      '负责：示例老师、另一老师',
    ])
      expect(x).toContain(s);
    // Colour by urgency: overdue, due within three days, later.
    expect(h.value).toContain('fu-item fu-overdue" data-fu="plan:plan-fu:1"');
    expect(h.value).toContain('fu-item fu-soon" data-fu="plan:plan-st:2"');
    // Acknowledged already: no 确认跟进; households have no 一人一案.
    expect(h.value).not.toContain('data-fu-act="ack"');
    expect(h.value.match(/data-fu-act="record"/g)).toHaveLength(3);
    expect(h.value.match(/data-fu-act="plan"/g)).toHaveLength(2);
    escapesHostile(h);
  });

  it('dueListHtml: masked list says so; an escalated visit nobody took on offers 确认跟进; empty says so', () => {
    const masked = { ...due, masked: true, households: [], visits: [{ ...due.visits[1]!, acknowledged: null }] };
    const h = fu.dueListHtml(masked, fu.fuRows(masked), { recordsVisits: false, soon: '2026-03-13' });
    expect(text(h)).toContain('（学生姓名已脱敏）');
    expect(h.value).toContain('data-fu-act="ack"');
    expect(h.value).not.toContain('data-fu-act="record"');
    const none = { ...due, visits: [], households: [] };
    expect(text(fu.dueListHtml(none, [], { recordsVisits: true, soon: '2026-03-13' }))).toContain(
      '没有待完成的家访任务。',
    );
  });

  it('fuPagerHtml: 下一页 while the server gave a cursor, 回到第一页 on a later page; the list counts its page', () => {
    expect(fu.fuPagerHtml({ nextCursor: null }, 1).value).toBe('');
    const first = fu.fuPagerHtml({ nextCursor: 'c1' }, 1).value;
    expect(first).toContain('data-fu-page="next">下一页');
    expect(first).not.toContain('回到第一页');
    const last = fu.fuPagerHtml({ nextCursor: null }, 3);
    expect(text(last)).toContain('第 3 页');
    expect(last.value).toContain('data-fu-page="first">回到第一页');
    expect(last.value).not.toContain('下一页');
    const paged = { ...due, nextCursor: 'c1' };
    expect(text(fu.dueListHtml(paged, fu.fuRows(paged), { recordsVisits: true, soon: '2026-03-13' }))).toContain(
      `本页 ${fu.fuRows(paged).length} 项`,
    );
    const later = text(fu.dueListHtml(due, fu.fuRows(due), { recordsVisits: true, soon: '2026-03-13', page: 2 }));
    expect(later).toContain('本页');
    expect(later).not.toMatch(/应访 \d+ 项/);
  });

  it('dueListHtml: each visit shows its priority groups; a group-filtered list says so and that households are left out', () => {
    const all = text(fu.dueListHtml(due, fu.fuRows(due), { recordsVisits: true, soon: '2026-03-13' }));
    expect(all).toContain('测试小红送教上门第 2/8 次残疾留守');
    expect(all).not.toContain('重点群体');
    const filtered = { ...due, visits: [due.visits[0]!], households: [] };
    const h = fu.dueListHtml(filtered, fu.fuRows(filtered), { recordsVisits: true, soon: '2026-03-13', group: '留守' });
    expect(text(h)).toContain('应访 1 项（重点群体：留守；大家访户不按群体筛选，未列出）');
    expect(h.value.match(/class="badge fu-group"/g)).toHaveLength(2);
    const none = { ...due, visits: [], households: [] };
    const e = fu.dueListHtml(none, [], { recordsVisits: true, soon: '2026-03-13', group: `孤儿${HOSTILE}` });
    expect(text(e)).toContain(`没有属于“孤儿${HOSTILE}”的待完成家访任务。`);
    escapesHostile(e);
  });

  it('fuGroupFilterHtml: every group for who may see 脱贫户, the others without it; the chosen one selected', () => {
    const office = fu.fuGroupFilterHtml({ seePovertyGroup: true }, '脱贫户');
    expect(office.value).toContain('<select id="fu-group">');
    expect(office.value).toContain('<option value="脱贫户" selected>脱贫户</option>');
    expect(text(office)).toBe('重点群体 全部脱贫户残疾留守孤儿事实无人抚养随迁');
    const leader = fu.fuGroupFilterHtml({ seePovertyGroup: false }, '留守');
    expect(leader.value).not.toContain('脱贫户');
    expect(leader.value).toContain('<option value="留守" selected>留守</option>');
    expect(text(leader)).toBe('重点群体 全部残疾留守孤儿事实无人抚养随迁');
  });

  // GET /api/followup/plans/:planId.
  const plan = {
    asOf: '2026-03-10T02:00:00.000Z',
    plan: {
      id: 'plan-st',
      kind: 'send-teaching',
      kindLabel: '送教上门',
      studentName: maskName('测试小红'),
      masked: true,
      schoolId: 'school-a',
      schoolName: '示例小学',
      townshipId: 'town-a',
      townshipName: '甲镇',
      responsible: [
        { id: 't-1', name: '示例老师' },
        { id: 't-2', name: '另一老师' },
      ],
      mentor: { id: 't-3', name: '特校老师' },
      startsOn: '2026-03-01',
      endsOn: '2026-06-30',
      content: `生活自理训练${HOSTILE}`,
      visitCount: 3,
      status: 'active',
      createdAt: '2026-03-01T01:00:00.000Z',
      version: 2,
    },
    visits: [
      {
        no: 1,
        dueDate: '2026-03-03',
        deadline: '2026-03-05T15:59:59.999Z',
        status: 'done',
        statusLabel: '已完成',
        escalated: false,
        acknowledged: null,
        doneOn: '2026-03-03',
        doneBy: { id: 't-1', name: '示例老师' },
        content: '识字20个',
        note: '家长在场',
      },
      {
        no: 2,
        dueDate: '2026-03-06',
        deadline: '2026-03-08T15:59:59.999Z',
        status: 'pending',
        statusLabel: '逾期未完成',
        escalated: true,
        acknowledged: { by: '示例校长', role: 'school-head', at: '2026-03-09T01:00:00.000Z', note: '' },
      },
      {
        no: 3,
        dueDate: '2026-03-20',
        deadline: '2026-03-22T15:59:59.999Z',
        status: 'pending',
        statusLabel: '待完成',
        escalated: false,
        acknowledged: null,
      },
    ],
  };

  it('planHtml: the plan line, content, status and counts, every visit with status, date, visitor and text', () => {
    const h = fu.planHtml(plan);
    const x = text(h);
    expect(x).toContain(`${maskName('测试小红')} · 送教上门`);
    expect(x).not.toContain('测试小红');
    expect(x).toContain(
      '示例小学 · 甲镇 · 2026-03-01 至 2026-06-30 · 负责教师：示例老师、另一老师 · 结对帮扶：特校老师',
    );
    expect(x).toContain(`送教内容：生活自理训练${HOSTILE}`);
    expect(x).toContain('状态：进行中 · 计划走访 3 次，已完成 1 次');
    const rows = h.value.match(/<tr data-no=[\s\S]*?<\/tr>/g) ?? [];
    expect(rows).toHaveLength(3);
    expect(text({ value: rows[0]! })).toBe('12026-03-03已完成2026-03-03示例老师识字20个；家长在场');
    expect(rows[0]).toContain('class="plan-status-done"');
    expect(text({ value: rows[1]! })).toBe('22026-03-06逾期未完成（已上报）示例校长 已确认跟进');
    expect(rows[1]).toContain('class="plan-status-missed"');
    expect(text({ value: rows[2]! })).toBe('32026-03-20待完成');
    escapesHostile(h);
    expect(text(fu.planHtml({ plan: { ...plan.plan, content: undefined, mentor: undefined }, visits: [] }))).toContain(
      '暂无走访',
    );
  });

  it('campaignHtml: window, each school with township, done/total, state, escalation and the schools without a list', () => {
    // GET /api/followup/campaigns/:windowId.
    const data = {
      asOf: '2026-03-12T02:00:00.000Z',
      window: { id: '2026-summer-before', name: '2026年暑假前大家访', start: '2026-03-01', end: '2026-03-11' },
      schools: [
        {
          schoolId: 'school-a',
          townshipId: 'town-a',
          done: 1,
          total: 4,
          rate: 0.25,
          late: true,
          schoolName: `示例小学${HOSTILE}`,
          townshipName: '甲镇',
          escalated: true,
          acknowledged: null,
          mayAcknowledge: true,
        },
        {
          schoolId: 'school-b',
          townshipId: 'town-a',
          done: 2,
          total: 3,
          rate: 0.67,
          late: true,
          schoolName: '乙小学',
          townshipName: '甲镇',
          escalated: true,
          acknowledged: { by: '示例专员', role: 'township-contact', at: '2026-03-12T01:00:00.000Z', note: '已约谈' },
          mayAcknowledge: true,
        },
        {
          schoolId: 'school-c',
          townshipId: 'town-b',
          done: 5,
          total: 5,
          rate: 1,
          late: false,
          schoolName: '丙小学',
          townshipName: '乙镇',
          escalated: false,
          acknowledged: null,
          mayAcknowledge: false,
        },
      ],
      withoutList: [
        { schoolId: 'school-d', schoolName: '丁小学', townshipId: 'town-b' },
        { schoolId: 'school-e', schoolName: '戊小学', townshipId: 'town-b' },
      ],
    };
    const h = campaignHtml(data);
    const x = text(h);
    expect(x).toContain('2026-03-01 至 2026-03-11');
    const rows = h.value.match(/<tr class=[\s\S]*?<\/tr>/g) ?? [];
    expect(rows.map((r) => text({ value: r }))).toEqual([
      `示例小学${HOSTILE}甲镇1/4已逾期（已上报）确认跟进`,
      `乙小学甲镇2/3已逾期（已上报）已由 示例专员 确认跟进（${fmt('2026-03-12T01:00:00.000Z')}）：已约谈`,
      '丙小学乙镇5/5已完成',
    ]);
    expect(rows[0]).toContain('class="fu-overdue" data-campaign-school="school-a"');
    expect(x).toContain('未上报走访名单：丁小学、戊小学');
    escapesHostile(h);
    expect(text(campaignHtml({ ...data, schools: [], withoutList: [] }))).toContain('暂无走访名单');
  });

  it('parseHouseholds: 学籍号 姓名 教师 lines; teacher by name or id; each bad line named', () => {
    const staff = [
      { id: 't-1', name: '示例老师', schoolId: 'school-a' },
      { id: 't-2', name: '同名老师', schoolId: 'school-a' },
      { id: 't-3', name: '同名老师', schoolId: 'school-a' },
    ];
    const r = fu.parseHouseholds(
      [
        'G1 测试甲 示例老师',
        '',
        '  G2   测试乙   t-3  ',
        'G3 测试丙',
        'G4 测试丁 同名老师',
        'G5 测试戊 王老师',
        'G6 a b c',
      ].join('\n'),
      staff,
    );
    expect(r.households).toEqual([
      { ref: 'G1', studentName: '测试甲', teacherId: 't-1', line: 1 },
      { ref: 'G2', studentName: '测试乙', teacherId: 't-3', line: 3 },
    ]);
    expect(r.errors).toEqual([
      '第 4 行应为“学籍号 姓名 教师”',
      '第 5 行：教师重名，请填教师编号',
      '第 6 行：本校没有教师“王老师”',
      '第 7 行应为“学籍号 姓名 教师”',
    ]);
    expect(fu.parseHouseholds('\n  \n', staff)).toEqual({ households: [], errors: [] });
  });
});
const campaignHtml = (d: unknown) => fu.campaignHtml(d);

describe('数据导入 uploadResultHtml and the wizard state', () => {
  const schools = [{ id: 'school-a', name: `示例小学${HOSTILE}` }];

  it('roll: dry run title, one row per school with rows/added/changed/removed/unchanged, the listing', () => {
    // POST /api/uploads/roll (functions/api/uploads.ts).
    const r = {
      kind: 'roll',
      dryRun: true,
      written: false,
      importId: 'imp-1',
      term: '2026-spring',
      rows: 12,
      schools: [
        { schoolId: 'school-a', rows: 10, added: 2, changed: 1, removed: 3, unchanged: 4, previous: null },
        { schoolId: 'school-x', rows: 2, added: 2, changed: 0, removed: 0, unchanged: 0, previous: null },
      ],
      lines: [`新增 测**甲 ${HOSTILE}`, '移出 测**乙'],
    };
    const h = imports.uploadResultHtml(r, schools);
    expect(text(h)).toContain('试运行结果（尚未写入）');
    const rows = (h.value.match(/<tr><td>[\s\S]*?<\/tr>/g) ?? []).map((x) => text({ value: x }));
    expect(rows).toEqual([`示例小学${HOSTILE}102134`, 'school-x22000']);
    expect(h.value).toContain(`<pre class="upload-lines">新增 测**甲 ${ESCAPED}\n移出 测**乙</pre>`);
    escapesHostile(h);
  });

  it('register and directory: the counts; written false is 没有变化, an import 已导入', () => {
    const reg = imports.uploadResultHtml(
      {
        kind: 'register',
        dryRun: false,
        written: true,
        rows: 30,
        added: 5,
        changed: 2,
        removed: 1,
        unchanged: 22,
        lines: [],
      },
      schools,
    );
    expect(text(reg)).toContain('已导入');
    expect(text(reg)).toContain('共 30 人：新增 5，变更 2，移出 1，未变 22');
    const dir = imports.uploadResultHtml(
      {
        kind: 'directory',
        dryRun: false,
        written: false,
        added: 0,
        updated: 3,
        deactivated: 1,
        unchanged: 40,
        mismatches: 2,
        warnings: [],
        lines: ['更新 示例小学'],
      },
      schools,
    );
    expect(text(dir)).toContain('没有变化');
    expect(text(dir)).toContain('新增 0，更新 3，停用 1，未变 40；姓名差异 2 处');
  });

  it('uploadErrorHtml: each issue with its place, the message, escaped', () => {
    const h = imports.uploadErrorHtml({
      message: '文件有错误',
      issues: [{ field: '第 3 行 身份证号', reason: `格式不正确${HOSTILE}` }],
      details: { message: '第 3 行有错误' },
    });
    expect(text(h)).toContain('未导入任何内容（数据库未改动）');
    expect(text(h)).toContain(`第 3 行 身份证号格式不正确${HOSTILE}`);
    expect(text(h)).toContain('第 3 行有错误');
    escapesHostile(h);
  });

  it('allowedKind keeps a permitted choice, else the first permitted, else the roll', () => {
    expect(imports.allowedKind({ uploadRoll: true, uploadRegister: true }, 'register')).toBe('register');
    expect(imports.allowedKind({ uploadRegister: true }, 'roll')).toBe('register');
    expect(imports.allowedKind({ uploadDirectory: true }, 'roll')).toBe('directory');
    expect(imports.allowedKind({}, 'directory')).toBe('roll');
  });

  it('the confirmation keeps one key across retries; a dry run gets a new one; a change drops the dry run', () => {
    let n = 0;
    const newId = () => `k${++n}`;
    const start: Upload = { kind: 'roll', file: 'f', content: 'YQ==', dry: null, confirmKey: null };
    const dry1 = imports.requestKey(start, true, newId);
    const dry2 = imports.requestKey(dry1.next, true, newId);
    expect([dry1.key, dry2.key]).toEqual(['k1', 'k2']);
    expect(dry2.next.confirmKey).toBeNull();
    const checked = imports.afterResult(dry2.next, true, { rows: 3 });
    expect(checked.dry).toEqual({ rows: 3 });
    const confirm1 = imports.requestKey(checked, false, newId);
    const confirm2 = imports.requestKey(confirm1.next, false, newId); // a retry after a network failure
    expect([confirm1.key, confirm2.key]).toEqual(['k3', 'k3']);
    const imported = imports.afterResult(confirm2.next, false, { rows: 3 });
    expect(imported).toMatchObject({ dry: null, confirmKey: null, file: 'f', content: 'YQ==' });
    // Another school or term: the file stays, the dry run goes; another file: both go.
    expect(imports.afterChange(confirm2.next, true)).toMatchObject({ file: 'f', dry: null, confirmKey: null });
    expect(imports.afterChange(confirm2.next, false)).toMatchObject({ file: null, content: null, dry: null });
    expect(start).toEqual({ kind: 'roll', file: 'f', content: 'YQ==', dry: null, confirmKey: null });
  });
});

describe('case states', () => {
  it('every state has its Chinese label', () => {
    expect(Object.keys(cases.STATE).sort()).toEqual(
      [
        'opened',
        'persuading',
        'notice-issued',
        'lapsed',
        'escalated',
        'returned',
        'exempted',
        'transferred',
        'suspended',
      ].sort(),
    );
  });
});

const statsMore = await web<{ exportsHtml(role: string | undefined, mayExport: boolean): Safe }>('tab-stats');
const fuMore = await web<{ windowOptions: View; createFormsHtml: View; visitForm: View }>('tab-followup');
const importsMore = await web<{ importsHtml: View; progressText(p: unknown): string }>('tab-imports');
const forms = await web<{
  options: View;
  parseNotBack(text: string): { studentName: string; status: string }[];
}>('tab-forms');

describe('the other views: exports, import wizard, forms, windows, progress', () => {
  it('exportsHtml: ledger buttons for those who may export, templates by role', () => {
    const officeHtml = text(statsMore.exportsHtml('office', true));
    for (const s of [
      '台账导出',
      '辍学学生花名册 CSV',
      '案件台账 CSV',
      '全部台账 XLSX',
      '组织名录模板 XLSX',
      '适龄儿童户籍名单模板 XLSX',
    ])
      expect(officeHtml).toContain(s);
    const headHtml = text(statsMore.exportsHtml('school-head', true));
    expect(headHtml).toContain('学籍花名册模板 XLSX');
    expect(headHtml).not.toContain('组织名录模板');
    expect(statsMore.exportsHtml('teacher', false).value).toBe('');
    expect(text(statsMore.exportsHtml('township-contact', true))).not.toContain('导入模板');
  });

  it('importsHtml: only the kinds the viewer may upload; the roll asks school and term, the register township', () => {
    const m = {
      principal: head,
      may: { uploadRoll: true, uploadRegister: false, uploadDirectory: false },
      org: {
        schools: [
          { id: 'school-a', name: `示例小学${HOSTILE}` },
          { id: 'school-b', name: '别校' },
        ],
        townships: [{ id: 'town-a', name: '甲镇' }],
        staff: [],
      },
      calendar: { terms: ['2026-spring'] },
    };
    const roll = importsMore.importsHtml(m, 'roll');
    expect(roll.value).toContain('<option value="roll" selected>学籍花名册</option>');
    expect(roll.value).not.toContain('value="register"');
    expect(roll.value).toContain('<option value="school-a">');
    expect(roll.value).not.toContain('别校'); // a head uploads for their own school
    expect(roll.value).toContain('<option>2026-spring</option>');
    escapesHostile(roll);
    const office = { ...m, principal: { personId: 'p-office', role: 'office' }, may: { uploadRegister: true } };
    expect(importsMore.importsHtml(office, 'register').value).toContain('<option value="town-a">甲镇</option>');
    expect(importsMore.progressText({ phase: 'write', fraction: 0.426, rows: 120 })).toBe('写入 43%（120 行）');
    expect(importsMore.progressText({ phase: 'check', fraction: 0 })).toBe('检查 0%');
  });

  it('windowOptions preselects the latest window already started; the forms escape names and carry keys', () => {
    const windows = [
      { id: 'w3', name: '2026年暑假后', start: '2026-09-01', end: '2026-09-15' },
      { id: 'w2', name: `2026年暑假前${HOSTILE}`, start: '2026-06-20', end: '2026-07-05' },
      { id: 'w1', name: '2026年寒假后', start: '2026-03-01', end: '2026-03-11' },
    ];
    const o = fuMore.windowOptions(windows, '2026-06-25');
    expect(o.value).toContain('<option value="w2" selected>');
    expect(o.value.match(/selected/g)).toHaveLength(1);
    expect(fuMore.windowOptions(windows, '2026-01-01').value).toContain('<option value="w1" selected>');
    escapesHostile(o);
    const staff = [{ id: 't-1', name: `示例老师${HOSTILE}`, schoolId: 'school-a' }];
    const f = fuMore.createFormsHtml(staff, '2026-03-10', o);
    expect(f.value).toContain('name="teacherIds" value="t-1"');
    expect(f.value).toContain('name="from" type="date" value="2026-03-10"');
    expect(f.value).toMatch(/id="st-form" class="fu-new-form" data-key="[0-9a-f-]{36}"/);
    escapesHostile(f);
    expect(text(fuMore.createFormsHtml([], '2026-03-10', null))).toContain('尚未配置大家访时段');
    const v = fuMore.visitForm({ kind: 'send-teaching' }, '2026-03-10');
    expect(v.value).toContain('name="date" value="2026-03-10" max="2026-03-10"');
    expect(v.value).toContain('name="content"');
    expect(fuMore.visitForm({ kind: 'followup' }, '2026-03-10').value).not.toContain('name="content"');
  });

  it('the report form: 姓名 未返校|辍学 lines; school options escaped', () => {
    expect(forms.parseNotBack('测试甲 辍学\n\n 测试乙 未返校 \n测试丙')).toEqual([
      { studentName: '测试甲', status: 'dropped-out' },
      { studentName: '测试乙', status: 'not-returned' },
      { studentName: '测试丙', status: 'not-returned' },
    ]);
    escapesHostile(forms.options([{ id: 's', name: HOSTILE }]));
  });
});
