// Zod's messages in Chinese for every schema of the process: installed wherever errors are mapped.
import './zod-messages.ts';
import { basename } from 'node:path';
import type { CellIssue } from './tabular.ts';

/**
 * Every named error of the system, in one module. A DomainError carries its HTTP status (its `status` getter), its
 * code and its Chinese message; the API maps any DomainError by those alone (functions/api/http.ts `errorReply`),
 * anything else is a generic 500. The errors after the DomainError family are internal: they never reach a client
 * as such (the caller maps, retries or prints them).
 */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** Extra fields the API puts beside code and message (e.g. the dates an issuer must confirm). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = new.target.name;
  }

  /**
   * The HTTP status the API answers with: 422 (a well-formed request the rules refuse) unless the class says
   * otherwise. A getter, not a static field, so bundles drop the error classes they never use.
   */
  get status(): number {
    return 422;
  }

  /** Fields the API's error body holds beside `code` and `message`. */
  responseFields(): Record<string, unknown> {
    return this.details ?? {};
  }
}

/**
 * An HTTP-level refusal that is not a rule of the domain (401 without a token, 404 for an unknown path, 405, 409/422
 * on an Idempotency-Key, 403 for a person without a role): its status is the instance's.
 */
export class HttpError extends DomainError {
  constructor(
    private readonly httpStatus: number,
    code: string,
    message: string,
    details?: Record<string, unknown>,
  ) {
    super(message, code, details);
  }

  override get status(): number {
    return this.httpStatus;
  }
}

/** Input failed validation: names the field and the reason. */
export class ValidationError extends DomainError {
  override get status(): number {
    return 400;
  }

  constructor(
    readonly issues: { field: string; reason: string }[],
    message = issues.map((i) => `${i.field}: ${i.reason}`).join('; '),
  ) {
    super(message, 'VALIDATION');
  }

  override responseFields(): Record<string, unknown> {
    return { issues: this.issues };
  }
}

/** A file of rows with bad rows (名册, 户籍名单): nothing was written; `issues` the first ones, `total` all. */
function rejectedRows(what: string, issues: readonly CellIssue[], total: number): string {
  return [
    `${what}有 ${total} 处错误，未导入任何内容（数据库未改动）：`,
    ...issues.map((i) => `  - ${i.field}：${i.reason}`),
    ...(total > issues.length ? [`  …另有 ${total - issues.length} 处错误未列出`] : []),
  ].join('\n');
}

/** The roll (名册) file has bad rows: nothing was written. `issues` holds the first ones, `total` counts them all. */
export class RollRejectedError extends ValidationError {
  constructor(
    issues: CellIssue[],
    readonly total: number,
  ) {
    super(issues, rejectedRows('名册', issues, total));
  }
}

/** The household register (户籍名单) file has bad rows: nothing was written. */
export class RegisterRejectedError extends ValidationError {
  constructor(
    issues: CellIssue[],
    readonly total: number,
  ) {
    super(issues, rejectedRows('户籍名单', issues, total));
  }
}

/** Entities, states and actions of an InvalidTransitionError as officials read them (the codes follow). */
const LABEL: Record<string, string> = {
  case: '案件',
  plan: '计划',
  visit: '该次走访',
  household: '该户',
  opened: '已登记',
  persuading: '劝返中',
  'notice-issued': '已发通知书',
  lapsed: '通知书逾期',
  escalated: '已上报乡镇',
  returned: '已复学',
  exempted: '已批准缓学/免学',
  transferred: '已转出',
  suspended: '休学',
  active: '进行中',
  completed: '已完成',
  reopened: '已重新跟踪',
  closed: '已关闭',
  done: '已完成',
  visited: '已走访',
  cancelled: '已取消',
  'log-visit': '登记家访',
  'issue-notice': '发出通知书',
  lapse: '记为逾期',
  escalate: '上报',
  'record-return': '登记复学',
  'record-exemption': '登记缓学/免学',
  'record-transfer': '登记转出',
  'record-suspension': '登记休学',
  'record-transfer-out': '登记转出',
  'record-transfer-in': '登记转入',
  'record-suspension-change': '登记休学',
  'record-resumption': '登记复学',
  'record-dropout': '登记辍学',
  reopen: '重新开案',
  update: '修改',
  close: '关闭',
  record: '登记',
  'record a visit': '登记走访',
  'record a visit (none pending)': '登记走访（没有待完成的走访）',
};

/** What a NotFoundError names, as officials read it. */
const WHAT: Record<string, string> = {
  case: '案件',
  'report slot': '报表',
  'escalation level': '该级催报',
  school: '学校',
  township: '乡镇',
  person: '人员',
  plan: '计划',
  campaign: '大家访名单',
  'campaign window': '大家访时段',
  notice: '通知书',
  slot: '报表',
  message: '短信',
  candidate: '比对结果',
  upload: '上传记录',
  'dropout-entry': '辍学台账记录',
};

export class NotFoundError extends DomainError {
  override get status(): number {
    return 404;
  }

  constructor(what: string, id: string) {
    super(`未找到${WHAT[what] ?? what}：${id}`, 'NOT_FOUND');
  }
}

/** A state transition that the lifecycle does not allow from the current state. */
export class InvalidTransitionError extends DomainError {
  override get status(): number {
    return 409;
  }

  constructor(
    readonly entity: string,
    readonly from: string,
    readonly attempted: string,
  ) {
    super(
      `${LABEL[entity] ?? entity}当前为「${LABEL[from] ?? from}」，不能${LABEL[attempted] ?? attempted}` +
        `（${entity}: ${attempted} from ${from}）`,
      'INVALID_TRANSITION',
    );
  }
}

/** Someone else changed the item first (optimistic concurrency): reload and decide again. */
export class ConcurrentUpdateError extends DomainError {
  override get status(): number {
    return 409;
  }

  constructor(what: string) {
    super(`${what} 已被他人修改，请刷新后重试`, 'CONFLICT');
  }
}

/**
 * The pupil already has an open case (the same 学籍号 anywhere in the county, else the same name + grade at the
 * school): a second case is refused (409) naming the existing one; the caller continues there, or confirms a
 * different pupil of the same name (no 学籍号).
 */
export class DuplicateCaseError extends DomainError {
  override get status(): number {
    return 409;
  }

  constructor(readonly existingCaseIds: readonly string[]) {
    super(
      `该学生已有未结案的案件 ${existingCaseIds.join('、')}（按学籍号或姓名+年级匹配），请在原案件中继续处理；` +
        '如确为同名的另一名学生，请确认后再开案（allowDuplicate）',
      'DUPLICATE_CASE',
    );
  }

  override responseFields(): Record<string, unknown> {
    return { existingCaseId: this.existingCaseIds[0], existingCaseIds: this.existingCaseIds };
  }
}

/**
 * The pupil already has an active plan of this kind (保学 follow-up or 送教上门 一人一案: one per pupil); a second is
 * refused (409) naming the existing one.
 */
export class DuplicatePlanError extends DomainError {
  override get status(): number {
    return 409;
  }

  constructor(
    readonly kind: 'followup' | 'send-teaching',
    readonly existingPlanId: string,
  ) {
    super(
      `该学生已有进行中的${kind === 'followup' ? '保学跟踪' : '送教上门'}计划 ${existingPlanId}，请在原计划中继续登记，不要重复创建`,
      'DUPLICATE_PLAN',
    );
  }

  override responseFields(): Record<string, unknown> {
    return { existingPlanId: this.existingPlanId };
  }
}

/** The school calendar has no national data for a year (no year file, no chinese-days data): it refuses to guess. */
export class CalendarNotCoveredError extends DomainError {
  constructor(readonly year: number) {
    super(
      `缺少 ${year} 年国家节假日数据（config/holidays/${year}.json 不存在，chinese-days 也没有该年数据），系统不会猜测上课日。` +
        `请按国务院办公厅的节假日安排通知添加该文件，并运行 npm run cli -- calendar check ${year} 核对`,
      'CALENDAR_NOT_COVERED',
    );
  }
}

/** A date after the last configured term: the bureau has not said whether school is on, so nothing is guessed. */
export class TermNotConfiguredError extends DomainError {
  constructor(
    readonly date: string,
    readonly lastTermEnd: string,
  ) {
    super(
      `${date} 在已配置的最后一个学期（止于 ${lastTermEnd}）之后，尚未配置学期，无法判定是否上课。` +
        '请在 config 的 calendar.terms 中添加新学期，并运行 npm run cli -- calendar show 核对',
      'TERM_NOT_CONFIGURED',
    );
  }
}

export class ForbiddenError extends DomainError {
  override get status(): number {
    return 403;
  }

  constructor(reason: string) {
    super(reason, 'FORBIDDEN');
  }
}

/** Turns zod issues into a ValidationError naming each field. */
export function fromZodIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: readonly string[] }[],
  prefix = '',
): ValidationError {
  const field = (path: readonly PropertyKey[]) => [prefix, ...path.map(String)].filter(Boolean).join('.') || '(root)';
  return new ValidationError(
    issues.flatMap((i) =>
      // An unknown key is named as the field itself (`body.__proto__`), one issue per key.
      i.code === 'unrecognized_keys' && i.keys?.length
        ? i.keys.map((k) => ({ field: field([...i.path, k]), reason: '不允许的字段' }))
        : [{ field: field(i.path), reason: i.message }],
    ),
  );
}

/**
 * Issuing the notice now would put its dates where nobody may act on them (issued outside term, the return
 * deadline or the guardian's reminder on a day without school): the issuer sees the dates and confirms.
 */
export class NoticeNeedsConfirmationError extends DomainError {
  constructor(
    readonly warnings: readonly string[],
    dates: { issuedAt: string; deadline: string; reminderAt?: string },
  ) {
    super(
      `请确认后再发出通知书：${warnings.join('；')}。确认无误请重新提交并注明 confirm: true`,
      'NOTICE_NEEDS_CONFIRMATION',
      { warnings, ...dates },
    );
  }
}

/**
 * The request conflicts with the record's state (409), e.g. a receipt for a notice that is no longer running, or a
 * second, different receipt for one notice. The message says what to do instead.
 */
export class StateConflictError extends DomainError {
  override get status(): number {
    return 409;
  }
}

/** A guard of a transaction failed: which item (its index in the transaction), for callers that map it further. */
export class TransactionConditionFailed extends ConcurrentUpdateError {
  constructor(
    what: string,
    readonly index: number,
  ) {
    super(what);
  }
}

// Internal errors: not DomainErrors, so a client that ever met one would get the generic 500.

/** Why an SMS send failed: transient errors are retried, permanent ones mark the message FAILED. */
export class SmsSendError extends Error {
  constructor(
    message: string,
    readonly kind: 'transient' | 'permanent',
    readonly providerCode?: string,
    /** Do not retry before this instant (a provider's daily cap: the next day). */
    readonly retryNotBefore?: Date,
  ) {
    super(message);
    this.name = 'SmsSendError';
  }
}

/** A transient failure that must fail the stream record (partial batch response); the message is requeued. */
export class TransientDispatchError extends Error {
  constructor(
    readonly messageId: string,
    readonly retryAt: string,
    cause: string,
  ) {
    super(`message ${messageId}: transient send failure, retry at ${retryAt}: ${cause}`);
    this.name = 'TransientDispatchError';
  }
}

/** The existing schedule under this name is not the one we asked for: never silently accept it. */
export class TimerConflictError extends Error {
  constructor(name: string, existing: string | undefined, wanted: string) {
    super(`schedule ${name} exists with ${existing ?? 'no expression'}, expected ${wanted}`);
    this.name = 'TimerConflictError';
  }
}

/** The cross-check candidate was decided (or changed) by someone else first. */
export class CandidateTakenError extends Error {
  constructor(readonly candidateId: string) {
    super(`candidate ${candidateId} changed meanwhile`);
    this.name = 'CandidateTakenError';
  }
}

/** An uploaded sheet that is neither .xlsx nor .csv (the message is the operator's). */
export class UnsupportedFileError extends Error {
  constructor(readonly path: string) {
    super(`不支持的文件类型：${basename(path)}（请上传 .xlsx 或 .csv 文件；.xls 请先在 Excel 中另存为 .xlsx）`);
    this.name = 'UnsupportedFileError';
  }
}

/** One problem of a year file, with the entry it is about, in Chinese for the bureau's operator. */
export interface HolidayFileIssue {
  /** e.g. `days[3].date`, or `year`. */
  field: string;
  /** The entry's date when the issue is about a day (helps find it in the notice). */
  date?: string;
  reason: string;
}

/** A national holiday year file that cannot be used: names the file, each bad entry and the reason. */
export class HolidayFileError extends Error {
  constructor(
    readonly source: string,
    readonly issues: readonly HolidayFileIssue[],
  ) {
    super(
      `节假日文件 ${source} 有 ${issues.length} 处错误：\n` +
        issues.map((i) => `  - ${i.field}${i.date ? `（${i.date}）` : ''}：${i.reason}`).join('\n'),
    );
    this.name = 'HolidayFileError';
  }
}

/** The directory template's sheets themselves are unusable (missing sheet or column, two chiefs, bad 办公室 value). */
export class TemplateIssues extends Error {
  constructor(readonly issues: CellIssue[]) {
    super(issues.map((i) => `${i.field}：${i.reason}`).join('\n'));
    this.name = 'TemplateIssues';
  }

  /** What the operator reads (CLI, console upload): the count, that nothing was imported, each cell's problem. */
  operatorText(): string {
    return [
      `目录模板有 ${this.issues.length} 处错误，未导入任何内容：`,
      ...this.issues.map((i) => `  - ${i.field}：${i.reason}`),
    ].join('\n');
  }
}
