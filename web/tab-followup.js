// @ts-check
// 家访任务: follow-up (保学), 送教上门 and 大家访 due list, visit form, 一人一案 record, campaign completion, and the
// head's forms for a 送教上门 plan and a 大家访 list.
import { api } from './api.js';
import { html, mount, mountAfter } from './render.js';
import { $, $maybe, clearErrors, cstToday, flash, fmt, me, message, show, showFieldError, state } from './shared.js';
import { groupsFor } from './tab-cases.js';

/** @type {Record<string, string>} */
export const FU_KIND = { followup: '保学', 'send-teaching': '送教上门', household: '大家访' };

/**
 * @typedef {{ key: string, kind: string, planId?: string, no?: number, windowId?: string, schoolId?: string,
 *   ref?: string, studentName: string, dueDate: string, deadline: string, overdue: boolean, escalated: boolean,
 *   acknowledged?: { by: string, at: string, note?: string } | null, mayAcknowledge?: boolean, what: string,
 *   who: string, groups: string[] }} FuRow
 */

/** Who records visits: a teacher their own (the API lists only those), a head their school, the office all. */
const recordsVisits = () => ['teacher', 'school-head', 'office'].includes(me().principal.role);
/** Township contacts, 包片领导 and the office see completion of campaigns across schools. */
const seesCampaigns = () => ['township-contact', 'leader', 'office'].includes(me().principal.role);

/**
 * The due list as rows: overdue first, then by due date.
 * @param {{ visits: any[], households: any[] }} data
 * @returns {FuRow[]}
 */
export function fuRows(data) {
  /** @type {FuRow[]} */
  const visits = data.visits.map((v) => ({
    key: `plan:${v.planId}:${v.no}`,
    kind: v.kind,
    planId: v.planId,
    no: v.no,
    studentName: v.studentName,
    dueDate: v.dueDate,
    deadline: v.deadline,
    overdue: v.overdue,
    escalated: v.escalated,
    acknowledged: v.acknowledged,
    mayAcknowledge: v.mayAcknowledge,
    what: `第 ${v.no}/${v.of} 次`,
    who: v.responsible.map((/** @type {any} */ r) => r.name).join('、'),
    groups: v.priorityGroups ?? [],
  }));
  /** @type {FuRow[]} */
  const households = data.households.map((h) => ({
    key: `household:${h.campaignId}:${h.ref}`,
    kind: 'household',
    windowId: h.campaignId,
    schoolId: h.schoolId,
    ref: h.ref,
    studentName: h.studentName,
    dueDate: h.end,
    deadline: h.deadline,
    overdue: h.overdue,
    escalated: false,
    what: `${h.campaignName}（${h.start} 至 ${h.end}）`,
    who: h.teacherName,
    groups: [],
  }));
  return [...visits, ...households].sort(
    (a, b) => Number(b.overdue) - Number(a.overdue) || a.dueDate.localeCompare(b.dueDate),
  );
}

/**
 * Who took an escalated visit (or a school's late 大家访) on, with the note.
 * @param {FuRow} r
 */
function fuAckLine(r) {
  const a = r.acknowledged;
  if (!a) return '';
  return html`<div class="row muted fu-ack">已由 ${a.by} 确认跟进（${fmt(a.at)}）${a.note ? html`：${a.note}` : ''}，不再向上级上报</div>`;
}

/**
 * Takes an escalated visit on (the school's head, the township's 包乡镇人员, the office; the API checks again).
 * @param {FuRow} row
 */
async function acknowledgeVisit(row) {
  const note = prompt('跟进说明（如：已督促教师本周补访）', '');
  if (note === null) return;
  try {
    await api('POST', `/api/followup/plans/${encodeURIComponent(row.planId ?? '')}/visits/${row.no}/acknowledge`, {
      note,
    });
    flash('已确认跟进，该次走访不再向上级上报');
  } catch (e) {
    flash(message(e), true);
  }
  await renderFollowUp();
}

/**
 * @param {FuRow} row
 * @param {string} soon the date three days ahead
 */
export function fuClass(row, soon) {
  if (row.overdue) return 'fu-overdue';
  return row.dueDate <= soon ? 'fu-soon' : 'fu-later';
}

/**
 * The priority-group filter above the due list (as on the case list): 脱贫户 only with `may.seePovertyGroup`.
 * @param {Record<string, boolean>} may
 * @param {string} selected
 */
export function fuGroupFilterHtml(may, selected) {
  const options = groupsFor(may).map(
    (g) => html`<option value="${g}"${g === selected ? html` selected` : ''}>${g}</option>`,
  );
  return html`<label>重点群体 <select id="fu-group"><option value="">全部</option>${options}</select></label>`;
}

/**
 * The due list of a school.
 * @param {any} data
 * @param {FuRow[]} rows
 * @param {{ recordsVisits: boolean, soon: string, group?: string, page?: number }} opts `group`: the priority group asked for; `page`: which page (1 when not given)
 */
export function dueListHtml(data, rows, opts) {
  const group = opts.group ? html`（重点群体：${opts.group}；大家访户不按群体筛选，未列出）` : '';
  // A list of several pages counts the rows of this page only.
  const count = data.nextCursor || (opts.page ?? 1) > 1 ? html`本页 ${rows.length} 项` : html`应访 ${rows.length} 项`;
  const head = html`<p class="muted">${data.schoolName} · ${data.range.from} 至 ${data.range.to} ${count}${group}${data.masked ? '（学生姓名已脱敏）' : ''}</p>`;
  const items = rows.map(
    (r) => html`<article class="case fu-item ${fuClass(r, opts.soon)}" data-fu="${r.key}">
  <div class="row"><strong>${r.studentName}</strong><span class="badge">${FU_KIND[r.kind] ?? r.kind}</span><span>${r.what}</span>${r.groups.map((g) => html`<span class="badge fu-group">${g}</span>`)}${r.overdue ? html`<span class="badge fu-late">已逾期</span>` : ''}${r.escalated ? html`<span class="badge">已上报</span>` : ''}</div>
  <div class="row muted">应访日期 ${r.dueDate} · 截止 ${fmt(r.deadline)}${r.who ? html` · 负责：${r.who}` : ''}</div>
  ${fuAckLine(r)}
  <div class="actions">
    ${r.escalated && !r.acknowledged && r.mayAcknowledge ? html`<button type="button" class="secondary" data-fu-act="ack">确认跟进</button>` : ''}
    ${opts.recordsVisits ? html`<button type="button" class="secondary" data-fu-act="record">登记</button>` : ''}
    ${r.planId ? html`<button type="button" class="secondary" data-fu-act="plan">一人一案</button>` : ''}
  </div></article>`,
  );
  const none = opts.group ? `没有属于“${opts.group}”的待完成家访任务。` : '没有待完成的家访任务。';
  return html`${head}${items.length > 0 ? items : html`<p class="panel">${none}</p>`}`;
}

/**
 * The due list's pages: which school and group they belong to, and the cursors of the pages shown so far (the first
 * page has none). Another school or group starts again from the first page.
 * @type {{ of: string, cursors: (string | undefined)[] }}
 */
const fuPages = { of: '', cursors: [undefined] };

/**
 * The paging bar of the due list: 下一页 while the server gave a cursor, 回到第一页 on a later page.
 * @param {{ nextCursor?: string | null }} data
 * @param {number} page 1 for the first page
 */
export function fuPagerHtml(data, page) {
  if (!data.nextCursor && page <= 1) return html``;
  return html`<div class="late-pager"><span class="muted">第 ${page} 页</span>${
    page > 1 ? html`<button type="button" class="secondary" data-fu-page="first">回到第一页</button>` : ''
  }${data.nextCursor ? html`<button type="button" data-fu-page="next">下一页</button>` : ''}</div>`;
}

export async function renderFollowUp() {
  const schoolId = $('#fu-school').value;
  const list = $('#fu-list');
  if (!schoolId) {
    mount(list, html`<p class="panel">您的管辖范围内没有学校。</p>`);
    return;
  }
  const may = me().may;
  if (!groupsFor(may).includes(state.fuGroup)) state.fuGroup = '';
  mount($('#fu-filter'), fuGroupFilterHtml(may, state.fuGroup));
  $('#fu-group').addEventListener('change', (/** @type {Event} */ ev) => {
    state.fuGroup = /** @type {HTMLSelectElement} */ (ev.target).value;
    void renderFollowUp();
  });
  const pageOf = `${schoolId}|${state.fuGroup}`;
  if (fuPages.of !== pageOf) Object.assign(fuPages, { of: pageOf, cursors: [undefined] });
  const cursor = fuPages.cursors.at(-1);
  const query = new URLSearchParams({
    schoolId,
    ...(state.fuGroup ? { group: state.fuGroup } : {}),
    ...(cursor ? { cursor } : {}),
  });
  const data = await api('GET', `/api/followup/due?${query}`);
  const rows = fuRows(data);
  state.fuRows = new Map(rows.map((r) => [r.key, r]));
  const page = fuPages.cursors.length;
  const opts = { recordsVisits: recordsVisits(), soon: cstToday(3), group: state.fuGroup, page };
  mount(list, html`${dueListHtml(data, rows, opts)}${fuPagerHtml(data, page)}`);
  list.querySelector('[data-fu-page="next"]')?.addEventListener('click', () => {
    fuPages.cursors.push(data.nextCursor);
    void renderFollowUp();
  });
  list.querySelector('[data-fu-page="first"]')?.addEventListener('click', () => {
    fuPages.cursors = [undefined];
    void renderFollowUp();
  });
  await renderCreateForms(schoolId);
  if (seesCampaigns()) await renderCampaigns();
}

// ---- 新建送教上门计划 and 大家访名单 (school head of the school, or the office) ----
/**
 * Heads create plans and lists for their own school, the office for any school (the API checks again).
 * @param {string} schoolId
 */
const createsPlans = (schoolId) => {
  const p = me().principal;
  return p.role === 'office' || (p.role === 'school-head' && p.schoolId === schoolId);
};
const ST_FIELDS = ['caseId', 'studentName', 'teacherIds', 'visitsPerMonth', 'content', 'from', 'to'];
/** @type {Record<string, string>} */
const ST_HINT = {
  caseId: '案件编号不存在或不属于本校',
  studentName: '请填写学生姓名或案件编号',
  teacherIds: '请至少选择一名送教教师（须为本校教师）',
  visitsPerMonth: '每月次数须为 1–8 的整数，且不少于规定的最低次数',
  content: '请填写送教内容（500 字以内）',
  from: '请填写开始日期',
  to: '请填写结束日期（不早于开始日期）',
};
/** @param {HTMLElement} form */
const newKey = (form) => {
  form.dataset.key = crypto.randomUUID();
};
/** @param {string} name */
const errField = (name) => html`<span class="field-error" data-error-for="${name}" role="alert" hidden></span>`;

/**
 * The two create forms of a school.
 * @param {import('./shared.js').Staff[]} staff
 * @param {string} today
 * @param {import('./render.js').SafeHtml | null} windows the campaign window options, null when none
 */
export function createFormsHtml(staff, today, windows) {
  const checks =
    staff.length > 0
      ? staff.map(
          (p) => html`<label class="check"><input type="checkbox" name="teacherIds" value="${p.id}"> ${p.name}</label>`,
        )
      : html`<span class="muted">本校暂无教师</span>`;
  return html`<details class="panel fu-new" id="st-panel">
    <summary>新建送教上门计划</summary>
    <form id="st-form" class="fu-new-form" data-key="${crypto.randomUUID()}" novalidate>
      <div class="grid2">
        <label>学生姓名 <input name="studentName" maxlength="32">${errField('studentName')}</label>
        <label>案件编号（可选） <input name="caseId" maxlength="64">${errField('caseId')}</label>
      </div>
      <fieldset class="fu-teachers"><legend>送教教师（可多选）</legend>${checks}${errField('teacherIds')}</fieldset>
      <div class="grid2">
        <label>每月送教次数 <input name="visitsPerMonth" type="number" inputmode="numeric" min="1" max="8" value="2">${errField('visitsPerMonth')}</label>
        <span></span>
        <label>开始日期 <input name="from" type="date" value="${today}">${errField('from')}</label>
        <label>结束日期 <input name="to" type="date">${errField('to')}</label>
      </div>
      <label>送教内容 <textarea name="content" rows="2" maxlength="500" placeholder="如：生活自理训练、语文识字"></textarea>${errField('content')}</label>
      <p class="field-error" data-error-for="form" role="alert" hidden></p>
      <button type="submit" class="primary">建立送教计划</button>
    </form>
  </details>
  <details class="panel fu-new" id="hv-panel">
    <summary>大家访名单</summary>
    ${
      windows
        ? html`<form id="hv-form" class="fu-new-form" data-key="${crypto.randomUUID()}" novalidate>
      <label>时段 <select name="windowId">${windows}</select></label>
      <label>走访户（每行：学籍号 姓名 教师，教师填姓名或编号） <textarea name="households" rows="5" placeholder="G450000000001 测试学生甲 ${staff[0]?.name ?? '教师姓名'}"></textarea>${errField('households')}</label>
      <p class="field-error" data-error-for="form" role="alert" hidden></p>
      <button type="submit" class="primary">提交名单</button>
    </form>`
        : html`<p class="muted">尚未配置大家访时段</p>`
    }
  </details>`;
}

/** @param {string} schoolId */
async function renderCreateForms(schoolId) {
  const box = $('#fu-create');
  if (!createsPlans(schoolId)) {
    box.hidden = true;
    mount(box, html``);
    delete box.dataset.school;
    return;
  }
  box.hidden = false;
  if (box.dataset.school === schoolId) return; // keep what is being typed across due-list refreshes
  box.dataset.school = schoolId;
  const staff = me().org.staff.filter((p) => p.schoolId === schoolId);
  const windows = await campaignWindowOptions().catch(() => null);
  mount(box, createFormsHtml(staff, cstToday(), windows));
}

/** @param {HTMLFormElement} form */
export async function submitSendTeaching(form) {
  const f = new FormData(form);
  const schoolId = $('#fu-school').value;
  /** @param {string} k */
  const text = (k) => String(f.get(k) ?? '').trim();
  clearErrors(form);
  const body = {
    schoolId,
    ...(text('caseId') ? { caseId: text('caseId') } : {}),
    ...(text('studentName') ? { studentName: text('studentName') } : {}),
    teacherIds: f.getAll('teacherIds').map(String),
    content: text('content'),
    from: text('from'),
    to: text('to'),
    visitsPerMonth: Number(text('visitsPerMonth') || 2),
  };
  // Obvious gaps are reported here; the API checks the rest (and again these).
  let missing = false;
  /**
   * @param {unknown} ok
   * @param {string} key
   */
  const need = (ok, key) => {
    if (!ok) {
      showFieldError(form, key, ST_HINT[key] ?? key);
      missing = true;
    }
  };
  need(body.caseId || body.studentName, 'studentName');
  need(body.teacherIds.length > 0, 'teacherIds');
  need(body.content, 'content');
  need(body.from, 'from');
  need(body.to && (!body.from || body.to >= body.from), 'to');
  need(Number.isInteger(body.visitsPerMonth) && body.visitsPerMonth >= 1 && body.visitsPerMonth <= 8, 'visitsPerMonth');
  if (missing) return;
  const button = $('button[type=submit]', form);
  button.disabled = true;
  try {
    const r = await api('POST', '/api/followup/send-teaching-plans', body, form.dataset.key);
    form.reset();
    newKey(form);
    flash(`送教上门计划已建立：${r.plan.studentName}，共 ${r.visits.length} 次走访`);
    await renderPlan(r.plan.id);
  } catch (err) {
    const e = /** @type {any} */ (err);
    if (e.status) newKey(form); // refused, nothing recorded: a corrected form is a new request
    if (e.status === 400 && e.issues?.length > 0) {
      for (const issue of e.issues) {
        const key = ST_FIELDS.find((k) => String(issue.field).split('.').includes(k)) ?? 'form';
        showFieldError(form, key, ST_HINT[key] ?? issue.reason);
      }
    } else if (e.status === 404 && body.caseId) showFieldError(form, 'caseId', ST_HINT.caseId ?? '');
    else showFieldError(form, 'form', message(e));
  } finally {
    button.disabled = false;
  }
}

/**
 * `学籍号 姓名 教师` lines → households; the teacher by name or id among the school's staff.
 * @param {string} textValue
 * @param {import('./shared.js').Staff[]} staff the school's staff
 */
export function parseHouseholds(textValue, staff) {
  /** @type {{ ref: string, studentName: string, teacherId: string, line: number }[]} */
  const households = [];
  /** @type {string[]} */
  const errors = [];
  const lines = textValue.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const [ref, studentName, teacher, ...rest] = line.split(/\s+/);
    if (!ref || !studentName || !teacher || rest.length > 0) {
      errors.push(`第 ${i + 1} 行应为“学籍号 姓名 教师”`);
      continue;
    }
    const matches = staff.filter((p) => p.id === teacher || p.name === teacher);
    const only = matches[0];
    if (matches.length !== 1 || !only) {
      errors.push(`第 ${i + 1} 行：${matches.length ? '教师重名，请填教师编号' : `本校没有教师“${teacher}”`}`);
      continue;
    }
    households.push({ ref, studentName, teacherId: only.id, line: i + 1 });
  }
  return { households, errors };
}

/** @param {HTMLFormElement} form */
export async function submitCampaign(form) {
  const f = new FormData(form);
  const schoolId = $('#fu-school').value;
  clearErrors(form);
  const staff = me().org.staff.filter((p) => p.schoolId === schoolId);
  const { households, errors } = parseHouseholds(String(f.get('households') ?? ''), staff);
  if (errors.length === 0 && households.length === 0) errors.push('请至少填写一户');
  if (errors.length > 0) return showFieldError(form, 'households', errors.join('；'));
  const button = $('button[type=submit]', form);
  button.disabled = true;
  try {
    const r = await api(
      'POST',
      '/api/followup/campaigns',
      {
        windowId: String(f.get('windowId')),
        schoolId,
        households: households.map(({ ref, studentName, teacherId }) => ({ ref, studentName, teacherId })),
      },
      form.dataset.key,
    );
    newKey(form);
    $('textarea', form).value = '';
    flash(r.created ? `大家访名单已提交，共 ${households.length} 户` : '该名单此前已提交，未重复创建');
    await renderFollowUp();
  } catch (err) {
    const e = /** @type {any} */ (err);
    if (e.status) newKey(form);
    if (e.status === 409 && !String(e.message).includes('Idempotency'))
      return showFieldError(form, 'form', '该时段已有名单，不能更改');
    if (e.status === 400 && e.issues?.length > 0) {
      const lines = e.issues.map((/** @type {any} */ issue) => {
        const n = String(issue.field).match(/households\.(\d+)/);
        const h = n ? households[Number(n[1])] : undefined;
        return h ? `第 ${h.line} 行：${issue.field.endsWith('teacherId') ? '不是本校教师' : '内容有误'}` : issue.reason;
      });
      return showFieldError(form, 'households', lines.join('；'));
    }
    if (e.status === 404) return showFieldError(form, 'form', '该大家访时段不存在，请刷新后重试');
    showFieldError(form, 'form', message(e));
  } finally {
    button.disabled = false;
  }
}

/**
 * The visit form under a due item.
 * @param {FuRow} row
 * @param {string} today
 */
export function visitForm(row, today) {
  const content =
    row.kind === 'send-teaching'
      ? html`<label>送教内容 <textarea name="content" rows="2" maxlength="500" required></textarea></label>`
      : '';
  return html`<form class="fu-form" data-key="${crypto.randomUUID()}">
    <label>走访日期 <input type="date" name="date" value="${today}" max="${today}" required></label>
    ${content}
    <label>情况记录 <textarea name="note" rows="2" maxlength="500"></textarea></label>
    <p class="field-error" role="alert" hidden></p>
    <div class="actions"><button type="submit" class="primary">提交登记</button><button type="button" class="secondary" data-fu-act="cancel">取消</button></div>
  </form>`;
}

/** @param {HTMLFormElement} form */
export async function submitVisit(form) {
  const item = /** @type {HTMLElement} */ (form.closest('[data-fu]'));
  /** @type {FuRow} */
  const row = state.fuRows.get(item.dataset.fu);
  const f = new FormData(form);
  const date = String(f.get('date') ?? '');
  const note = String(f.get('note') ?? '').trim();
  const content = String(f.get('content') ?? '').trim();
  const button = $('button[type=submit]', form);
  button.disabled = true;
  try {
    if (row.planId)
      await api(
        'POST',
        `/api/followup/plans/${encodeURIComponent(row.planId)}/visits`,
        { no: row.no, doneOn: date, ...(note ? { note } : {}), ...(content ? { content } : {}) },
        form.dataset.key,
      );
    else
      await api(
        'POST',
        `/api/followup/campaigns/${encodeURIComponent(row.windowId ?? '')}/${encodeURIComponent(row.schoolId ?? '')}/visits`,
        { ref: row.ref, visitedOn: date, ...(note ? { note } : {}) },
        form.dataset.key,
      );
    flash(`已登记：${row.studentName} ${FU_KIND[row.kind]}${row.planId ? ` ${row.what}` : ''}`);
    await renderFollowUp();
  } catch (err) {
    const e = /** @type {any} */ (err);
    button.disabled = false;
    const el = $('.field-error', form);
    el.textContent = e.status === 409 ? '该次走访已被他人登记或状态已变化，请刷新后重试' : message(e);
    el.hidden = false;
  }
}

/** @type {Record<string, string>} */
const PLAN_STATUS = { active: '进行中', completed: '已完成', reopened: '已重新立案', closed: '已结束' };

/**
 * The 一人一案 record of a plan.
 * @param {{ plan: any, visits: any[] }} data
 */
export function planHtml({ plan, visits }) {
  /** @param {any} v */
  const cls = (v) =>
    v.status === 'done' ? 'plan-status-done' : v.statusLabel === '逾期未完成' ? 'plan-status-missed' : '';
  const rows = visits.map(
    (v) =>
      html`<tr data-no="${v.no}"><td>${v.no}</td><td>${v.dueDate}</td><td class="${cls(v)}">${v.statusLabel}${v.escalated ? '（已上报）' : ''}${v.acknowledged ? html`<div class="muted">${v.acknowledged.by} 已确认跟进</div>` : ''}</td><td>${v.doneOn ?? ''}</td><td>${v.doneBy?.name ?? ''}</td><td>${[v.content, v.note].filter(Boolean).join('；')}</td></tr>`,
  );
  return html`<div class="panel">
    <h2>${plan.studentName} · ${plan.kindLabel}</h2>
    <p class="muted">${plan.schoolName} · ${plan.townshipName} · ${plan.startsOn} 至 ${plan.endsOn} · 负责教师：${plan.responsible.map((/** @type {any} */ r) => r.name).join('、')}${plan.mentor ? html` · 结对帮扶：${plan.mentor.name}` : ''}</p>
    ${plan.content ? html`<p>送教内容：${plan.content}</p>` : ''}
    <p>状态：${PLAN_STATUS[plan.status] ?? plan.status} · 计划走访 ${visits.length} 次，已完成 ${visits.filter((v) => v.doneOn).length} 次</p>
    <h3>走访记录（一人一案）</h3>
    <div class="table-wrap"><table class="plan-visits"><thead><tr><th>次序</th><th>应访日期</th><th>状态</th><th>完成日期</th><th>走访人</th><th>内容 / 情况</th></tr></thead><tbody>${
      rows.length > 0 ? rows : html`<tr><td colspan="6">暂无走访</td></tr>`
    }</tbody></table></div></div>`;
}

/** @param {string} planId */
export async function renderPlan(planId) {
  show('plan');
  const box = $('#plan-detail');
  mount(box, html`<p class="panel muted">加载中…</p>`);
  mount(box, planHtml(await api('GET', `/api/followup/plans/${encodeURIComponent(planId)}`)));
}

/**
 * The configured 大家访 windows as options (newest first); preselects the latest one already started.
 * @param {{ id: string, name: string, start: string, end: string }[]} windows
 * @param {string} today
 */
export function windowOptions(windows, today) {
  const current = windows.find((w) => w.start <= today) ?? windows[windows.length - 1];
  return html`${windows.map(
    (w) =>
      html`<option value="${w.id}"${w === current ? html` selected` : ''}>${w.name}（${w.start} 至 ${w.end}）</option>`,
  )}`;
}

/** The window options from the API, or null when none is configured. */
async function campaignWindowOptions() {
  const { windows } = await api('GET', '/api/followup/campaigns');
  return windows.length > 0 ? windowOptions(windows, cstToday()) : null;
}

/**
 * The completion table of a 大家访 window.
 * @param {any} data
 */
export function campaignHtml(data) {
  const rows = data.schools.map(
    (/** @type {any} */ s) =>
      html`<tr class="${s.late ? 'fu-overdue' : ''}" data-campaign-school="${s.schoolId}"><td>${s.schoolName}</td><td>${s.townshipName}</td><td>${s.done}/${s.total}</td><td>${s.late ? '已逾期' : s.done === s.total ? '已完成' : '进行中'}${s.escalated ? '（已上报）' : ''}${
        s.acknowledged
          ? html`<div class="muted fu-ack">已由 ${s.acknowledged.by} 确认跟进（${fmt(s.acknowledged.at)}）${s.acknowledged.note ? html`：${s.acknowledged.note}` : ''}</div>`
          : s.escalated && s.mayAcknowledge && s.done < s.total
            ? html`<button type="button" class="secondary" data-campaign-act="ack">确认跟进</button>`
            : ''
      }</td></tr>`,
  );
  const without = data.withoutList.map((/** @type {any} */ s) => s.schoolName).join('、');
  return html`<p class="muted">${data.window.start} 至 ${data.window.end}</p><div class="table-wrap"><table><thead><tr><th>学校</th><th>乡镇</th><th>已访/应访</th><th>状态</th></tr></thead><tbody>${
    rows.length > 0 ? rows : html`<tr><td colspan="4">暂无走访名单</td></tr>`
  }</tbody></table></div>${without ? html`<p class="muted">未上报走访名单：${without}</p>` : ''}`;
}

export async function renderCampaigns() {
  const box = $('#fu-campaigns');
  if (!box.dataset.built) {
    const options = await campaignWindowOptions();
    if (!options) {
      mount(box, html`<div class="panel"><h3>大家访完成情况</h3><p class="muted">尚未配置大家访时段</p></div>`);
      return;
    }
    box.dataset.built = '1';
    mount(
      box,
      html`<div class="panel"><h3>大家访完成情况</h3><label>时段 <select id="fu-window">${options}</select></label><div id="fu-campaign-result"></div></div>`,
    );
    $('#fu-window').addEventListener('change', () => renderCampaigns().catch((e) => flash(message(e), true)));
  }
  const out = $('#fu-campaign-result');
  try {
    const data = await api('GET', `/api/followup/campaigns/${encodeURIComponent($('#fu-window').value)}`);
    state.campaignWindow = data.window.id;
    mount(out, campaignHtml(data));
  } catch (err) {
    const e = /** @type {any} */ (err);
    mount(out, html`<p class="muted">${e.status === 404 ? '该时段未配置' : message(e)}</p>`);
  }
}

/** Wires the follow-up view's delegated events (once, from app.js). */
export function wireFollowUp() {
  $('#fu-list').addEventListener('click', (/** @type {Event} */ ev) => {
    const b = /** @type {HTMLElement} */ (ev.target).closest('button[data-fu-act]');
    if (!(b instanceof HTMLElement)) return;
    const item = /** @type {HTMLElement} */ (b.closest('[data-fu]'));
    /** @type {FuRow} */
    const row = state.fuRows.get(item.dataset.fu);
    const act = b.dataset.fuAct;
    if (act === 'plan') renderPlan(row.planId ?? '').catch((e) => flash(message(e), true));
    if (act === 'ack') acknowledgeVisit(row).catch((e) => flash(message(e), true));
    if (act === 'cancel') $maybe('.fu-form', item)?.remove();
    if (act === 'record' && !$maybe('.fu-form', item)) {
      mountAfter($('.actions', item), visitForm(row, cstToday()));
      $('.fu-form input[name=date]', item).focus();
    }
  });
  $('#fu-list').addEventListener('submit', (/** @type {Event} */ ev) => {
    ev.preventDefault();
    submitVisit(/** @type {HTMLFormElement} */ (ev.target));
  });
  $('#fu-campaigns').addEventListener('click', async (/** @type {Event} */ ev) => {
    const b = /** @type {HTMLElement} */ (ev.target).closest('button[data-campaign-act="ack"]');
    if (!b) return;
    const schoolId = /** @type {HTMLElement} */ (b.closest('[data-campaign-school]')).dataset.campaignSchool ?? '';
    const note = prompt('跟进说明（如：已约谈校长，本周内完成）', '');
    if (note === null) return;
    try {
      await api(
        'POST',
        `/api/followup/campaigns/${encodeURIComponent(state.campaignWindow)}/${encodeURIComponent(schoolId)}/acknowledge`,
        { note },
      );
      flash('已确认跟进，该校大家访不再向上级上报');
    } catch (e) {
      flash(message(e), true);
    }
    await renderCampaigns().catch((e) => flash(message(e), true));
  });
  $('#fu-create').addEventListener('submit', (/** @type {Event} */ ev) => {
    ev.preventDefault();
    const form = /** @type {HTMLFormElement} */ (ev.target);
    if (form.id === 'st-form') submitSendTeaching(form);
    if (form.id === 'hv-form') submitCampaign(form);
  });
}
