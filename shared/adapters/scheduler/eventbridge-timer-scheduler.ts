import {
  ActionAfterCompletion,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  FlexibleTimeWindowMode,
  GetScheduleCommand,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { TimerScheduler } from '../../domain/ports.ts';
import { cstLocalDateTime, TIME_ZONE } from '../../domain/time.ts';

export interface TimerTarget {
  groupName: string;
  /** ARN of the function the timer invokes (notice-deadline). */
  targetArn: string;
  /** Role EventBridge Scheduler assumes to invoke the target. */
  roleArn: string;
  deadLetterArn: string;
}

/** One-time `at()` schedules in Asia/Shanghai, deleted after they fire. */
export class EventBridgeTimerScheduler implements TimerScheduler {
  constructor(
    private readonly scheduler: SchedulerClient,
    private readonly target: TimerTarget,
  ) {}

  async createAt(input: { name: string; at: Date; payload: Record<string, unknown> }): Promise<'created' | 'exists'> {
    try {
      await this.scheduler.send(
        new CreateScheduleCommand({
          Name: input.name,
          GroupName: this.target.groupName,
          ScheduleExpression: `at(${cstLocalDateTime(input.at)})`,
          ScheduleExpressionTimezone: TIME_ZONE,
          FlexibleTimeWindow: { Mode: FlexibleTimeWindowMode.OFF },
          ActionAfterCompletion: ActionAfterCompletion.DELETE,
          Target: {
            Arn: this.target.targetArn,
            RoleArn: this.target.roleArn,
            Input: JSON.stringify(input.payload),
            RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
            DeadLetterConfig: { Arn: this.target.deadLetterArn },
          },
        }),
      );
      return 'created';
    } catch (error) {
      if ((error as Error).name === 'ConflictException') return 'exists';
      throw error;
    }
  }

  async delete(name: string): Promise<'deleted' | 'absent'> {
    try {
      await this.scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: this.target.groupName }));
      return 'deleted';
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return 'absent';
      throw error;
    }
  }

  async exists(name: string): Promise<boolean> {
    try {
      await this.scheduler.send(new GetScheduleCommand({ Name: name, GroupName: this.target.groupName }));
      return true;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') return false;
      throw error;
    }
  }
}
