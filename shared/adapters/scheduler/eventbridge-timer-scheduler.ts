import {
  ActionAfterCompletion,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  FlexibleTimeWindowMode,
  GetScheduleCommand,
  type SchedulerClient,
  ScheduleState,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { TimerConflictError } from '../../domain/errors.ts';
import type { TimerScheduler } from '../../domain/ports.ts';
import { cstInstant, cstLocalDateTime, TIME_ZONE } from '../../domain/time.ts';

export interface TimerTarget {
  groupName: string;
  /** ARN of the function the timer invokes (notice-deadline). */
  targetArn: string;
  /** Role EventBridge Scheduler assumes to invoke the target (and to write to the DLQ). */
  roleArn: string;
  /** Standard SQS queue for invocations that still fail after the retry policy (FIFO is not supported). */
  deadLetterArn: string;
}

/** Schedule names: 1–64 characters of [0-9a-zA-Z-_.] (CreateSchedule API reference). */
export const SCHEDULE_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

/**
 * Retry policy of every timer: the documented maxima (MaximumEventAgeInSeconds 60–86400, MaximumRetryAttempts
 * 0–185), so a throttled or failing target is retried for a whole day before the event goes to the DLQ.
 */
export const TIMER_RETRY_POLICY = { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 } as const;

/** `at(yyyy-mm-ddThh:mm:ss)` in CST; sub-second deadlines round UP so the timer never fires before them. */
export function atExpression(at: Date): string {
  const ceiled = new Date(Math.ceil(at.getTime() / 1000) * 1000);
  return `at(${cstLocalDateTime(ceiled)})`;
}

/** The instant of an `at(yyyy-mm-ddThh:mm:ss)` expression in CST; undefined for any other expression. */
export function atInstant(expression: string | undefined): Date | undefined {
  const m = /^at\((\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})\)$/.exec(expression ?? '');
  return m ? cstInstant(m[1]!, m[2]!) : undefined;
}

/**
 * One-time `at()` schedules in Asia/Shanghai, deleted after they fire (ActionAfterCompletion DELETE).
 * Idempotency is by NAME: a second CreateSchedule for the same name fails with ConflictException, which we
 * treat as success once GetSchedule shows the same expression. We deliberately send no fixed ClientToken: the
 * SDK fills a fresh one per call (reused by its own retries), so re-creating a timer that was deleted by hand
 * can never be swallowed as a replay of the original request.
 */
export class EventBridgeTimerScheduler implements TimerScheduler {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly target: TimerTarget,
  ) {}

  async createAt(input: { name: string; at: Date; payload: Record<string, unknown> }): Promise<'created' | 'exists'> {
    assertName(input.name);
    const expression = atExpression(input.at);
    try {
      await this.scheduler.send(new CreateScheduleCommand(this.definition(input)));
      return 'created';
    } catch (error) {
      if ((error as Error).name !== 'ConflictException') throw error;
      const existing = await this.get(input.name);
      // Gone between the conflict and our read (it fired and was deleted): the caller's state decides.
      if (existing === undefined) return 'exists';
      if (existing.ScheduleExpression !== expression)
        throw new TimerConflictError(input.name, existing.ScheduleExpression, expression);
      return 'exists';
    }
  }

  async delete(name: string): Promise<'deleted' | 'absent'> {
    assertName(name);
    try {
      await this.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName }));
      return 'deleted';
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return 'absent';
      throw error;
    }
  }

  async exists(name: string): Promise<boolean> {
    assertName(name);
    return (await this.get(name)) !== undefined;
  }

  async scheduledAt(name: string): Promise<Date | undefined> {
    assertName(name);
    const existing = await this.get(name);
    return existing ? atInstant(existing.ScheduleExpression) : undefined;
  }

  /**
   * UpdateSchedule replaces the whole definition, so the same one as CreateSchedule is sent with the new
   * expression. Already at that instant: nothing sent. Gone (fired and deleted, or lost): created again.
   */
  async moveTo(input: {
    name: string;
    at: Date;
    payload: Record<string, unknown>;
  }): Promise<'moved' | 'unchanged' | 'created'> {
    assertName(input.name);
    const existing = await this.get(input.name);
    if (existing === undefined) return (await this.createAt(input)) === 'created' ? 'created' : 'unchanged';
    if (existing.ScheduleExpression === atExpression(input.at)) return 'unchanged';
    try {
      await this.scheduler.send(new UpdateScheduleCommand(this.definition(input)));
      return 'moved';
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
      return (await this.createAt(input)) === 'created' ? 'created' : 'unchanged';
    }
  }

  private definition(input: { name: string; at: Date; payload: Record<string, unknown> }) {
    return {
      Name: input.name,
      GroupName: this.target.groupName,
      Description: 'baoxue notice deadline (劝返复学通知书 one-week timer)',
      ScheduleExpression: atExpression(input.at),
      ScheduleExpressionTimezone: TIME_ZONE,
      FlexibleTimeWindow: { Mode: FlexibleTimeWindowMode.OFF },
      ActionAfterCompletion: ActionAfterCompletion.DELETE,
      State: ScheduleState.ENABLED,
      Target: {
        Arn: this.target.targetArn,
        RoleArn: this.target.roleArn,
        Input: JSON.stringify(input.payload),
        RetryPolicy: { ...TIMER_RETRY_POLICY },
        DeadLetterConfig: { Arn: this.target.deadLetterArn },
      },
    };
  }

  private async get(name: string) {
    try {
      return await this.scheduler.send(new GetScheduleCommand({ Name: name, GroupName: this.target.groupName }));
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return undefined;
      throw error;
    }
  }
}

function assertName(name: string): void {
  if (!SCHEDULE_NAME.test(name))
    throw new RangeError(`schedule name "${name}" must be 1–64 characters of [0-9a-zA-Z-_.]`);
}
