// 控辍保学工作台: a small vanilla-JS console over the HTTP API (docs/api.md). No build step.
import { cloud } from './cloud-auth.js'; // Cognito sign-in in the cloud; null locally (dev sign-in)

const $ = (sel, root = document) => root.querySelector(sel);
const $$ = (sel, root = document) => [...root.querySelectorAll(sel)];
const esc = (v) =>
  String(v ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c],
  );

const state = { token: cloud ? cloud.token() : localStorage.getItem('baoxue.token'), me: null, clockOffset: 0 };

const STATE = {
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
const FROM_REPORT_HINT = '由报表自动建档，请补充监护人信息';
/** A case the intake opened from a report whose guardian is not complete yet. */
const needsGuardian = (c) => Boolean(c.openedFrom) && !(c.guardian?.name && c.guardian?.phone);
const MSG_STATUS = {
  QUEUED: '待发送',
  SENDING: '发送中',
  SENT: '已送达短信平台',
  FAILED: '发送失败',
  CANCELLED: '已取消',
};
const OUTCOME = {
  'met-guardian': '见到监护人',
  'met-child': '见到学生',
  'not-home': '不在家',
  refused: '拒绝返校',
  'promised-return': '承诺返校',
};

function fmt(iso) {
  if (!iso) return '';
  return new Date(iso).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    month: 'numeric',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** Server "now" (the local runtime may run a virtual clock): browser time plus the offset seen on the last reply. */
const serverNow = () => Date.now() + state.clockOffset;

function countdown(deadline) {
  const ms = Date.parse(deadline) - serverNow();
  if (ms <= 0) return { text: '已逾期', over: true };
  const d = Math.floor(ms / 86_400_000);
  const h = Math.floor((ms % 86_400_000) / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return { text: `剩余 ${d}天${h}小时${m}分`, over: false };
}

/** `key`: the Idempotency-Key of a POST (a form keeps one per opening, so a double submit records once). */
async function api(method, path, body, key) {
  const headers = { 'content-type': 'application/json' };
  if (state.token) headers.authorization = `Bearer ${state.token}`;
  if (method === 'POST') headers['idempotency-key'] = key ?? crypto.randomUUID();
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (data.asOf) state.clockOffset = Date.parse(data.asOf) - Date.now();
  if (res.status === 401 && path !== '/api/dev/sign-in') {
    signOut();
    throw new Error('登录已失效，请重新登录');
  }
  if (!res.ok) {
    const issues = (data.error?.issues ?? []).map((i) => `${i.field}：${i.reason}`).join('；');
    const err = new Error(issues || data.error?.message || `请求失败（${res.status}）`);
    err.status = res.status;
    err.code = data.error?.code;
    err.details = data.error ?? {};
    err.issues = data.error?.issues ?? [];
    throw err;
  }
  return data;
}

function flash(text, bad = false) {
  const el = $('#flash');
  el.textContent = text;
  el.hidden = false;
  el.classList.toggle('bad', bad);
  clearTimeout(flash.t);
  flash.t = setTimeout(() => (el.hidden = true), 6000);
}

function show(view) {
  $$('.view').forEach((v) => {
    v.hidden = v.dataset.view !== view;
  });
  for (const b of $$('.tabs button')) b.classList.toggle('active', b.dataset.tab === view);
}

async function openTab(tab) {
  show(tab);
  try {
    if (tab === 'late') await renderLate();
    if (tab === 'cases') await renderCases();
    if (tab === 'stats') await renderStats();
    if (tab === 'followup') await renderFollowUp();
    if (tab === 'imports') renderImports();
  } catch (e) {
    flash(e.message, true);
  }
}

// ---- sign-in ----
async function renderSignIn() {
  $('#sign-in').hidden = false;
  $('#app').hidden = true;
  $('#who').hidden = true;
  if (cloud) return cloud.showSignIn();
  try {
    const { people } = await api('GET', '/api/dev/people');
    $('#person').innerHTML = people
      .map(
        (p) =>
          `<option value="${esc(p.personId)}">${esc(p.name)} · ${esc(p.roleLabel)}${p.schoolName ? ` · ${esc(p.schoolName)}` : ''}${p.townshipName ? ` · ${esc(p.townshipName)}` : ''}</option>`,
      )
      .join('');
  } catch {
    $('#sign-in-hint').textContent = '请通过教育局统一身份认证登录（Cognito）。';
    $('#person').closest('label').hidden = true;
    $('#sign-in-button').hidden = true;
  }
}

async function signIn() {
  if (cloud) return cloud.signIn();
  try {
    const { token } = await api('POST', '/api/dev/sign-in', { personId: $('#person').value });
    state.token = token;
    localStorage.setItem('baoxue.token', token);
    await start();
  } catch (e) {
    $('#sign-in-error').textContent = e.message;
  }
}

function signOut() {
  state.token = null;
  state.me = null;
  localStorage.removeItem('baoxue.token');
  if (cloud) return cloud.signOut();
  renderSignIn();
}

async function start() {
  state.me = await api('GET', '/api/me');
  const { principal, roleLabel, may, org } = state.me;
  $('#sign-in').hidden = true;
  $('#app').hidden = false;
  $('#who').hidden = false;
  $('#who-name').textContent = `${principal.name ?? principal.personId}（${roleLabel}）`;
  renderCalendarBanner(state.me.calendar?.gaps ?? []);
  $$('.tabs [data-needs]').forEach((b) => {
    b.hidden = !may[b.dataset.needs];
  });
  const schoolOptions = org.schools.map((s) => `<option value="${esc(s.id)}">${esc(s.name)}</option>`).join('');
  $('#report-school').innerHTML = schoolOptions;
  $('#case-school').innerHTML = schoolOptions;
  fillTeachers();
  $('#fu-school').innerHTML = schoolOptions;
  $('#fu-school-label').hidden = org.schools.length <= 1;
  const y = new Date(serverNow() - 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);
  $('#report-period').value = y;
  await openTab('late');
}

/** The calendar cannot decide school days from a coming date (missing national year, no next term): say so on every page. */
function renderCalendarBanner(gaps) {
  const banner = $('#calendar-banner');
  banner.hidden = gaps.length === 0;
  banner.innerHTML = gaps
    .map((g) => `<p>⚠ ${esc(g.message)}<br><span class="hint">核对命令：<code>${esc(g.command)}</code></span></p>`)
    .join('');
}

function fillTeachers() {
  const schoolId = $('#case-school').value;
  $('#case-teacher').innerHTML = state.me.org.staff
    .filter((p) => p.schoolId === schoolId)
    .map((p) => `<option value="${esc(p.id)}">${esc(p.name)}</option>`)
    .join('');
}

// ---- late board ----
/** Who took the ladder on, and the viewer's button for a level that reached them and nobody acknowledged yet. */
function lateAckLine(r) {
  const me = state.me.principal;
  const done = (r.escalations ?? []).filter((e) => e.acknowledged);
  const mine = (r.escalations ?? [])
    .filter((e) => !e.acknowledged && (me.role === 'office' || e.personIds.includes(me.personId)))
    .at(-1);
  const lines = done.map(
    (e) =>
      `<div class="muted">第${e.level}级已由 ${esc(e.acknowledged.by)} 确认跟进（${fmt(e.acknowledged.at)}）</div>`,
  );
  const button = mine
    ? `<button type="button" class="secondary" data-act="ack-report" data-slot="${esc(r.slotId)}" data-level="${mine.level}">确认跟进第${mine.level}级催报</button>`
    : '';
  return lines.join('') + button;
}

async function renderLate() {
  const data = await api('GET', '/api/reports/late');
  const board = $('#late-board');
  if (data.townships.length === 0) {
    board.innerHTML = '<p class="panel">当前没有迟报的学校。</p>';
    return;
  }
  board.innerHTML = data.townships
    .map(
      (t) =>
        `<section class="township" data-township="${esc(t.townshipId)}"><h3>${esc(t.townshipName)} <span class="muted">${t.reports.length} 所迟报</span></h3><div class="cards">${t.reports
          .map((r) => {
            const lv = Math.min(r.level, 4);
            return `<div class="card lv lv${lv}"><div class="title">${esc(r.schoolName)}</div><div>${esc(r.cadenceLabel)} ${esc(r.periodKey)} · 截止 ${fmt(r.deadline)}</div><div>逾期 ${Math.floor(r.overdueMinutes / 60)} 小时 · ${esc(r.stage)}${r.reached ? `（已通知：${esc(r.reached)}）` : ''}</div>${lateAckLine(r)}</div>`;
          })
          .join('')}</div></section>`,
    )
    .join('');
  for (const b of board.querySelectorAll('[data-act="ack-report"]'))
    b.addEventListener('click', async () => {
      const note = prompt('跟进说明（可空）：', '') ?? '';
      try {
        await api(
          'POST',
          `/api/reports/slots/${encodeURIComponent(b.dataset.slot)}/escalations/${b.dataset.level}/acknowledge`,
          {
            note,
          },
        );
        flash(`已确认跟进第${b.dataset.level}级催报`);
      } catch (e) {
        flash(e.message, true);
      }
      await renderLate();
    });
}

// ---- cases ----
async function renderCases(cursor) {
  // One page (≤ 100 cases) at a time; the next page starts from the cursor the previous one returned.
  const data = await api('GET', cursor ? `/api/cases?cursor=${encodeURIComponent(cursor)}` : '/api/cases');
  const list = $('#case-list');
  if (data.cases.length === 0) {
    list.innerHTML = '<p class="panel">没有在办案件。</p>';
    return;
  }
  const may = state.me.may;
  list.innerHTML =
    data.cases
      .map(
        (c) => `<article class="case" data-case="${esc(c.id)}">
  <div class="row"><strong>${esc(c.studentName)}</strong><span class="badge">${esc(c.kindLabel)}</span><span class="badge">${esc(STATE[c.state] ?? c.state)}</span><span class="muted">${esc(c.schoolName)} · ${esc(c.townshipName)}</span>${c.povertyRegistered ? '<span class="badge">脱贫户</span>' : ''}</div>
  <div class="row muted">去向：${esc(c.whereabouts)} · 包保教师：${esc(c.responsibleTeacher?.name)} · 家访 ${c.visitCount} 次</div>
  ${needsGuardian(c) ? `<div class="row from-report">${FROM_REPORT_HINT}</div>` : ''}
  ${c.notice ? `<div class="row">劝返复学通知书期限 ${fmt(c.notice.deadline)} <span class="countdown" data-deadline="${esc(c.notice.deadline)}"></span> ${receiptText(c.notice)}</div>` : ''}
  <div class="actions">
    <button type="button" class="secondary" data-act="detail">时间线与短信</button>
    ${may.logVisit ? '<button type="button" class="secondary" data-act="visit">登记家访</button>' : ''}
    ${may.issueNotice && c.state === 'persuading' ? '<button type="button" class="secondary" data-act="notice">发出劝返复学通知书</button>' : ''}
    ${may.issueNotice && c.notice && !c.notice.receipt ? `<button type="button" class="secondary" data-act="receipt" data-notice="${esc(c.notice.id)}">登记送达</button>` : ''}
    ${may.openCase ? '<button type="button" class="secondary" data-act="return">登记复学</button>' : ''}
  </div></article>`,
      )
      .join('') +
    (data.nextCursor ? '<p><button type="button" class="secondary" id="cases-next">下一页</button></p>' : '');
  document.querySelector('#cases-next')?.addEventListener('click', () => void renderCases(data.nextCursor));
  tick();
}

const RECEIPT_METHODS = [
  ['in-person', '当面送达'],
  ['signed-receipt', '签收送达回证'],
  ['post', '邮寄送达'],
];

/** The receipt (送达) of a notice as one short line: the week runs from it. */
function receiptText(n) {
  const task = n.deliveryTask && !n.deliveryTask.closedAt && !n.receipt ? deliveryTaskText(n.deliveryTask) : '';
  if (!n.receipt && task) return task;
  if (!n.receipt)
    return n.status && n.status !== 'pending'
      ? '<span class="badge">未登记送达（期限按签发时间计）</span>'
      : '<span class="badge warn">尚未登记送达（期限暂按签发时间计）</span>';
  return `<span class="badge">已送达：${esc(n.receipt.methodLabel)} ${fmt(n.receipt.receivedAt)}，签收人 ${esc(n.receipt.receivedBy)}</span>`;
}

/** The school's open task when the guardian's notice SMS did not reach the phone. */
function deliveryTaskText(t) {
  return `<span class="badge warn" role="status">通知书短信${esc(t.reasonLabel)}${t.code ? `（${esc(t.code)}）` : ''}：请纸质送达或电话告知家长，并登记送达</span>`;
}

/** A message's delivery receipt from the provider, when one came. */
function deliveryText(m) {
  if (!m.delivery) return '';
  return m.delivery.status === 'DELIVERED'
    ? `<br><span class="muted">已送达 ${fmt(m.delivery.at)}</span>`
    : `<br><span class="status-FAILED">未送达（${esc(m.delivery.code)}）</span>`;
}

/** Beijing-time `YYYY-MM-DD HH:mm` of the server's now, as the receipt form's default. */
function cstNowText() {
  return new Date(serverNow() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function tick() {
  $$('.countdown').forEach((el) => {
    const c = countdown(el.dataset.deadline);
    el.textContent = c.text;
    el.classList.toggle('over', c.over);
  });
}

async function caseAction(caseId, act) {
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
        if (err.code !== 'NOTICE_NEEDS_CONFIRMATION') throw err;
        // Issued outside term, or the deadline/reminder on a day without school: show the dates, ask again.
        const d = err.details;
        const lines = [
          '请核对通知书日期：',
          ...d.warnings.map((w) => `· ${w}`),
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
      const noticeId = $(`[data-case="${caseId}"] [data-act="receipt"]`)?.dataset.notice;
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
    flash(e.message, true);
  }
}

async function renderCase(caseId) {
  show('case');
  const [{ case: c, timeline, notices }, { messages }] = await Promise.all([
    api('GET', `/api/cases/${caseId}/timeline`),
    api('GET', `/api/cases/${caseId}/messages`),
  ]);
  state.caseShown = c;
  const line = (i) => {
    if (i.kind === 'event') {
      const d = i.data ?? {};
      const extra =
        i.type === 'visit' && d.outcome
          ? `：${OUTCOME[d.outcome] ?? d.outcome}${d.note ? `，${esc(d.note)}` : ''}`
          : '';
      const label =
        i.type === 'opened' && d.source === 'report'
          ? '立案（由报表自动建档）'
          : i.type === 'reported-absent'
            ? `${EVENT[i.type]}（${esc(d.periodKey)}）`
            : esc(EVENT[i.type] ?? i.type);
      return `<li class="event"><b>${fmt(i.at)}</b> ${label}${extra}${i.by ? ` <span class="muted">（${esc(i.by)}）</span>` : ''}</li>`;
    }
    if (i.kind === 'notice')
      return `<li class="notice"><b>${fmt(i.at)}</b> 劝返复学通知书（期限 ${fmt(i.data.deadline)}，状态：${esc({ pending: '期限内', complied: '已按期返校', lapsed: '已逾期', withdrawn: '已撤回' }[i.data.status] ?? i.data.status)}）${receiptText(i.data)}</li>`;
    return `<li class="message"><b>${fmt(i.at)}</b> 短信 → ${esc(i.data.recipient.label)}：${esc(MSG_STATUS[i.data.status] ?? i.data.status)}${i.data.delivery ? (i.data.delivery.status === 'DELIVERED' ? '，已送达' : `，未送达（${esc(i.data.delivery.code)}）`) : ''}</li>`;
  };
  $('#case-detail').innerHTML =
    `<div class="panel"><h2>${esc(c.studentName)} <span class="badge">${esc(STATE[c.state] ?? c.state)}</span></h2>
    <p class="muted">${esc(c.schoolName)} · ${esc(c.kindLabel)} · 原因：${esc(c.reason)} · 去向：${esc(c.whereabouts)}</p>
    ${needsGuardian(c) ? `<p class="from-report" role="status">${FROM_REPORT_HINT}</p>` : ''}
    <p class="muted">监护人：${esc(c.guardian?.name ?? '未填写')} ${esc(c.guardian?.phone ?? '')}${c.masked ? '（依规定已脱敏）' : ''}</p>
    ${state.me.may.updateCase && !c.masked && !CLOSED.has(c.state) ? editForm(c) : ''}
    ${escalationPanel(c, notices ?? [])}
    <h3>时间线</h3><ul class="timeline">${timeline.map(line).join('')}</ul>
    <h3>短信记录</h3><div class="table-wrap"><table><thead><tr><th>时间</th><th>接收人</th><th>号码</th><th>状态</th><th>内容</th></tr></thead><tbody>${
      messages
        .map(
          (m) =>
            `<tr><td>${fmt(m.createdAt)}</td><td>${esc(m.recipient.label)}</td><td>${esc(m.recipient.phone)}</td><td class="status-${esc(m.status)}">${esc(MSG_STATUS[m.status] ?? m.status)}${m.sentAt ? `<br><span class="muted">${fmt(m.sentAt)}</span>` : ''}${deliveryText(m)}</td><td>${esc(m.text ?? '（不可见）')}</td></tr>`,
        )
        .join('') || '<tr><td colspan="5">暂无短信</td></tr>'
    }</tbody></table></div></div>`;
}

// ---- after a lapse: acknowledgement and the township order ----
/** The lapsed notice's escalation: who was alerted, who took it on, the township's order; the officials' actions. */
function escalationPanel(c, notices) {
  const n = notices.find((x) => x.status === 'lapsed' && x.escalation);
  if (!n) return '';
  const e = n.escalation;
  const may = state.me.may;
  const open = !e.closedBy && !CLOSED.has(c.state);
  const lines = [
    `已通知：${esc(e.levelLabel)}`,
    e.acknowledged
      ? `已确认跟进：${esc(e.acknowledged.by)}（${fmt(e.acknowledged.at)}）${e.acknowledged.note ? `：${esc(e.acknowledged.note)}` : ''}`
      : `尚无人确认跟进${e.nextAt ? `，${fmt(e.nextAt)} 将向上级催办` : ''}`,
    e.townshipOrder
      ? `乡镇政府${esc(e.townshipOrder.kind)}（${esc(e.townshipOrder.ref)}，${esc(e.townshipOrder.orderedOn)}），期限 ${esc(e.townshipOrder.deadline)}${e.townshipOrder.lapsedAt ? '，期满仍未复学，已报总负责人和控辍办' : ''}`
      : '乡镇政府尚未登记责令',
  ];
  const buttons = [
    open && may.acknowledgeEscalation && !e.acknowledged
      ? `<button type="button" class="secondary" data-esc="ack" data-notice="${esc(n.id)}">确认跟进</button>`
      : '',
    open && may.recordTownshipOrder && !e.townshipOrder
      ? `<button type="button" class="secondary" data-esc="order" data-notice="${esc(n.id)}">登记乡镇政府责令</button>`
      : '',
  ].join('');
  return `<section class="escalation" data-case-id="${esc(c.id)}"><h3>逾期上报跟进</h3><ul>${lines.map((l) => `<li>${l}</li>`).join('')}</ul>${buttons ? `<div class="actions">${buttons}</div>` : ''}</section>`;
}

async function escalationAction(button) {
  const caseId = button.closest('[data-case-id]').dataset.caseId;
  const base = `/api/cases/${caseId}/notices/${button.dataset.notice}`;
  try {
    if (button.dataset.esc === 'ack') {
      const note = prompt('跟进说明（如：已联系乡镇政府，明日上门）', '');
      if (note === null) return;
      await api('POST', `${base}/acknowledge`, { note });
      flash('已确认跟进，不再向上级催办');
    } else {
      const choice = prompt('乡镇政府的措施（输入序号）：\n1. 责令限期改正\n2. 限期返校', '2');
      const kind = { 1: '责令限期改正', 2: '限期返校' }[choice];
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
    flash(e.message, true);
  }
}

// ---- case edit (PATCH /api/cases/:caseId) ----
const EDIT_FIELDS = ['guardianName', 'guardianPhone', 'whereabouts', 'reason', 'responsibleTeacher'];
/** The API's reasons are Chinese but terse (`最多 500 个字符`): the fields a head can get wrong get a fuller hint. */
const FIELD_HINT = {
  guardianName: '请填写监护人姓名（不超过 32 字）',
  guardianPhone: '手机号格式不正确：请填写 11 位中国大陆手机号（如 13800000001）',
  whereabouts: '请填写去向（不超过 200 字）',
  reason: '请填写原因（不超过 500 字）',
  responsibleTeacher: '所选教师不是本校在职教职工',
};

function editForm(c) {
  const staff = state.me.org.staff.filter((p) => p.schoolId === c.schoolId);
  const current = c.responsibleTeacher?.personId;
  const options = staff
    .map((p) => `<option value="${esc(p.id)}"${p.id === current ? ' selected' : ''}>${esc(p.name)}</option>`)
    .join('');
  const unknownCurrent =
    current && !staff.some((p) => p.id === current)
      ? `<option value="${esc(current)}" selected>${esc(c.responsibleTeacher.name)}</option>`
      : '';
  const field = (name, label, input) =>
    `<label>${label} ${input}<span class="field-error" data-error-for="${name}" role="alert" hidden></span></label>`;
  return `<form id="case-edit" class="case-edit" data-case="${esc(c.id)}" data-version="${c.version}">
    <h3>修改案件信息</h3>
    <div class="grid2">
      ${field('guardianName', '监护人姓名', `<input name="guardianName" maxlength="32" value="${esc(c.guardian?.name ?? '')}">`)}
      ${field('guardianPhone', '监护人手机', `<input name="guardianPhone" type="tel" inputmode="tel" placeholder="13800000001" value="${esc(c.guardian?.phone ?? '')}">`)}
    </div>
    ${field('whereabouts', '去向', `<input name="whereabouts" maxlength="200" value="${esc(c.whereabouts)}">`)}
    ${field('reason', '原因', `<input name="reason" maxlength="500" value="${esc(c.reason)}">`)}
    ${field('responsibleTeacher', '包保教师', `<select name="responsibleTeacher">${unknownCurrent}${options}</select>`)}
    <p class="field-error" data-error-for="form" role="alert" hidden></p>
    <button type="submit" class="primary">保存修改</button>
  </form>`;
}

/** A mainland mobile as typed (13800000001, 138 0000 0001, +86…) in the E.164 form the API takes. */
function e164(phone) {
  const digits = phone.replace(/[\s-]/g, '');
  return /^1\d{10}$/.test(digits) ? `+86${digits}` : digits;
}

async function submitCaseEdit(form) {
  const f = new FormData(form);
  const before = state.caseShown;
  const changes = {};
  const name = String(f.get('guardianName') ?? '').trim();
  const phone = e164(String(f.get('guardianPhone') ?? '').trim());
  if (name && name !== (before.guardian?.name ?? '')) changes.guardianName = name;
  if (phone && phone !== (before.guardian?.phone ?? '')) changes.guardianPhone = phone;
  for (const k of ['whereabouts', 'reason']) {
    const v = String(f.get(k) ?? '').trim();
    if (v && v !== before[k]) changes[k] = v;
  }
  const teacherId = String(f.get('responsibleTeacher') ?? '');
  if (teacherId && teacherId !== before.responsibleTeacher?.personId) {
    const person = state.me.org.staff.find((p) => p.id === teacherId);
    changes.responsibleTeacher = { personId: teacherId, name: person?.name ?? teacherId };
  }
  for (const el of $$('.field-error', form)) {
    el.hidden = true;
    el.textContent = '';
  }
  if (Object.keys(changes).length === 0) return flash('没有需要保存的修改');
  try {
    await api('PATCH', `/api/cases/${form.dataset.case}`, { version: Number(form.dataset.version), ...changes });
    flash('案件信息已保存');
    await renderCase(form.dataset.case);
  } catch (e) {
    if (e.status === 409) return showFieldError(form, 'form', '案件已被他人修改，请刷新后重试');
    if (e.status === 400 && e.issues.length > 0) {
      for (const issue of e.issues) {
        const key = EDIT_FIELDS.find((k) => issue.field.split('.').includes(k)) ?? 'form';
        showFieldError(form, key, FIELD_HINT[key] ?? issue.reason);
      }
      return;
    }
    showFieldError(form, 'form', e.message);
  }
}

function showFieldError(form, key, text) {
  const el = $(`[data-error-for="${key}"]`, form);
  el.textContent = el.textContent ? `${el.textContent}；${text}` : text;
  el.hidden = false;
}

// ---- statistics (乡镇统计) and ledger exports ----
const STATS_COLUMNS = [
  ['reportsDue', '应报'],
  ['onTimeRate', '按时报送率'],
  ['casesOpened', '新立案'],
  ['casesReturned', '复学'],
  ['noticesLapsed', '通知书逾期'],
  ['townshipOrders', '乡镇责令（按期复学/逾期/其他结案/未结）'],
  ['casesOpenAtEnd', '期末在办'],
  ['medianDaysToReturn', '复学中位天数'],
  ['visits', '跟踪家访（完成/应访）'],
];

/** Township orders made in the period and where they stand: 3（1/1/0/1）. */
function orderText(r) {
  return `${r.townshipOrders}（${r.townshipOrdersReturned}/${r.townshipOrdersLapsed}/${r.townshipOrdersEnded}/${r.townshipOrdersOpen}）`;
}

function statsCell(row, key) {
  if (key === 'onTimeRate')
    return row.onTimeRate === null ? '—' : `${(Math.round(row.onTimeRate * 1000) / 10).toFixed(1)}%`;
  if (key === 'medianDaysToReturn') return row.medianDaysToReturn === null ? '—' : String(row.medianDaysToReturn);
  if (key === 'visits') return `${row.visitsDone}/${row.visitsDue}`;
  if (key === 'townshipOrders') return orderText(row);
  return String(row[key]);
}

function statsTable(rows, nameKey, idKey, label, clickable) {
  return `<div class="table-wrap"><table class="stats-table"><thead><tr><th>${label}</th>${STATS_COLUMNS.map(([, l]) => `<th>${l}</th>`).join('')}</tr></thead><tbody>${
    rows
      .map(
        (r) =>
          `<tr data-${idKey}="${esc(r[idKey === 'township' ? 'townshipId' : 'schoolId'])}"${clickable ? ' class="drill" tabindex="0"' : ''}><td>${esc(r[nameKey])}${clickable ? ' ›' : ''}</td>${STATS_COLUMNS.map(([k]) => `<td>${esc(statsCell(r, k))}</td>`).join('')}</tr>`,
      )
      .join('') || `<tr><td colspan="${STATS_COLUMNS.length + 1}">暂无数据</td></tr>`
  }</tbody></table></div>`;
}

/** CST calendar date of the server clock, shifted by whole days / to the first of the month. */
function cstToday(offsetDays = 0) {
  return new Date(serverNow() + 8 * 3_600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function statsPeriod(preset) {
  const today = cstToday();
  if (preset === 'last-month') {
    const first = new Date(`${today.slice(0, 7)}-01T00:00:00Z`);
    const lastOfPrev = new Date(first.getTime() - 86_400_000).toISOString().slice(0, 10);
    return { from: `${lastOfPrev.slice(0, 7)}-01`, to: lastOfPrev };
  }
  if (preset === 'last-30') return { from: cstToday(-29), to: today };
  return { from: `${today.slice(0, 7)}-01`, to: today };
}

async function renderStats(period) {
  const box = $('#stats');
  // Built once per signed-in person (another sign-in gets its own exports panel).
  if (box.dataset.for !== state.me.principal.personId) {
    box.dataset.for = state.me.principal.personId;
    const p = statsPeriod('this-month');
    box.innerHTML = `<form id="stats-form" class="panel stats-form">
  <div class="grid2">
    <label>开始日期 <input type="date" name="from" value="${p.from}" required></label>
    <label>结束日期 <input type="date" name="to" value="${p.to}" required></label>
  </div>
  <div class="actions">
    <button type="button" class="secondary" data-preset="this-month">本月</button>
    <button type="button" class="secondary" data-preset="last-month">上月</button>
    <button type="button" class="secondary" data-preset="last-30">近30天</button>
    <button type="submit" class="primary">查询</button>
  </div>
</form>
<div id="stats-result"></div>
<div id="stats-exports"></div>`;
    $('#stats-form').addEventListener('submit', (ev) => {
      ev.preventDefault();
      renderStats();
    });
    $('#stats-form').addEventListener('click', (ev) => {
      const b = ev.target.closest('button[data-preset]');
      if (!b) return;
      const p2 = statsPeriod(b.dataset.preset);
      $('#stats-form [name=from]').value = p2.from;
      $('#stats-form [name=to]').value = p2.to;
      renderStats();
    });
    $('#stats-result').addEventListener('click', (ev) => {
      const row = ev.target.closest('tr[data-township]');
      if (row) renderStatsSchools(row.dataset.township);
    });
    $('#stats-result').addEventListener('keydown', (ev) => {
      const row = ev.target.closest('tr[data-township]');
      if (row && ev.key === 'Enter') renderStatsSchools(row.dataset.township);
    });
    renderExports($('#stats-exports'));
  }
  const q = period ?? { from: $('#stats-form [name=from]').value, to: $('#stats-form [name=to]').value };
  const out = $('#stats-result');
  try {
    const data = await api('GET', `/api/statistics?${new URLSearchParams(q)}`);
    state.stats = data;
    const county = data.county
      ? `<p class="stats-county">全县：通知书逾期 ${data.county.noticesLapsed} 份；乡镇责令 ${data.county.townshipOrders} 份，其中按期复学 ${data.county.townshipOrdersReturned}、逾期未复学 ${data.county.townshipOrdersLapsed}、其他结案 ${data.county.townshipOrdersEnded}、未结 ${data.county.townshipOrdersOpen}</p>`
      : '';
    const head = `<p class="muted">统计期间：${esc(data.range.from)} 至 ${esc(data.range.to)}（截至 ${fmt(data.asOf)}）</p>${county}`;
    out.innerHTML =
      data.townships.length > 0
        ? `${head}<h3>各乡镇</h3><p class="muted">点击乡镇查看各校明细</p>${statsTable(data.townships, 'townshipName', 'township', '乡镇', true)}<div id="stats-schools"></div>`
        : `${head}<h3>本校</h3>${statsTable(data.schools, 'schoolName', 'school', '学校', false)}`;
  } catch (e) {
    out.innerHTML = `<p class="panel error" role="alert">${esc(e.message)}</p>`;
  }
}

function renderStatsSchools(townshipId) {
  const data = state.stats;
  if (!data) return;
  const t = data.townships.find((x) => x.townshipId === townshipId);
  const rows = data.schools.filter((s) => s.townshipId === townshipId);
  $$('#stats-result tr[data-township]').forEach((r) => {
    r.classList.toggle('selected', r.dataset.township === townshipId);
  });
  $('#stats-schools').innerHTML =
    `<h3>${esc(t?.townshipName ?? townshipId)} · 各校</h3>${statsTable(rows, 'schoolName', 'school', '学校', false)}`;
}

/** Ledger export buttons (CSV / XLSX) for the roles that may export; the file comes with the bearer token. */
function renderExports(container) {
  // Blank import templates: the office fills the directory, schools their 学籍花名册 (no personal data inside).
  const role = state.me?.principal?.role;
  const templates =
    role === 'office' || role === 'school-head'
      ? `<div class="panel exports"><h3>导入模板</h3><p class="muted">填写后用 npm run cli -- import-directory / import-roll / import-register 导入（先 --dry-run 查看差异）。</p>
  <div class="actions">
    ${role === 'office' ? '<button type="button" class="secondary" data-template="directory">组织名录模板 XLSX</button>' : ''}
    <button type="button" class="secondary" data-template="roll">学籍花名册模板 XLSX</button>
    ${role === 'office' ? '<button type="button" class="secondary" data-template="register">适龄儿童户籍名单模板 XLSX</button>' : ''}
  </div></div>`
      : '';
  if (!state.me?.may?.exportLedgers) {
    container.innerHTML = templates;
    bindTemplateButtons(container);
    return;
  }
  container.innerHTML = `<div class="panel exports"><h3>台账导出</h3><p class="muted">按您的管辖范围导出；本校及办公室以外的学生姓名已脱敏。每次导出均记录在查阅日志中。</p>
  <div class="actions">
    <button type="button" class="secondary" data-export="roster" data-format="csv">辍学学生花名册 CSV</button>
    <button type="button" class="secondary" data-export="roster" data-format="xlsx">辍学学生花名册 XLSX</button>
    <button type="button" class="secondary" data-export="cases" data-format="csv">案件台账 CSV</button>
    <button type="button" class="secondary" data-export="all" data-format="xlsx">全部台账 XLSX</button>
    <button type="button" class="secondary" data-roster-ledgers>三本台账（适龄儿童 / 疑似辍学 / 辍学）XLSX</button>
  </div></div>${templates}`;
  bindTemplateButtons(container);
  container.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-export]');
    if (b) downloadLedger(b.dataset.export, b.dataset.format);
    // 四查三比对's three ledgers (docs/rosters.md): scoped and masked by the API.
    if (ev.target.closest('button[data-roster-ledgers]'))
      downloadFile('/api/roster-ledgers?format=xlsx', 'roster-ledgers.xlsx');
  });
}

function bindTemplateButtons(container) {
  container.addEventListener('click', (ev) => {
    const b = ev.target.closest('button[data-template]');
    if (b) downloadFile(`/api/templates/${b.dataset.template}`, `template.xlsx`);
  });
}

function downloadLedger(ledger, format) {
  return downloadFile(`/api/exports/ledgers?${new URLSearchParams({ ledger, format })}`, `ledger.${format}`);
}

async function downloadFile(path, fallbackName) {
  try {
    const res = await fetch(path, {
      headers: state.token ? { authorization: `Bearer ${state.token}` } : {},
    });
    if (!res.ok) {
      const data = await res.json().catch(() => ({}));
      throw new Error(data.error?.message ?? `导出失败（${res.status}）`);
    }
    const cd = res.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(cd);
    const name = star ? decodeURIComponent(star[1]) : fallbackName;
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    flash(`已导出：${name}`);
  } catch (e) {
    flash(e.message, true);
  }
}

// ---- 家访任务: follow-up (保学), 送教上门 and 大家访 due list, visit form, 一人一案 record, campaign completion ----
const FU_KIND = { followup: '保学', 'send-teaching': '送教上门', household: '大家访' };
/** Who records visits: a teacher their own (the API lists only those), a head their school, the office all. */
const recordsVisits = () => ['teacher', 'school-head', 'office'].includes(state.me.principal.role);
/** Township contacts, 包片领导 and the office see completion of campaigns across schools. */
const seesCampaigns = () => ['township-contact', 'leader', 'office'].includes(state.me.principal.role);

function fuRows(data) {
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
    who: v.responsible.map((r) => r.name).join('、'),
  }));
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
  }));
  // Overdue first, then by due date.
  return [...visits, ...households].sort(
    (a, b) => Number(b.overdue) - Number(a.overdue) || a.dueDate.localeCompare(b.dueDate),
  );
}

/** Who took an escalated visit (or a school's late 大家访) on, with the note. */
function fuAckLine(r) {
  const a = r.acknowledged;
  if (!a) return '';
  return `<div class="row muted fu-ack">已由 ${esc(a.by)} 确认跟进（${fmt(a.at)}）${a.note ? `：${esc(a.note)}` : ''}，不再向上级上报</div>`;
}

/** Takes an escalated visit on (the school's head, the township's 包乡镇人员, the office; the API checks again). */
async function acknowledgeVisit(row) {
  const note = prompt('跟进说明（如：已督促教师本周补访）', '');
  if (note === null) return;
  try {
    await api('POST', `/api/followup/plans/${encodeURIComponent(row.planId)}/visits/${row.no}/acknowledge`, { note });
    flash('已确认跟进，该次走访不再向上级上报');
  } catch (e) {
    flash(e.message, true);
  }
  await renderFollowUp();
}

function fuClass(row) {
  if (row.overdue) return 'fu-overdue';
  return row.dueDate <= cstToday(3) ? 'fu-soon' : 'fu-later';
}

async function renderFollowUp() {
  const schoolId = $('#fu-school').value;
  const list = $('#fu-list');
  if (!schoolId) {
    list.innerHTML = '<p class="panel">您的管辖范围内没有学校。</p>';
    return;
  }
  const data = await api('GET', `/api/followup/due?${new URLSearchParams({ schoolId })}`);
  const rows = fuRows(data);
  state.fuRows = new Map(rows.map((r) => [r.key, r]));
  const head = `<p class="muted">${esc(data.schoolName)} · ${esc(data.range.from)} 至 ${esc(data.range.to)} 应访 ${rows.length} 项${data.masked ? '（学生姓名已脱敏）' : ''}</p>`;
  list.innerHTML =
    head +
    (rows
      .map(
        (r) => `<article class="case fu-item ${fuClass(r)}" data-fu="${esc(r.key)}">
  <div class="row"><strong>${esc(r.studentName)}</strong><span class="badge">${esc(FU_KIND[r.kind] ?? r.kind)}</span><span>${esc(r.what)}</span>${r.overdue ? '<span class="badge fu-late">已逾期</span>' : ''}${r.escalated ? '<span class="badge">已上报</span>' : ''}</div>
  <div class="row muted">应访日期 ${esc(r.dueDate)} · 截止 ${fmt(r.deadline)}${r.who ? ` · 负责：${esc(r.who)}` : ''}</div>
  ${fuAckLine(r)}
  <div class="actions">
    ${r.escalated && !r.acknowledged && r.mayAcknowledge ? '<button type="button" class="secondary" data-fu-act="ack">确认跟进</button>' : ''}
    ${recordsVisits() ? '<button type="button" class="secondary" data-fu-act="record">登记</button>' : ''}
    ${r.planId ? '<button type="button" class="secondary" data-fu-act="plan">一人一案</button>' : ''}
  </div></article>`,
      )
      .join('') || '<p class="panel">没有待完成的家访任务。</p>');
  await renderCreateForms(schoolId);
  if (seesCampaigns()) await renderCampaigns();
}

// ---- 新建送教上门计划 and 大家访名单 (school head of the school, or the office) ----
/** Heads create plans and lists for their own school, the office for any school (the API checks again). */
const createsPlans = (schoolId) => {
  const p = state.me.principal;
  return p.role === 'office' || (p.role === 'school-head' && p.schoolId === schoolId);
};
const ST_FIELDS = ['caseId', 'studentName', 'teacherIds', 'visitsPerMonth', 'content', 'from', 'to'];
const ST_HINT = {
  caseId: '案件编号不存在或不属于本校',
  studentName: '请填写学生姓名或案件编号',
  teacherIds: '请至少选择一名送教教师（须为本校教师）',
  visitsPerMonth: '每月次数须为 1–8 的整数，且不少于规定的最低次数',
  content: '请填写送教内容（500 字以内）',
  from: '请填写开始日期',
  to: '请填写结束日期（不早于开始日期）',
};
const newKey = (form) => {
  form.dataset.key = crypto.randomUUID();
};
const errField = (name) => `<span class="field-error" data-error-for="${name}" role="alert" hidden></span>`;
function clearErrors(form) {
  for (const el of $$('.field-error', form)) {
    el.hidden = true;
    el.textContent = '';
  }
}

async function renderCreateForms(schoolId) {
  const box = $('#fu-create');
  if (!createsPlans(schoolId)) {
    box.hidden = true;
    box.innerHTML = '';
    delete box.dataset.school;
    return;
  }
  box.hidden = false;
  if (box.dataset.school === schoolId) return; // keep what is being typed across due-list refreshes
  box.dataset.school = schoolId;
  const staff = state.me.org.staff.filter((p) => p.schoolId === schoolId);
  const checks =
    staff
      .map(
        (p) =>
          `<label class="check"><input type="checkbox" name="teacherIds" value="${esc(p.id)}"> ${esc(p.name)}</label>`,
      )
      .join('') || '<span class="muted">本校暂无教师</span>';
  const today = cstToday();
  const windows = await campaignWindowOptions().catch(() => '');
  box.innerHTML = `<details class="panel fu-new" id="st-panel">
    <summary>新建送教上门计划</summary>
    <form id="st-form" class="fu-new-form" data-key="${esc(crypto.randomUUID())}" novalidate>
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
        ? `<form id="hv-form" class="fu-new-form" data-key="${esc(crypto.randomUUID())}" novalidate>
      <label>时段 <select name="windowId">${windows}</select></label>
      <label>走访户（每行：学籍号 姓名 教师，教师填姓名或编号） <textarea name="households" rows="5" placeholder="G450000000001 测试学生甲 ${esc(staff[0]?.name ?? '教师姓名')}"></textarea>${errField('households')}</label>
      <p class="field-error" data-error-for="form" role="alert" hidden></p>
      <button type="submit" class="primary">提交名单</button>
    </form>`
        : '<p class="muted">尚未配置大家访时段</p>'
    }
  </details>`;
}

async function submitSendTeaching(form) {
  const f = new FormData(form);
  const schoolId = $('#fu-school').value;
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
  const need = (ok, key) => {
    if (!ok) {
      showFieldError(form, key, ST_HINT[key]);
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
  } catch (e) {
    if (e.status) newKey(form); // refused, nothing recorded: a corrected form is a new request
    if (e.status === 400 && e.issues.length > 0) {
      for (const issue of e.issues) {
        const key = ST_FIELDS.find((k) => String(issue.field).split('.').includes(k)) ?? 'form';
        showFieldError(form, key, ST_HINT[key] ?? issue.reason);
      }
    } else if (e.status === 404 && body.caseId) showFieldError(form, 'caseId', ST_HINT.caseId);
    else showFieldError(form, 'form', e.message);
  } finally {
    button.disabled = false;
  }
}

/** `学籍号 姓名 教师` lines → households; the teacher by name or id among the school's staff. */
function parseHouseholds(textValue, schoolId) {
  const staff = state.me.org.staff.filter((p) => p.schoolId === schoolId);
  const households = [];
  const errors = [];
  const lines = textValue.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (!line) continue;
    const [ref, studentName, teacher, ...rest] = line.split(/\s+/);
    if (!teacher || rest.length > 0) {
      errors.push(`第 ${i + 1} 行应为“学籍号 姓名 教师”`);
      continue;
    }
    const matches = staff.filter((p) => p.id === teacher || p.name === teacher);
    if (matches.length !== 1) {
      errors.push(`第 ${i + 1} 行：${matches.length ? '教师重名，请填教师编号' : `本校没有教师“${teacher}”`}`);
      continue;
    }
    households.push({ ref, studentName, teacherId: matches[0].id, line: i + 1 });
  }
  return { households, errors };
}

async function submitCampaign(form) {
  const f = new FormData(form);
  const schoolId = $('#fu-school').value;
  clearErrors(form);
  const { households, errors } = parseHouseholds(String(f.get('households') ?? ''), schoolId);
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
  } catch (e) {
    if (e.status) newKey(form);
    if (e.status === 409 && !String(e.message).includes('Idempotency'))
      return showFieldError(form, 'form', '该时段已有名单，不能更改');
    if (e.status === 400 && e.issues.length > 0) {
      const lines = e.issues.map((issue) => {
        const n = String(issue.field).match(/households\.(\d+)/);
        const h = n ? households[Number(n[1])] : undefined;
        return h ? `第 ${h.line} 行：${issue.field.endsWith('teacherId') ? '不是本校教师' : '内容有误'}` : issue.reason;
      });
      return showFieldError(form, 'households', lines.join('；'));
    }
    if (e.status === 404) return showFieldError(form, 'form', '该大家访时段不存在，请刷新后重试');
    showFieldError(form, 'form', e.message);
  } finally {
    button.disabled = false;
  }
}

function visitForm(row) {
  const content =
    row.kind === 'send-teaching'
      ? '<label>送教内容 <textarea name="content" rows="2" maxlength="500" required></textarea></label>'
      : '';
  return `<form class="fu-form" data-key="${esc(crypto.randomUUID())}">
    <label>走访日期 <input type="date" name="date" value="${cstToday()}" max="${cstToday()}" required></label>
    ${content}
    <label>情况记录 <textarea name="note" rows="2" maxlength="500"></textarea></label>
    <p class="field-error" role="alert" hidden></p>
    <div class="actions"><button type="submit" class="primary">提交登记</button><button type="button" class="secondary" data-fu-act="cancel">取消</button></div>
  </form>`;
}

async function submitVisit(form) {
  const row = state.fuRows.get(form.closest('[data-fu]').dataset.fu);
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
        `/api/followup/campaigns/${encodeURIComponent(row.windowId)}/${encodeURIComponent(row.schoolId)}/visits`,
        { ref: row.ref, visitedOn: date, ...(note ? { note } : {}) },
        form.dataset.key,
      );
    flash(`已登记：${row.studentName} ${FU_KIND[row.kind]}${row.planId ? ` ${row.what}` : ''}`);
    await renderFollowUp();
  } catch (e) {
    button.disabled = false;
    const el = $('.field-error', form);
    el.textContent = e.status === 409 ? '该次走访已被他人登记或状态已变化，请刷新后重试' : e.message;
    el.hidden = false;
  }
}

async function renderPlan(planId) {
  show('plan');
  const box = $('#plan-detail');
  box.innerHTML = '<p class="panel muted">加载中…</p>';
  const { plan, visits } = await api('GET', `/api/followup/plans/${encodeURIComponent(planId)}`);
  const cls = (v) =>
    v.status === 'done' ? 'plan-status-done' : v.statusLabel === '逾期未完成' ? 'plan-status-missed' : '';
  box.innerHTML = `<div class="panel">
    <h2>${esc(plan.studentName)} · ${esc(plan.kindLabel)}</h2>
    <p class="muted">${esc(plan.schoolName)} · ${esc(plan.townshipName)} · ${esc(plan.startsOn)} 至 ${esc(plan.endsOn)} · 负责教师：${esc(plan.responsible.map((r) => r.name).join('、'))}${plan.mentor ? ` · 结对帮扶：${esc(plan.mentor.name)}` : ''}</p>
    ${plan.content ? `<p>送教内容：${esc(plan.content)}</p>` : ''}
    <p>状态：${esc({ active: '进行中', completed: '已完成', reopened: '已重新立案', closed: '已结束' }[plan.status] ?? plan.status)} · 计划走访 ${visits.length} 次，已完成 ${visits.filter((v) => v.doneOn).length} 次</p>
    <h3>走访记录（一人一案）</h3>
    <div class="table-wrap"><table class="plan-visits"><thead><tr><th>次序</th><th>应访日期</th><th>状态</th><th>完成日期</th><th>走访人</th><th>内容 / 情况</th></tr></thead><tbody>${
      visits
        .map(
          (v) =>
            `<tr data-no="${v.no}"><td>${v.no}</td><td>${esc(v.dueDate)}</td><td class="${cls(v)}">${esc(v.statusLabel)}${v.escalated ? '（已上报）' : ''}${v.acknowledged ? `<div class="muted">${esc(v.acknowledged.by)} 已确认跟进</div>` : ''}</td><td>${esc(v.doneOn ?? '')}</td><td>${esc(v.doneBy?.name ?? '')}</td><td>${esc([v.content, v.note].filter(Boolean).join('；'))}</td></tr>`,
        )
        .join('') || '<tr><td colspan="6">暂无走访</td></tr>'
    }</tbody></table></div></div>`;
}

/** The configured 大家访 windows from the API (newest first); preselects the latest one already started. */
async function campaignWindowOptions() {
  const { windows } = await api('GET', '/api/followup/campaigns');
  const today = cstToday();
  const current = windows.find((w) => w.start <= today) ?? windows[windows.length - 1];
  return windows
    .map(
      (w) =>
        `<option value="${esc(w.id)}"${w === current ? ' selected' : ''}>${esc(w.name)}（${esc(w.start)} 至 ${esc(w.end)}）</option>`,
    )
    .join('');
}

async function renderCampaigns() {
  const box = $('#fu-campaigns');
  if (!box.dataset.built) {
    const options = await campaignWindowOptions();
    if (!options) {
      box.innerHTML = '<div class="panel"><h3>大家访完成情况</h3><p class="muted">尚未配置大家访时段</p></div>';
      return;
    }
    box.dataset.built = '1';
    box.innerHTML = `<div class="panel"><h3>大家访完成情况</h3><label>时段 <select id="fu-window">${options}</select></label><div id="fu-campaign-result"></div></div>`;
    $('#fu-window').addEventListener('change', () => renderCampaigns().catch((e) => flash(e.message, true)));
  }
  const out = $('#fu-campaign-result');
  try {
    const data = await api('GET', `/api/followup/campaigns/${encodeURIComponent($('#fu-window').value)}`);
    const rows = data.schools
      .map(
        (s) =>
          `<tr class="${s.late ? 'fu-overdue' : ''}" data-campaign-school="${esc(s.schoolId)}"><td>${esc(s.schoolName)}</td><td>${esc(s.townshipName)}</td><td>${s.done}/${s.total}</td><td>${s.late ? '已逾期' : s.done === s.total ? '已完成' : '进行中'}${s.escalated ? '（已上报）' : ''}${
            s.acknowledged
              ? `<div class="muted fu-ack">已由 ${esc(s.acknowledged.by)} 确认跟进（${fmt(s.acknowledged.at)}）${s.acknowledged.note ? `：${esc(s.acknowledged.note)}` : ''}</div>`
              : s.escalated && s.mayAcknowledge && s.done < s.total
                ? '<button type="button" class="secondary" data-campaign-act="ack">确认跟进</button>'
                : ''
          }</td></tr>`,
      )
      .join('');
    const without = data.withoutList.map((s) => esc(s.schoolName)).join('、');
    state.campaignWindow = data.window.id;
    out.innerHTML = `<p class="muted">${esc(data.window.start)} 至 ${esc(data.window.end)}</p><div class="table-wrap"><table><thead><tr><th>学校</th><th>乡镇</th><th>已访/应访</th><th>状态</th></tr></thead><tbody>${rows || '<tr><td colspan="4">暂无走访名单</td></tr>'}</tbody></table></div>${without ? `<p class="muted">未上报走访名单：${without}</p>` : ''}`;
  } catch (e) {
    out.innerHTML = `<p class="muted">${e.status === 404 ? '该时段未配置' : esc(e.message)}</p>`;
  }
}

// ---- forms ----
async function submitReport(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const notBack = String(f.get('notBack') ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [studentName, status] = l.split(/\s+/);
      return { studentName, status: status === '辍学' ? 'dropped-out' : 'not-returned' };
    });
  const count = (s) => notBack.filter((n) => n.status === s).length;
  try {
    const r = await api('POST', '/api/reports', {
      schoolId: f.get('schoolId'),
      cadence: f.get('cadence'),
      periodKey: f.get('periodKey'),
      submission: {
        counts: {
          enrolled: Number(f.get('enrolled')),
          returned: Number(f.get('returned')),
          notReturned: count('not-returned'),
          droppedOut: count('dropped-out'),
        },
        notBack,
      },
    });
    const k = r.cases;
    const cases =
      k && notBack.length > 0
        ? `；案件：新建 ${k.opened}、记入在办 ${k.fed}、重新打开 ${k.reopened}、此前已处理 ${k.unchanged}${k.ambiguous ? `，${k.ambiguous} 名学生对应多个案件，请人工核对` : ''}${k.opened ? '（新建案件请补充监护人信息）' : ''}`
        : '';
    flash(`报表已提交${r.onTime ? '（按时）' : '（迟报）'}${r.resubmission ? '，已覆盖前次填报' : ''}${cases}`);
  } catch (e) {
    flash(e.message, true);
  }
}

async function submitCase(ev) {
  ev.preventDefault();
  const f = new FormData(ev.target);
  const teacherSelect = $('#case-teacher');
  try {
    const phone = String(f.get('guardianPhone') ?? '').trim();
    const r = await api('POST', '/api/cases', {
      schoolId: f.get('schoolId'),
      studentName: f.get('studentName'),
      ...(f.get('grade') ? { grade: f.get('grade') } : {}),
      kind: f.get('kind'),
      reason: f.get('reason'),
      whereabouts: f.get('whereabouts'),
      responsibleTeacher: { personId: teacherSelect.value, name: teacherSelect.selectedOptions[0]?.textContent ?? '' },
      guardian: { name: f.get('guardianName'), ...(phone ? { phone } : {}) },
      povertyRegistered: f.get('povertyRegistered') === 'on',
    });
    ev.target.reset();
    // A returned pupil still in the 保学 follow-up window: the API reopened the same case (200 reopened).
    flash(r?.reopened ? '该学生复学后仍在跟踪期内，已恢复原案件（未新建案件）' : '案件已建立');
    await openTab('cases');
  } catch (e) {
    flash(e.message, true);
  }
}

// ---- wiring ----
$('#sign-in-button').addEventListener('click', signIn);
$('#sign-out').addEventListener('click', signOut);
for (const b of $$('[data-tab]')) b.addEventListener('click', () => openTab(b.dataset.tab));
$('#case-list').addEventListener('click', (ev) => {
  const button = ev.target.closest('button[data-act]');
  if (button) caseAction(button.closest('[data-case]').dataset.case, button.dataset.act);
});
$('#report-form').addEventListener('submit', submitReport);
$('#case-detail').addEventListener('click', (ev) => {
  const button = ev.target.closest('button[data-esc]');
  if (button) escalationAction(button);
});
$('#case-detail').addEventListener('submit', (ev) => {
  if (ev.target.id !== 'case-edit') return;
  ev.preventDefault();
  submitCaseEdit(ev.target);
});
$('#case-form').addEventListener('submit', submitCase);
$('#fu-school').addEventListener('change', () => openTab('followup'));
$('#fu-list').addEventListener('click', (ev) => {
  const b = ev.target.closest('button[data-fu-act]');
  if (!b) return;
  const item = b.closest('[data-fu]');
  const row = state.fuRows.get(item.dataset.fu);
  if (b.dataset.fuAct === 'plan') renderPlan(row.planId).catch((e) => flash(e.message, true));
  if (b.dataset.fuAct === 'ack') acknowledgeVisit(row).catch((e) => flash(e.message, true));
  if (b.dataset.fuAct === 'cancel') $('.fu-form', item)?.remove();
  if (b.dataset.fuAct === 'record' && !$('.fu-form', item)) {
    $('.actions', item).insertAdjacentHTML('afterend', visitForm(row));
    $('.fu-form input[name=date]', item).focus();
  }
});
$('#fu-list').addEventListener('submit', (ev) => {
  ev.preventDefault();
  submitVisit(ev.target);
});
$('#fu-campaigns').addEventListener('click', async (ev) => {
  const b = ev.target.closest('button[data-campaign-act="ack"]');
  if (!b) return;
  const schoolId = b.closest('[data-campaign-school]').dataset.campaignSchool;
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
    flash(e.message, true);
  }
  await renderCampaigns().catch((e) => flash(e.message, true));
});
$('#fu-create').addEventListener('submit', (ev) => {
  ev.preventDefault();
  if (ev.target.id === 'st-form') submitSendTeaching(ev.target);
  if (ev.target.id === 'hv-form') submitCampaign(ev.target);
});
$('#case-school').addEventListener('change', fillTeachers);
setInterval(tick, 1000);

if (state.token) start().catch(() => signOut());
else renderSignIn();

// ---- 数据导入: the upload wizard (template → file → 试运行 with the differences → 确认导入), docs/rosters.md ----
const UPLOAD_KINDS = {
  roll: { label: '学籍花名册', may: 'uploadRoll', template: 'roll', accept: '.xlsx,.csv' },
  register: { label: '适龄儿童户籍名单', may: 'uploadRegister', template: 'register', accept: '.xlsx,.csv' },
  directory: {
    label: '组织名录（责任学校一览表、领导名单、学校名单）',
    may: 'uploadDirectory',
    template: 'directory',
    accept: '.xlsx',
  },
};
const PHASE = { check: '检查', write: '写入', done: '完成', failed: '未完成' };
const UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
/** The wizard's state: the file read once, the dry run's answer, the key of the confirmation (a retry imports once). */
const upload = { kind: 'roll', file: null, content: null, dry: null, confirmKey: null };

function renderImports() {
  const may = state.me.may;
  const kinds = Object.entries(UPLOAD_KINDS).filter(([, k]) => may[k.may]);
  if (!kinds.some(([id]) => id === upload.kind)) upload.kind = kinds[0]?.[0];
  const p = state.me.principal;
  const schools = state.me.org.schools.filter((s) => p.role === 'office' || s.id === p.schoolId);
  const terms = state.me.calendar.terms ?? [];
  const k = UPLOAD_KINDS[upload.kind];
  $('#imports').innerHTML = `<div class="panel upload">
  <h3>数据导入</h3>
  <p class="muted">第 1 步 下载模板并填写；第 2 步 选择文件，先“检查”（试运行，不写入）查看差异和错误；第 3 步 确认导入。
  文件不超过 2 MB（约 1 万行）；全县的大文件请用 CLI（npm run cli -- import-roll …）。身份证号只保存摘要和后四位。</p>
  <form id="upload-form">
    <label>导入内容 <select name="kind">${kinds.map(([id, x]) => `<option value="${esc(id)}" ${id === upload.kind ? 'selected' : ''}>${esc(x.label)}</option>`).join('')}</select></label>
    ${
      upload.kind === 'roll'
        ? `<div class="grid2"><label>学校 <select name="schoolId">${schools.map((s) => `<option value="${esc(s.id)}">${esc(s.name)}</option>`).join('')}</select></label>
      <label>学期 <select name="term">${terms.map((t) => `<option>${esc(t)}</option>`).join('')}</select></label></div>`
        : upload.kind === 'register'
          ? `<label>乡镇 <select name="townshipId">${state.me.org.townships.map((t) => `<option value="${esc(t.id)}">${esc(t.name)}</option>`).join('')}</select></label>`
          : `<label class="check"><input type="checkbox" name="acceptMismatches"> 接受附件与成员名单之间的姓名差异（核对原文件后再勾选）</label>`
    }
    <div class="actions">
      <button type="button" class="secondary" data-template="${esc(k.template)}">下载模板 XLSX</button>
      <label class="file">选择文件 <input type="file" name="file" accept="${esc(k.accept)}"></label>
    </div>
    <div class="actions">
      <button type="submit" class="primary" name="check">检查（试运行）</button>
      <button type="button" class="primary" name="confirm" disabled>确认导入</button>
    </div>
    <div class="upload-progress" hidden><progress max="1" value="0"></progress> <span></span></div>
  </form>
  <div id="upload-result"></div>
</div>`;
  const form = $('#upload-form');
  bindTemplateButtons(form);
  form.kind.addEventListener('change', () => {
    upload.kind = form.kind.value;
    resetUpload();
    renderImports();
  });
  form.addEventListener('change', (ev) => {
    if (ev.target.name !== 'kind') resetUpload(ev.target.name !== 'file');
  });
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    runUpload(form, true);
  });
  form.confirm.addEventListener('click', () => runUpload(form, false));
}

/** Any change after a dry run asks for a new one (the confirmation must import what was checked). */
function resetUpload(keepFile = false) {
  if (!keepFile) Object.assign(upload, { file: null, content: null });
  Object.assign(upload, { dry: null, confirmKey: null });
  const form = $('#upload-form');
  if (form) form.confirm.disabled = true;
  const result = $('#upload-result');
  if (result) result.innerHTML = '';
}

function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('无法读取所选文件'));
    reader.readAsDataURL(file);
  });
}

function uploadBody(form, content, dryRun) {
  const base = { fileName: upload.file.name, content, dryRun };
  if (upload.kind === 'roll') return { ...base, schoolId: form.schoolId.value, term: form.term.value };
  if (upload.kind === 'register') return { ...base, townshipId: form.townshipId.value };
  return { ...base, acceptMismatches: form.acceptMismatches.checked };
}

async function runUpload(form, dryRun) {
  const file = form.file.files[0];
  const out = $('#upload-result');
  if (!file) return flash('请先选择文件', true);
  if (file.size > UPLOAD_MAX_BYTES) return flash('文件超过 2 MB：请按学校或乡镇拆分，或用 CLI 导入', true);
  const bar = $('.upload-progress', form);
  for (const b of [form.check, form.confirm]) b.disabled = true;
  // The dry run gets a new key each time; the confirmation keeps one, so a double click or a retry imports once.
  if (!dryRun && !upload.confirmKey) upload.confirmKey = crypto.randomUUID();
  const key = dryRun ? crypto.randomUUID() : upload.confirmKey;
  let polling = true;
  const poll = async () => {
    while (polling) {
      await new Promise((r) => setTimeout(r, 400));
      if (!polling) break;
      const p = await api('GET', `/api/uploads/${key}/progress`).catch(() => null);
      if (p && polling) showProgress(bar, p);
    }
  };
  try {
    bar.hidden = false;
    showProgress(bar, { phase: 'check', fraction: 0, rows: 0 });
    if (upload.file !== file) Object.assign(upload, { file, content: await readBase64(file) });
    poll();
    const result = await api('POST', `/api/uploads/${upload.kind}`, uploadBody(form, upload.content, dryRun), key);
    polling = false;
    showProgress(bar, { phase: 'done', fraction: 1, rows: result.rows ?? 0 });
    out.innerHTML = uploadResultHtml(result);
    if (dryRun) upload.dry = result;
    else Object.assign(upload, { dry: null, confirmKey: null });
    flash(dryRun ? '检查通过：请核对差异后确认导入' : '导入完成');
  } catch (e) {
    polling = false;
    showProgress(bar, { phase: 'failed', fraction: 1, rows: 0 });
    out.innerHTML = uploadErrorHtml(e);
    flash(e.status === 400 ? '文件有错误，未导入任何内容' : e.message, true);
  } finally {
    form.check.disabled = false;
    form.confirm.disabled = !upload.dry;
  }
}

function showProgress(bar, p) {
  $('progress', bar).value = p.fraction;
  $('span', bar).textContent =
    `${PHASE[p.phase] ?? p.phase} ${Math.round(p.fraction * 100)}%${p.rows ? `（${p.rows} 行）` : ''}`;
}

function uploadResultHtml(r) {
  const title = r.dryRun ? '试运行结果（尚未写入）' : r.written === false ? '没有变化' : '已导入';
  const summary =
    r.kind === 'roll'
      ? `<table class="upload-diff"><thead><tr><th>学校</th><th>人数</th><th>新增</th><th>变更</th><th>移出</th><th>未变</th></tr></thead><tbody>${r.schools
          .map(
            (s) =>
              `<tr><td>${esc(state.me.org.schools.find((x) => x.id === s.schoolId)?.name ?? s.schoolId)}</td><td>${s.rows}</td><td>${s.added}</td><td>${s.changed}</td><td>${s.removed}</td><td>${s.unchanged}</td></tr>`,
          )
          .join('')}</tbody></table>`
      : r.kind === 'register'
        ? `<p>共 ${r.rows} 人：新增 ${r.added}，变更 ${r.changed}，移出 ${r.removed}，未变 ${r.unchanged}</p>`
        : `<p>新增 ${r.added}，更新 ${r.updated}，停用 ${r.deactivated}，未变 ${r.unchanged}；姓名差异 ${r.mismatches} 处</p>`;
  return `<div class="panel"><h4>${esc(title)}</h4>${summary}<pre class="upload-lines">${esc((r.lines ?? []).join('\n'))}</pre></div>`;
}

function uploadErrorHtml(e) {
  const issues = e.issues ?? [];
  return `<div class="panel bad"><h4>未导入任何内容（数据库未改动）</h4>
  ${issues.length ? `<table class="upload-errors"><thead><tr><th>位置</th><th>问题</th></tr></thead><tbody>${issues.map((i) => `<tr><td>${esc(i.field)}</td><td>${esc(i.reason)}</td></tr>`).join('')}</tbody></table>` : ''}
  <pre class="upload-lines">${esc(e.details?.message ?? e.message)}</pre></div>`;
}
