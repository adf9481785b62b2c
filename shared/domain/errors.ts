/** Named domain errors. The HTTP mapper exposes their messages as 4xx; anything else is a generic 500. */
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
}

/** Input failed validation: names the field and the reason. */
export class ValidationError extends DomainError {
  constructor(
    readonly issues: { field: string; reason: string }[],
    message = issues.map((i) => `${i.field}: ${i.reason}`).join('; '),
  ) {
    super(message, 'VALIDATION');
  }
}

export class NotFoundError extends DomainError {
  constructor(what: string, id: string) {
    super(`${what} ${id} not found`, 'NOT_FOUND');
  }
}

/** A state transition that the lifecycle does not allow from the current state. */
export class InvalidTransitionError extends DomainError {
  constructor(
    readonly entity: string,
    readonly from: string,
    readonly attempted: string,
  ) {
    super(`${entity}: cannot ${attempted} from state ${from}`, 'INVALID_TRANSITION');
  }
}

/** Someone else changed the item first (optimistic concurrency): reload and decide again. */
export class ConcurrentUpdateError extends DomainError {
  constructor(what: string) {
    super(`${what} was changed concurrently`, 'CONFLICT');
  }
}

/**
 * The pupil already has an open case (the same 学籍号 anywhere in the county, else the same name + grade at the
 * school): a second case is refused (409) naming the existing one; the caller continues there, or confirms a
 * different pupil of the same name (no 学籍号).
 */
export class DuplicateCaseError extends DomainError {
  constructor(readonly existingCaseIds: readonly string[]) {
    super(
      `该学生已有未结案的案件 ${existingCaseIds.join('、')}（按学籍号或姓名+年级匹配），请在原案件中继续处理；` +
        '如确为同名的另一名学生，请确认后再开案（allowDuplicate）',
      'DUPLICATE_CASE',
    );
  }
}

/**
 * The pupil already has an active plan of this kind (保学 follow-up or 送教上门 一人一案: one per pupil); a second is
 * refused (409) naming the existing one.
 */
export class DuplicatePlanError extends DomainError {
  constructor(
    readonly kind: 'followup' | 'send-teaching',
    readonly existingPlanId: string,
  ) {
    super(
      `该学生已有进行中的${kind === 'followup' ? '保学跟踪' : '送教上门'}计划 ${existingPlanId}，请在原计划中继续登记，不要重复创建`,
      'DUPLICATE_PLAN',
    );
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
  constructor(reason: string) {
    super(reason, 'FORBIDDEN');
  }
}

/** Turns zod issues into a ValidationError naming each field. */
export function fromZodIssues(
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  prefix = '',
): ValidationError {
  return new ValidationError(
    issues.map((i) => ({
      field: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)',
      reason: i.message,
    })),
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
export class StateConflictError extends DomainError {}
