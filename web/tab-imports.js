// @ts-check
// 数据导入: the upload wizard (template → file → 试运行 with the differences → 确认导入), docs/rosters.md.
import { api, bindTemplateButtons } from './api.js';
import { html, mount } from './render.js';
import { $, $maybe, flash, me, message } from './shared.js';

/** @type {Record<string, { label: string, may: string, template: string, accept: string }>} */
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
/** @type {Record<string, string>} */
const PHASE = { check: '检查', write: '写入', done: '完成', failed: '未完成' };
const UPLOAD_MAX_BYTES = 2 * 1024 * 1024;
/**
 * The wizard's state: the file read once, the dry run's answer, the key of the confirmation (a retry imports once).
 * @type {{ kind: string, file: File | null, content: string | null, dry: any, confirmKey: string | null }}
 */
const upload = { kind: 'roll', file: null, content: null, dry: null, confirmKey: null };

/**
 * The kind to show: the one chosen when the viewer may upload it, else the first they may, else the roll.
 * @param {Record<string, boolean>} may
 * @param {string} kind
 */
export function allowedKind(may, kind) {
  const kinds = Object.entries(UPLOAD_KINDS).filter(([, k]) => may[k.may]);
  return kinds.some(([id]) => id === kind) ? kind : (kinds[0]?.[0] ?? 'roll');
}

/**
 * The wizard's state after a change: the dry run and the confirmation key are dropped (a new dry run is needed);
 * the file read too unless `keepFile`.
 * @param {typeof upload} u
 * @param {boolean} keepFile
 * @returns {typeof upload}
 */
export function afterChange(u, keepFile) {
  return { ...u, ...(keepFile ? {} : { file: null, content: null }), dry: null, confirmKey: null };
}

/**
 * The Idempotency-Key of an upload request, and the state that keeps it: a dry run gets a new key each time; the
 * confirmation keeps one until it succeeds, so a double click or a retry imports once.
 * @param {typeof upload} u
 * @param {boolean} dryRun
 * @param {() => string} newId
 * @returns {{ key: string, next: typeof upload }}
 */
export function requestKey(u, dryRun, newId) {
  if (dryRun) return { key: newId(), next: u };
  const key = u.confirmKey ?? newId();
  return { key, next: { ...u, confirmKey: key } };
}

/**
 * The wizard's state after an upload succeeded: a dry run is kept (it enables the confirmation), an import clears
 * the dry run and the key.
 * @param {typeof upload} u
 * @param {boolean} dryRun
 * @param {any} result
 * @returns {typeof upload}
 */
export function afterResult(u, dryRun, result) {
  return dryRun ? { ...u, dry: result } : { ...u, dry: null, confirmKey: null };
}

/**
 * The wizard form for the kinds the viewer may upload.
 * @param {import('./shared.js').Me} m
 * @param {string} kind
 */
export function importsHtml(m, kind) {
  const kinds = Object.entries(UPLOAD_KINDS).filter(([, k]) => m.may[k.may]);
  const p = m.principal;
  const schools = m.org.schools.filter((s) => p.role === 'office' || s.id === p.schoolId);
  const terms = m.calendar?.terms ?? [];
  const k = UPLOAD_KINDS[kind] ?? UPLOAD_KINDS.roll;
  const scope =
    kind === 'roll'
      ? html`<div class="grid2"><label>学校 <select name="schoolId">${schools.map((s) => html`<option value="${s.id}">${s.name}</option>`)}</select></label>
      <label>学期 <select name="term">${terms.map((t) => html`<option>${t}</option>`)}</select></label></div>`
      : kind === 'register'
        ? html`<label>乡镇 <select name="townshipId">${m.org.townships.map((t) => html`<option value="${t.id}">${t.name}</option>`)}</select></label>`
        : html`<label class="check"><input type="checkbox" name="acceptMismatches"> 接受附件与成员名单之间的姓名差异（核对原文件后再勾选）</label>`;
  return html`<div class="panel upload">
  <h3>数据导入</h3>
  <p class="muted">第 1 步 下载模板并填写；第 2 步 选择文件，先“检查”（试运行，不写入）查看差异和错误；第 3 步 确认导入。
  文件不超过 2 MB（约 1 万行）；全县的大文件请用 CLI（npm run cli -- import-roll …）。身份证号只保存摘要和后四位。</p>
  <form id="upload-form">
    <label>导入内容 <select name="kind">${kinds.map(([id, x]) => html`<option value="${id}" ${id === kind ? 'selected' : ''}>${x.label}</option>`)}</select></label>
    ${scope}
    <div class="actions">
      <button type="button" class="secondary" data-template="${k?.template}">下载模板 XLSX</button>
      <label class="file">选择文件 <input type="file" name="file" accept="${k?.accept}"></label>
    </div>
    <div class="actions">
      <button type="submit" class="primary" name="check">检查（试运行）</button>
      <button type="button" class="primary" name="confirm" disabled>确认导入</button>
    </div>
    <div class="upload-progress" hidden><progress max="1" value="0"></progress> <span></span></div>
  </form>
  <div id="upload-result"></div>
</div>`;
}

export function renderImports() {
  const m = me();
  upload.kind = allowedKind(m.may, upload.kind);
  mount($('#imports'), importsHtml(m, upload.kind));
  const form = $('#upload-form');
  bindTemplateButtons(form);
  form.kind.addEventListener('change', () => {
    upload.kind = form.kind.value;
    resetUpload();
    renderImports();
  });
  form.addEventListener('change', (/** @type {Event} */ ev) => {
    const name = /** @type {HTMLInputElement} */ (ev.target).name;
    if (name !== 'kind') resetUpload(name !== 'file');
  });
  form.addEventListener('submit', (/** @type {Event} */ ev) => {
    ev.preventDefault();
    runUpload(form, true);
  });
  form.confirm.addEventListener('click', () => runUpload(form, false));
}

/**
 * Any change after a dry run asks for a new one (the confirmation must import what was checked).
 * @param {boolean} [keepFile]
 */
function resetUpload(keepFile = false) {
  Object.assign(upload, afterChange(upload, keepFile));
  const form = $maybe('#upload-form');
  if (form) form.confirm.disabled = true;
  const result = $maybe('#upload-result');
  if (result) mount(result, html``);
}

/** @param {File} file */
function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).replace(/^data:[^,]*,/, ''));
    reader.onerror = () => reject(new Error('无法读取所选文件'));
    reader.readAsDataURL(file);
  });
}

/**
 * @param {any} form
 * @param {string | null} content
 * @param {boolean} dryRun
 */
function uploadBody(form, content, dryRun) {
  const base = { fileName: upload.file?.name, content, dryRun };
  if (upload.kind === 'roll') return { ...base, schoolId: form.schoolId.value, term: form.term.value };
  if (upload.kind === 'register') return { ...base, townshipId: form.townshipId.value };
  return { ...base, acceptMismatches: form.acceptMismatches.checked };
}

/**
 * @param {any} form
 * @param {boolean} dryRun
 */
async function runUpload(form, dryRun) {
  const file = form.file.files[0];
  const out = $('#upload-result');
  if (!file) return flash('请先选择文件', true);
  if (file.size > UPLOAD_MAX_BYTES) return flash('文件超过 2 MB：请按学校或乡镇拆分，或用 CLI 导入', true);
  const bar = $('.upload-progress', form);
  for (const b of [form.check, form.confirm]) b.disabled = true;
  // The dry run gets a new key each time; the confirmation keeps one, so a double click or a retry imports once.
  const { key, next } = requestKey(upload, dryRun, () => crypto.randomUUID());
  Object.assign(upload, next);
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
    mount(out, uploadResultHtml(result, me().org.schools));
    Object.assign(upload, afterResult(upload, dryRun, result));
    flash(dryRun ? '检查通过：请核对差异后确认导入' : '导入完成');
  } catch (err) {
    const e = /** @type {any} */ (err);
    polling = false;
    showProgress(bar, { phase: 'failed', fraction: 1, rows: 0 });
    mount(out, uploadErrorHtml(e));
    flash(e.status === 400 ? '文件有错误，未导入任何内容' : message(e), true);
  } finally {
    form.check.disabled = false;
    form.confirm.disabled = !upload.dry;
  }
}

/**
 * @param {HTMLElement} bar
 * @param {{ phase: string, fraction: number, rows?: number }} p
 */
function showProgress(bar, p) {
  $('progress', bar).value = p.fraction;
  $('span', bar).textContent = progressText(p);
}

/** @param {{ phase: string, fraction: number, rows?: number }} p */
export function progressText(p) {
  return `${PHASE[p.phase] ?? p.phase} ${Math.round(p.fraction * 100)}%${p.rows ? `（${p.rows} 行）` : ''}`;
}

/**
 * The dry run's or the import's answer.
 * @param {any} r
 * @param {{ id: string, name: string }[]} schools
 */
export function uploadResultHtml(r, schools) {
  const title = r.dryRun ? '试运行结果（尚未写入）' : r.written === false ? '没有变化' : '已导入';
  const summary =
    r.kind === 'roll'
      ? html`<table class="upload-diff"><thead><tr><th>学校</th><th>人数</th><th>新增</th><th>变更</th><th>移出</th><th>未变</th></tr></thead><tbody>${r.schools.map(
          (/** @type {any} */ s) =>
            html`<tr><td>${schools.find((x) => x.id === s.schoolId)?.name ?? s.schoolId}</td><td>${s.rows}</td><td>${s.added}</td><td>${s.changed}</td><td>${s.removed}</td><td>${s.unchanged}</td></tr>`,
        )}</tbody></table>`
      : r.kind === 'register'
        ? html`<p>共 ${r.rows} 人：新增 ${r.added}，变更 ${r.changed}，移出 ${r.removed}，未变 ${r.unchanged}</p>`
        : html`<p>新增 ${r.added}，更新 ${r.updated}，停用 ${r.deactivated}，未变 ${r.unchanged}；姓名差异 ${r.mismatches} 处</p>`;
  return html`<div class="panel"><h4>${title}</h4>${summary}<pre class="upload-lines">${(r.lines ?? []).join('\n')}</pre></div>`;
}

/** @param {any} e */
export function uploadErrorHtml(e) {
  const issues = e.issues ?? [];
  return html`<div class="panel bad"><h4>未导入任何内容（数据库未改动）</h4>
  ${issues.length ? html`<table class="upload-errors"><thead><tr><th>位置</th><th>问题</th></tr></thead><tbody>${issues.map((/** @type {any} */ i) => html`<tr><td>${i.field}</td><td>${i.reason}</td></tr>`)}</tbody></table>` : ''}
  <pre class="upload-lines">${e.details?.message ?? e.message}</pre></div>`;
}
