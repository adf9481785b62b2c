import { describe, expect, it } from 'vitest';
import { errorReply } from '../../functions/api/http.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import * as errors from '../../shared/domain/errors.ts';
import {
  CalendarNotCoveredError,
  CandidateTakenError,
  ConcurrentUpdateError,
  DomainError,
  DuplicateCaseError,
  DuplicatePlanError,
  ForbiddenError,
  HolidayFileError,
  HttpError,
  InvalidTransitionError,
  NotFoundError,
  NoticeNeedsConfirmationError,
  RegisterRejectedError,
  RollRejectedError,
  SmsSendError,
  StateConflictError,
  TemplateIssues,
  TermNotConfiguredError,
  TimerConflictError,
  TransactionConditionFailed,
  TransientDispatchError,
  UnsupportedFileError,
  ValidationError,
} from '../../shared/domain/errors.ts';
import { NameMismatchError } from '../../shared/use-cases/import-directory.ts';

/** Every DomainError class, one instance each, with the status, code and message the API answers with. */
const catalogue: { error: DomainError; status: number; code: string; message: string | RegExp; fields?: object }[] = [
  {
    error: new ValidationError([{ field: 'body.name', reason: '不能为空' }]),
    status: 400,
    code: 'VALIDATION',
    message: 'body.name: 不能为空',
    fields: { issues: [{ field: 'body.name', reason: '不能为空' }] },
  },
  {
    error: new RollRejectedError([{ field: '第 3 行 学籍号', reason: '格式不对' }], 4),
    status: 400,
    code: 'VALIDATION',
    message: '名册有 4 处错误，未导入任何内容（数据库未改动）：\n  - 第 3 行 学籍号：格式不对\n  …另有 3 处错误未列出',
    fields: { issues: [{ field: '第 3 行 学籍号', reason: '格式不对' }] },
  },
  {
    error: new RegisterRejectedError([{ field: '第 2 行 姓名', reason: '不能为空' }], 1),
    status: 400,
    code: 'VALIDATION',
    message: '户籍名单有 1 处错误，未导入任何内容（数据库未改动）：\n  - 第 2 行 姓名：不能为空',
    fields: { issues: [{ field: '第 2 行 姓名', reason: '不能为空' }] },
  },
  { error: new ForbiddenError('无权查看该学校'), status: 403, code: 'FORBIDDEN', message: '无权查看该学校' },
  { error: new NotFoundError('case', 'c-1'), status: 404, code: 'NOT_FOUND', message: '未找到案件：c-1' },
  { error: new NotFoundError('widget', 'w-1'), status: 404, code: 'NOT_FOUND', message: '未找到widget：w-1' },
  {
    error: new InvalidTransitionError('case', 'returned', 'issue-notice'),
    status: 409,
    code: 'INVALID_TRANSITION',
    message: '案件当前为「已复学」，不能发出通知书（case: issue-notice from returned）',
  },
  {
    error: new ConcurrentUpdateError('案件 c-1'),
    status: 409,
    code: 'CONFLICT',
    message: '案件 c-1 已被他人修改，请刷新后重试',
  },
  {
    error: new TransactionConditionFailed('案件 c-1', 2),
    status: 409,
    code: 'CONFLICT',
    message: '案件 c-1 已被他人修改，请刷新后重试',
  },
  {
    error: new DuplicateCaseError(['c-1', 'c-2']),
    status: 409,
    code: 'DUPLICATE_CASE',
    message: /^该学生已有未结案的案件 c-1、c-2（按学籍号或姓名\+年级匹配）/,
    fields: { existingCaseId: 'c-1', existingCaseIds: ['c-1', 'c-2'] },
  },
  {
    error: new DuplicatePlanError('send-teaching', 'p-1'),
    status: 409,
    code: 'DUPLICATE_PLAN',
    message: '该学生已有进行中的送教上门计划 p-1，请在原计划中继续登记，不要重复创建',
    fields: { existingPlanId: 'p-1' },
  },
  {
    error: new StateConflictError('该比对结果刚被他人核查，请刷新后查看', 'ALREADY_DECIDED'),
    status: 409,
    code: 'ALREADY_DECIDED',
    message: '该比对结果刚被他人核查，请刷新后查看',
  },
  {
    error: new CalendarNotCoveredError(2031),
    status: 422,
    code: 'CALENDAR_NOT_COVERED',
    message: /^缺少 2031 年国家节假日数据/,
  },
  {
    error: new TermNotConfiguredError('2031-09-01', '2031-07-10'),
    status: 422,
    code: 'TERM_NOT_CONFIGURED',
    message: /^2031-09-01 在已配置的最后一个学期（止于 2031-07-10）之后/,
  },
  {
    error: new NoticeNeedsConfirmationError(['期限落在假期'], { issuedAt: 'a', deadline: 'b' }),
    status: 422,
    code: 'NOTICE_NEEDS_CONFIRMATION',
    message: '请确认后再发出通知书：期限落在假期。确认无误请重新提交并注明 confirm: true',
    fields: { warnings: ['期限落在假期'], issuedAt: 'a', deadline: 'b' },
  },
  {
    error: new NameMismatchError([]),
    status: 422,
    code: 'NAME_MISMATCH',
    message: /^导入已停止：附件中有 0 个姓名与 §三 成员名单不一致/,
  },
  {
    error: new HttpError(401, 'UNAUTHENTICATED', '请先登录（缺少或无效的身份令牌）'),
    status: 401,
    code: 'UNAUTHENTICATED',
    message: '请先登录（缺少或无效的身份令牌）',
  },
  {
    error: new HttpError(409, 'IDEMPOTENCY_IN_PROGRESS', '相同 Idempotency-Key 的请求正在处理，请稍后重试', { x: 1 }),
    status: 409,
    code: 'IDEMPOTENCY_IN_PROGRESS',
    message: '相同 Idempotency-Key 的请求正在处理，请稍后重试',
    fields: { x: 1 },
  },
];

describe('the error catalogue (shared/domain/errors.ts)', () => {
  it.each(catalogue.map((c) => [c.error.constructor.name, c] as const))('%s: status, code, Chinese message', (_, c) => {
    expect(c.error).toBeInstanceOf(DomainError);
    expect(c.error.status).toBe(c.status);
    expect(c.error.code).toBe(c.code);
    if (typeof c.message === 'string') expect(c.error.message).toBe(c.message);
    else expect(c.error.message).toMatch(c.message);
    expect(c.error.message).toMatch(/[\u4e00-\u9fff]/);
    // The API maps by the class alone: status, code, message and the class's own fields.
    const reply = errorReply(c.error, memoryLog(), 'req-1');
    expect(reply.status).toBe(c.status);
    expect(reply.body).toEqual({ error: { code: c.code, message: c.error.message, ...(c.fields ?? {}) } });
  });

  it('lists every DomainError class the module exports (a new one needs its row here)', () => {
    const exported = Object.values(errors).filter(
      (v): v is typeof DomainError => typeof v === 'function' && v.prototype instanceof Error,
    );
    const domain = exported.filter((v) => v === DomainError || v.prototype instanceof DomainError);
    const listed = new Set(catalogue.map((c) => c.error.constructor));
    expect(domain.filter((v) => v !== DomainError && !listed.has(v)).map((v) => v.name)).toEqual([]);
    // A class that only adds fields (TransactionConditionFailed) keeps its parent's status.
    expect(new TransactionConditionFailed('x', 0)).toBeInstanceOf(ConcurrentUpdateError);
  });

  it('internal errors are not DomainErrors: a client meeting one gets the generic 500, nothing of the text', () => {
    const internal = [
      new SmsSendError('ThrottledException', 'transient'),
      new TransientDispatchError('m-1', '2026-03-10T00:00:00Z', 'throttled'),
      new TimerConflictError('t-1', undefined, 'at(2026-03-10T08:00:00)'),
      new CandidateTakenError('cand-1'),
      new UnsupportedFileError('/tmp/名册.xls'),
      new HolidayFileError('2031.json', [{ field: 'days', reason: '缺少' }]),
      new TemplateIssues([{ field: '成员', reason: '缺少工作表' }]),
    ];
    const internalClasses = Object.values(errors).filter(
      (v) => typeof v === 'function' && v.prototype instanceof Error && !(v.prototype instanceof DomainError),
    );
    expect(internalClasses.filter((v) => v !== DomainError).length).toBe(internal.length);
    for (const e of internal) {
      expect(e).not.toBeInstanceOf(DomainError);
      const reply = errorReply(e, memoryLog(), 'req-1');
      expect(reply.status).toBe(500);
      expect(JSON.stringify(reply.body)).not.toContain(e.message);
    }
    expect(new UnsupportedFileError('/tmp/x/名册.xls').message).toMatch(/^不支持的文件类型：名册\.xls（/);
  });
});
