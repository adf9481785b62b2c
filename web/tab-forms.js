// @ts-check
// 填报 and 新建案件: the report form and the new-case form.
import { api } from './api.js';
import { html, mount } from './render.js';
import { $, flash, me, message, nav } from './shared.js';

/**
 * `<option>`s of the schools.
 * @param {{ id: string, name: string }[]} items
 */
export const options = (items) => html`${items.map((s) => html`<option value="${s.id}">${s.name}</option>`)}`;

/** The teachers of the school picked in the new-case form. */
export function fillTeachers() {
  const schoolId = $('#case-school').value;
  mount($('#case-teacher'), options(me().org.staff.filter((p) => p.schoolId === schoolId)));
}

/**
 * `姓名 未返校|辍学` lines of the report form.
 * @param {string} text
 */
export function parseNotBack(text) {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [studentName, status] = l.split(/\s+/);
      return { studentName: studentName ?? '', status: status === '辍学' ? 'dropped-out' : 'not-returned' };
    });
}

/** @param {SubmitEvent} ev */
export async function submitReport(ev) {
  ev.preventDefault();
  const f = new FormData(/** @type {HTMLFormElement} */ (ev.target));
  const notBack = parseNotBack(String(f.get('notBack') ?? ''));
  /** @param {string} s */
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
    flash(message(e), true);
  }
}

/** @param {SubmitEvent} ev */
export async function submitCase(ev) {
  ev.preventDefault();
  const form = /** @type {HTMLFormElement} */ (ev.target);
  const f = new FormData(form);
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
    form.reset();
    // A returned pupil still in the 保学 follow-up window: the API reopened the same case (200 reopened).
    flash(r?.reopened ? '该学生复学后仍在跟踪期内，已恢复原案件（未新建案件）' : '案件已建立');
    await nav.openTab('cases');
  } catch (e) {
    flash(message(e), true);
  }
}
