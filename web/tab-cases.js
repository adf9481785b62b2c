// @ts-check
// 在办案件: the case list (paged), its actions, the case page (timeline, messages, escalation, edit form).
import { api } from './api.js';
import { html, mount } from './render.js';
import {
  $,
  $$,
  $maybe,
  clearErrors,
  countdown,
  cstNowText,
  flash,
  fmt,
  me,
  message,
  serverNow,
  show,
  showFieldError,
  state,
} from './shared.js';

/** @type {Record<string, string>} */
export const STATE = {
  opened: '已立案',
  persuading: '劝返中',
  'notice-issued': '已发通知书',
  lapsed: '通知书逾期',
  escalated: '已上报',
  returned: '已复学',
  exempted: '已免予',
  transferred: '已转出',
  suspended: '已休学',
};
/** @type {Record<string, string>} */
const EVENT = {
  opened: '立案',
  visit: '家访/劝返',
  'notice-issued': '发出劝返复学通知书',
  'notice-received': '登记通知书送达（一周期限自送达起算）',
  'notice-sms-undelivered': '通知书短信未送达家长，已提醒校长纸质送达或电话告知',
  're-escalated': '无人确认跟进，已向上级催办',
  'escalation-acknowledged': '确认跟进逾期通知书',
  'township-order': '登记乡镇政府责令',
  'township-order-lapsed': '乡镇政府责令期满仍未复学，已报总负责人和控辍办',
  lapsed: '通知书期满未返校',
  escalated: '上报乡镇政府和教育局',
  returned: '复学',
  exempted: '免予（缓学）',
  transferred: '转出',
  suspended: '休学',
  'status-change': '学籍变动',
  reopened: '复学跟踪期内再次未返校，案件重新打开',
  updated: '修改案件信息',
  'reported-absent': '报表再次列为未返校',
};
const CLOSED = new Set(['returned', 'exempted', 'transferred', 'suspended']);
/** The roll's priority groups (shared/domain/priority-groups.ts); 脱贫户 only for who may see it (R9). */
export const PRIORITY_GROUPS = ['脱贫户', '残疾', '留守', '孤儿', '事实无人抚养', '随迁'];
const POVERTY = '脱贫户';

/**
 * The groups a viewer may filter by: 脱贫户 only with `may.seePovertyGroup`.
 * @param {Record<string, boolean>} may
 */
export const groupsFor = (may) => PRIORITY_GROUPS.filter((g) => g !== POVERTY || may.seePovertyGroup);

/**
 * The group filter above the case list.
 * @param {Record<string, boolean>} may
 * @param {string} selected
 */
export function groupFilterHtml(may, selected) {
  const options = groupsFor(may).map(
    (g) => html`<option value="${g}"${g === selected ? html` selected` : ''}>${g}</option>`,
  );
  return html`<label>重点群体 <select id="case-group"><option value="">全部</option>${options}</select></label>`;
}
const FROM_REPORT_HINT = '由报表自动建档，请补充监护人信息';
/** @type {Record<string, string>} */
const MSG_STATUS = {
  QUEUED: '待发送',
  SENDING: '发送中',
  SENT: '已送达短信平台',
  FAILED: '发送失败',
  CANCELLED: '已取消',
};
/** @type {Record<string, string>} */
const OUTCOME = {
  'met-guardian': '见到监护人',
  'met-child': '见到学生',
  'not-home': '不在家',
  refused: '拒绝返校',
  'promised-return': '承诺返校',
};
/** @type {Record<string, string>} */
const NOTICE_STATUS = { pending: '期限内', complied: '已按期返校', lapsed: '已逾期', withdrawn: '已撤回' };

/**
 * A case the intake opened from a report whose guardian is not complete yet.
 * @param {any} c
 */
export const needsGuardian = (c) => Boolean(c.openedFrom) && !(c.guardian?.name && c.guardian?.phone);

/**
 * The school's open task when the guardian's notice SMS did not reach the phone.
 * @param {any} t
 */
function deliveryTaskText(t) {
  return html`<span class="badge warn" role="status">通知书短信${t.reasonLabel}${t.code ? html`（${t.code}）` : ''}：请纸质送达或电话告知家长，并登记送达</span>`;
}

/**
 * The receipt (送达) of a notice as one short line: the week runs from it.
 * @param {any} n
 */
export function receiptText(n) {
  const task = n.deliveryTask && !n.deliveryTask.closedAt && !n.receipt ? deliveryTaskText(n.deliveryTask) : null;
  if (!n.receipt && task) return task;
  if (!n.receipt)
    return n.status && n.status !== 'pending'
      ? html`<span class="badge">未登记送达（期限按签发时间计）</span>`
      : html`<span class="badge warn">尚未登记送达（期限暂按签发时间计）</span>`;
  return html`<span class="badge">已送达：${n.receipt.methodLabel} ${fmt(n.receipt.receivedAt)}，签收人 ${n.receipt.receivedBy}</span>`;
}

/**
 * A message's delivery receipt from the provider, when one came.
 * @param {any} m
 */
function deliveryText(m) {
  if (!m.delivery) return '';
  return m.delivery.status === 'DELIVERED'
    ? html`<br><span class="muted">已送达 ${fmt(m.delivery.at)}</span>`
    : html`<br><span class="status-FAILED">未送达（${m.delivery.code}）</span>`;
}

/**
 * One case in the list, with the buttons the viewer's role allows.
 * @param {any} c
 * @param {Record<string, boolean>} may
 */
export function caseCard(c, may) {
  return html`<article class="case" data-case="${c.id}">
  <div class="row"><strong>${c.studentName}</strong><span class="badge">${c.kindLabel}</span><span class="badge">${STATE[c.state] ?? c.state}</span><span class="muted">${c.schoolName} · ${c.townshipName}</span>${c.povertyRegistered ? html`<span class="badge">脱贫户</span>` : ''}${(c.priorityGroups ?? []).filter((/** @type {string} */ g) => g !== POVERTY).map((/** @type {string} */ g) => html`<span class="badge">${g}</span>`)}</div>
  <div class="row muted">去向：${c.whereabouts} · 包保教师：${c.responsibleTeacher?.name} · 家访 ${c.visitCount} 次</div>
  ${needsGuardian(c) ? html`<div class="row from-report">${FROM_REPORT_HINT}</div>` : ''}
  ${c.notice ? html`<div class="row">劝返复学通知书期限 ${fmt(c.notice.deadline)} <span class="countdown" data-deadline="${c.notice.deadline}"></span> ${receiptText(c.notice)}</div>` : ''}
  <div class="actions">
    <button type="button" class="secondary" data-act="detail">时间线与短信</button>
    ${may.logVisit ? html`<button type="button" class="secondary" data-act="visit">登记家访</button>` : ''}
    ${may.issueNotice && c.state === 'persuading' ? html`<button type="button" class="secondary" data-act="notice">发出劝返复学通知书</button>` : ''}
    ${may.issueNotice && c.notice && !c.notice.receipt ? html`<button type="button" class="secondary" data-act="receipt" data-notice="${c.notice.id}">登记送达</button>` : ''}
    ${may.openCase ? html`<button type="button" class="secondary" data-act="return">登记复学</button>` : ''}
  </div></article>`;
}

/**
 * One page of the case list.
 * @param {{ cases: any[], nextCursor?: string }} data
 * @param {Record<string, boolean>} may
 */
export function caseListHtml(data, may) {
  if (data.cases.length === 0)
    return html`<p class="panel">${state.caseGroup ? `没有属于“${state.caseGroup}”的在办案件。` : '没有在办案件。'}</p>`;
  return html`${data.cases.map((c) => caseCard(c, may))}${
    data.nextCursor ? html`<p><button type="button" class="secondary" id="cases-next">下一页</button></p>` : ''
  }`;
}

/** @param {string} [cursor] */
export async function renderCases(cursor) {
  // One page (≤ 100 cases) at a time; the next page starts from the cursor the previous one returned.
  const may = me().may;
  if (!groupsFor(may).includes(state.caseGroup)) state.caseGroup = '';
  mount($('#case-filter'), groupFilterHtml(may, state.caseGroup));
  $('#case-group').addEventListener('change', (/** @type {Event} */ ev) => {
    state.caseGroup = /** @type {HTMLSelectElement} */ (ev.target).value;
    void renderCases();
  });
  const query = new URLSearchParams({
    ...(cursor ? { cursor } : {}),
    ...(state.caseGroup ? { group: state.caseGroup } : {}),
  }).toString();
  const data = await api('GET', query ? `/api/cases?${query}` : '/api/cases');
  mount($('#case-list'), caseListHtml(data, may));
  $maybe('#cases-next')?.addEventListener('click', () => void renderCases(data.nextCursor));
  tick();
}

const RECEIPT_METHODS = [
  ['in-person', '当面送达'],
  ['signed-receipt', '签收送达回证'],
  ['post', '邮寄送达'],
];

/** Updates every notice countdown on the page (every second). */
export function tick() {
  for (const el of $$('.countdown')) {
    const c = countdown(el.dataset.deadline ?? '');
    el.textContent = c.text;
    el.classList.toggle('over', c.over);
  }
}

/**
 * A case list button.
 * @param {string} caseId
 * @param {string} act
 */
export async function caseAction(caseId, act) {
  try {
    if (act === 'detail') return await renderCase(caseId);
    if (act === 'visit') {
      const note = prompt('家访情况（简要）', '') ?? '';
      await api('POST', `/api/cases/${caseId}/visits`, {
        at: new Date(serverNow()).toISOString(),
        outcome: 'refused',
        note,
      });
      flash('已登记家访');
    }
    if (act === 'notice') {
      if (!confirm('确认向监护人发出劝返复学通知书？监护人须在一周内送学生返校。')) return;
      let notice;
      try {
        ({ notice } = await api('POST', `/api/cases/${caseId}/notices`, {}));
      } catch (err) {
        if (/** @type {any} */ (err).code !== 'NOTICE_NEEDS_CONFIRMATION') throw err;
        // Issued outside term, or the deadline/reminder on a day without school: show the dates, ask again.
        const d = /** @type {any} */ (err).details;
        const lines = [
          '请核对通知书日期：',
          ...d.warnings.map((/** @type {string} */ w) => `· ${w}`),
          `返校期限：${fmt(d.deadline)}`,
          ...(d.reminderAt ? [`家长提醒短信：${fmt(d.reminderAt)}`] : []),
          '仍要发出吗？',
        ];
        if (!confirm(lines.join('\n'))) return;
        ({ notice } = await api('POST', `/api/cases/${caseId}/notices`, { confirm: true }));
      }
      flash(`已发出劝返复学通知书，期限 ${fmt(notice.deadline)}`);
    }
    if (act === 'receipt') {
      const noticeId = $maybe(`[data-case="${caseId}"] [data-act="receipt"]`)?.dataset.notice;
      const receivedAt = prompt('家长接到通知书的时间（北京时间，YYYY-MM-DD HH:mm）', cstNowText());
      if (!receivedAt) return;
      const choice = prompt(
        `送达方式（输入序号）：\n${RECEIPT_METHODS.map(([, label], i) => `${i + 1}. ${label}`).join('\n')}`,
        '2',
      );
      const method = RECEIPT_METHODS[Number(choice) - 1]?.[0];
      if (!method) return flash('请输入 1、2 或 3 选择送达方式', true);
      const receivedBy = prompt('签收人姓名', '') ?? '';
      const evidenceRef = prompt('送达回证编号或邮件单号（可不填）', '') ?? '';
      const r = await api('POST', `/api/cases/${caseId}/notices/${noticeId}/receipt`, {
        receivedAt,
        method,
        receivedBy,
        ...(evidenceRef.trim() ? { evidenceRef } : {}),
      });
      flash(`已登记送达，返校期限为 ${fmt(r.notice.deadline)}`);
    }
    if (act === 'return') {
      const today = new Date(serverNow() + 8 * 3_600_000).toISOString().slice(0, 10);
      await api('POST', `/api/cases/${caseId}/return`, { returnedOn: today });
      flash('已登记复学');
    }
    await renderCases();
  } catch (e) {
    flash(message(e), true);
  }
}

/**
 * One timeline entry.
 * @param {any} i
 */
export function timelineLine(i) {
  if (i.kind === 'event') {
    const d = i.data ?? {};
    const extra =
      i.type === 'visit' && d.outcome
        ? html`：${OUTCOME[d.outcome] ?? d.outcome}${d.note ? html`，${d.note}` : ''}`
        : '';
    const label =
      i.type === 'opened' && d.source === 'report'
        ? '立案（由报表自动建档）'
        : i.type === 'reported-absent'
          ? html`${EVENT[i.type]}（${d.periodKey}）`
          : (EVENT[i.type] ?? i.type);
    return html`<li class="event"><b>${fmt(i.at)}</b> ${label}${extra}${i.by ? html` <span class="muted">（${i.by}）</span>` : ''}</li>`;
  }
  if (i.kind === 'notice')
    return html`<li class="notice"><b>${fmt(i.at)}</b> 劝返复学通知书（期限 ${fmt(i.data.deadline)}，状态：${NOTICE_STATUS[i.data.status] ?? i.data.status}）${receiptText(i.data)}</li>`;
  const delivery = i.data.delivery
    ? i.data.delivery.status === 'DELIVERED'
      ? '，已送达'
      : html`，未送达（${i.data.delivery.code}）`
    : '';
  return html`<li class="message"><b>${fmt(i.at)}</b> 短信 → ${i.data.recipient.label}：${MSG_STATUS[i.data.status] ?? i.data.status}${delivery}</li>`;
}

/**
 * The case page: header, edit form, escalation, timeline, messages.
 * @param {{ case: any, timeline: any[], notices?: any[] }} t
 * @param {any[]} messages
 * @param {import('./shared.js').Me} viewer
 * @param {boolean} [more] the message log has more than the page shown (the timeline lists them all)
 */
export function caseDetailHtml(t, messages, viewer, more = false) {
  const c = t.case;
  const rows = messages.map(
    (m) =>
      html`<tr><td>${fmt(m.createdAt)}</td><td>${m.recipient.label}</td><td>${m.recipient.phone}</td><td class="status-${m.status}">${MSG_STATUS[m.status] ?? m.status}${m.sentAt ? html`<br><span class="muted">${fmt(m.sentAt)}</span>` : ''}${deliveryText(m)}</td><td>${m.text ?? '（不可见）'}</td></tr>`,
  );
  return html`<div class="panel"><h2>${c.studentName} <span class="badge">${STATE[c.state] ?? c.state}</span></h2>
    <p class="muted">${c.schoolName} · ${c.kindLabel} · 原因：${c.reason} · 去向：${c.whereabouts}</p>
    ${needsGuardian(c) ? html`<p class="from-report" role="status">${FROM_REPORT_HINT}</p>` : ''}
    <p class="muted">监护人：${c.guardian?.name ?? '未填写'} ${c.guardian?.phone ?? ''}${c.masked ? '（依规定已脱敏）' : ''}</p>
    ${viewer.may.updateCase && !c.masked && !CLOSED.has(c.state) ? editForm(c, viewer.org.staff) : ''}
    ${escalationPanel(c, t.notices ?? [], viewer.may)}
    <h3>时间线</h3><ul class="timeline">${t.timeline.map(timelineLine)}</ul>
    <h3>短信记录</h3><div class="table-wrap"><table><thead><tr><th>时间</th><th>接收人</th><th>号码</th><th>状态</th><th>内容</th></tr></thead><tbody>${
      rows.length > 0 ? rows : html`<tr><td colspan="5">暂无短信</td></tr>`
    }</tbody></table></div>${more ? html`<p class="muted">仅列出最早的 ${rows.length} 条短信，其余见上方时间线。</p>` : ''}</div>`;
}

/** @param {string} caseId */
export async function renderCase(caseId) {
  show('case');
  const [timeline, { messages, nextCursor }] = await Promise.all([
    api('GET', `/api/cases/${caseId}/timeline`),
    api('GET', `/api/cases/${caseId}/messages?limit=100`),
  ]);
  state.caseShown = timeline.case;
  mount($('#case-detail'), caseDetailHtml(timeline, messages, me(), Boolean(nextCursor)));
}

// ---- after a lapse: acknowledgement and the township order ----
/**
 * The lapsed notice's escalation: who was alerted, who took it on, the township's order; the officials' actions.
 * @param {any} c
 * @param {any[]} notices
 * @param {Record<string, boolean>} may
 */
export function escalationPanel(c, notices, may) {
  const n = notices.find((x) => x.status === 'lapsed' && x.escalation);
  if (!n) return '';
  const e = n.escalation;
  const open = !e.closedBy && !CLOSED.has(c.state);
  const o = e.townshipOrder;
  const lines = [
    html`已通知：${e.levelLabel}`,
    e.acknowledged
      ? html`已确认跟进：${e.acknowledged.by}（${fmt(e.acknowledged.at)}）${e.acknowledged.note ? html`：${e.acknowledged.note}` : ''}`
      : html`尚无人确认跟进${e.nextAt ? html`，${fmt(e.nextAt)} 将向上级催办` : ''}`,
    o
      ? html`乡镇政府${o.kind}（${o.ref}，${o.orderedOn}），期限 ${o.deadline}${o.lapsedAt ? '，期满仍未复学，已报总负责人和控辍办' : ''}`
      : '乡镇政府尚未登记责令',
  ];
  const buttons = [
    open && may.acknowledgeEscalation && !e.acknowledged
      ? html`<button type="button" class="secondary" data-esc="ack" data-notice="${n.id}">确认跟进</button>`
      : null,
    open && may.recordTownshipOrder && !o
      ? html`<button type="button" class="secondary" data-esc="order" data-notice="${n.id}">登记乡镇政府责令</button>`
      : null,
  ].filter((b) => b !== null);
  return html`<section class="escalation" data-case-id="${c.id}"><h3>逾期上报跟进</h3><ul>${lines.map((l) => html`<li>${l}</li>`)}</ul>${buttons.length > 0 ? html`<div class="actions">${buttons}</div>` : ''}</section>`;
}

/** @param {HTMLElement} button */
export async function escalationAction(button) {
  const caseId = /** @type {HTMLElement} */ (button.closest('[data-case-id]')).dataset.caseId ?? '';
  const base = `/api/cases/${caseId}/notices/${button.dataset.notice}`;
  try {
    if (button.dataset.esc === 'ack') {
      const note = prompt('跟进说明（如：已联系乡镇政府，明日上门）', '');
      if (note === null) return;
      await api('POST', `${base}/acknowledge`, { note });
      flash('已确认跟进，不再向上级催办');
    } else {
      const choice = prompt('乡镇政府的措施（输入序号）：\n1. 责令限期改正\n2. 限期返校', '2');
      const kind = /** @type {Record<string, string>} */ ({ 1: '责令限期改正', 2: '限期返校' })[choice ?? ''];
      if (!kind) return flash('请输入 1 或 2', true);
      const orderedOn = prompt('责令日期（YYYY-MM-DD）', cstNowText().slice(0, 10));
      if (!orderedOn) return;
      const ref = prompt('文书编号（文号）', '') ?? '';
      const deadline = prompt('限期（YYYY-MM-DD，留空则为责令日期后 7 天）', '') ?? '';
      await api('POST', `${base}/township-order`, {
        kind,
        orderedOn,
        ref,
        ...(deadline.trim() ? { deadline: deadline.trim() } : {}),
      });
      flash('已登记乡镇政府责令');
    }
    await renderCase(caseId);
  } catch (e) {
    flash(message(e), true);
  }
}

// ---- case edit (PATCH /api/cases/:caseId) ----
const EDIT_FIELDS = ['guardianName', 'guardianPhone', 'whereabouts', 'reason', 'responsibleTeacher'];
/**
 * The API's reasons are Chinese but terse (`最多 500 个字符`): the fields a head can get wrong get a fuller hint.
 * @type {Record<string, string>}
 */
const FIELD_HINT = {
  guardianName: '请填写监护人姓名（不超过 32 字）',
  guardianPhone: '手机号格式不正确：请填写 11 位中国大陆手机号（如 13800000001）',
  whereabouts: '请填写去向（不超过 200 字）',
  reason: '请填写原因（不超过 500 字）',
  responsibleTeacher: '所选教师不是本校在职教职工',
};

/**
 * @param {any} c
 * @param {import('./shared.js').Staff[]} allStaff
 */
export function editForm(c, allStaff) {
  const staff = allStaff.filter((p) => p.schoolId === c.schoolId);
  const current = c.responsibleTeacher?.personId;
  const options = staff.map(
    (p) => html`<option value="${p.id}"${p.id === current ? html` selected` : ''}>${p.name}</option>`,
  );
  const unknownCurrent =
    current && !staff.some((p) => p.id === current)
      ? html`<option value="${current}" selected>${c.responsibleTeacher.name}</option>`
      : '';
  /**
   * @param {string} name
   * @param {string} label
   * @param {import('./render.js').SafeHtml} input
   */
  const field = (name, label, input) =>
    html`<label>${label} ${input}<span class="field-error" data-error-for="${name}" role="alert" hidden></span></label>`;
  return html`<form id="case-edit" class="case-edit" data-case="${c.id}" data-version="${c.version}">
    <h3>修改案件信息</h3>
    <div class="grid2">
      ${field('guardianName', '监护人姓名', html`<input name="guardianName" maxlength="32" value="${c.guardian?.name ?? ''}">`)}
      ${field('guardianPhone', '监护人手机', html`<input name="guardianPhone" type="tel" inputmode="tel" placeholder="13800000001" value="${c.guardian?.phone ?? ''}">`)}
    </div>
    ${field('whereabouts', '去向', html`<input name="whereabouts" maxlength="200" value="${c.whereabouts}">`)}
    ${field('reason', '原因', html`<input name="reason" maxlength="500" value="${c.reason}">`)}
    ${field('responsibleTeacher', '包保教师', html`<select name="responsibleTeacher">${unknownCurrent}${options}</select>`)}
    <p class="field-error" data-error-for="form" role="alert" hidden></p>
    <button type="submit" class="primary">保存修改</button>
  </form>`;
}

/**
 * A mainland mobile as typed (13800000001, 138 0000 0001, +86…) in the E.164 form the API takes.
 * @param {string} phone
 */
export function e164(phone) {
  const digits = phone.replace(/[\s-]/g, '');
  return /^1\d{10}$/.test(digits) ? `+86${digits}` : digits;
}

/**
 * The PATCH body's changes: the edit form's fields that differ from the case as shown (blank fields are left as
 * they are; the phone in E.164; the teacher with the name from the directory).
 * @param {any} before the case as shown (state.caseShown)
 * @param {(name: string) => string} field the form's value of a field
 * @param {import('./shared.js').Staff[]} staff
 * @returns {Record<string, unknown>}
 */
export function caseChanges(before, field, staff) {
  /** @type {Record<string, unknown>} */
  const changes = {};
  const name = field('guardianName').trim();
  const phone = e164(field('guardianPhone').trim());
  if (name && name !== (before.guardian?.name ?? '')) changes.guardianName = name;
  if (phone && phone !== (before.guardian?.phone ?? '')) changes.guardianPhone = phone;
  for (const k of ['whereabouts', 'reason']) {
    const v = field(k).trim();
    if (v && v !== before[k]) changes[k] = v;
  }
  const teacherId = field('responsibleTeacher');
  if (teacherId && teacherId !== before.responsibleTeacher?.personId) {
    const person = staff.find((p) => p.id === teacherId);
    changes.responsibleTeacher = { personId: teacherId, name: person?.name ?? teacherId };
  }
  return changes;
}

/** @param {HTMLFormElement} form */
export async function submitCaseEdit(form) {
  const f = new FormData(form);
  const changes = caseChanges(state.caseShown, (k) => String(f.get(k) ?? ''), me().org.staff);
  clearErrors(form);
  if (Object.keys(changes).length === 0) return flash('没有需要保存的修改');
  try {
    await api('PATCH', `/api/cases/${form.dataset.case}`, { version: Number(form.dataset.version), ...changes });
    flash('案件信息已保存');
    await renderCase(form.dataset.case ?? '');
  } catch (err) {
    const e = /** @type {any} */ (err);
    if (e.status === 409) return showFieldError(form, 'form', '案件已被他人修改，请刷新后重试');
    if (e.status === 400 && e.issues?.length > 0) {
      for (const issue of e.issues) {
        const key = EDIT_FIELDS.find((k) => String(issue.field).split('.').includes(k)) ?? 'form';
        showFieldError(form, key, FIELD_HINT[key] ?? issue.reason);
      }
      return;
    }
    showFieldError(form, 'form', message(e));
  }
}
