import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
  UpdateScheduleCommand,
} from '@aws-sdk/client-scheduler';
import { mockClient } from 'aws-sdk-client-mock';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';
import 'aws-sdk-client-mock-vitest/extend';
import { afterEach, describe, expect, it } from 'vitest';
import {
  atExpression,
  atInstant,
  EventBridgeTimerScheduler,
} from '../../shared/adapters/scheduler/eventbridge-timer-scheduler.ts';
import { TimerConflictError } from '../../shared/domain/errors.ts';
import { noticeDeadline, timerName } from '../../shared/domain/notice.ts';
import { cstInstant } from '../../shared/domain/time.ts';

expect.extend(allCustomMatcher);

const schedulerMock = mockClient(SchedulerClient);
afterEach(() => schedulerMock.reset());

const target = {
  groupName: 'baoxue-timers',
  targetArn: 'arn:aws:lambda:cn-north-1:123456789012:function:baoxue-notice-deadline',
  roleArn: 'arn:aws:iam::123456789012:role/baoxue-scheduler',
  deadLetterArn: 'arn:aws:sqs:cn-north-1:123456789012:baoxue-timer-dlq',
};
const timers = () => new EventBridgeTimerScheduler(new SchedulerClient({ region: 'cn-north-1' }), target);

const notFound = () =>
  new ResourceNotFoundException({ message: 'Schedule not found', Message: 'Schedule not found', $metadata: {} });
const conflict = () =>
  new ConflictException({ message: 'Schedule already exists', Message: 'Schedule already exists', $metadata: {} });

describe('EventBridgeTimerScheduler.createAt', () => {
  it('sends the exact CreateSchedule for a notice issued 2023-02-20 10:00 CST', async () => {
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    const noticeId = '01gsmq9x7f0000000000000000';
    const deadline = noticeDeadline(cstInstant('2023-02-20', '10:00'));

    const result = await timers().createAt({
      name: timerName(noticeId),
      at: deadline,
      payload: { caseId: 'case-1', noticeId },
    });

    expect(result).toBe('created');
    expect(schedulerMock).toHaveReceivedCommandTimes(CreateScheduleCommand, 1);
    expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'notice-01gsmq9x7f0000000000000000',
      GroupName: 'baoxue-timers',
      Description: 'baoxue notice deadline (劝返复学通知书 one-week timer)',
      ScheduleExpression: 'at(2023-02-27T10:00:00)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: target.targetArn,
        RoleArn: target.roleArn,
        Input: '{"caseId":"case-1","noticeId":"01gsmq9x7f0000000000000000"}',
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: target.deadLetterArn },
      },
    });
  });

  it('treats ConflictException as success when the existing schedule is the same timer', async () => {
    schedulerMock.on(CreateScheduleCommand).rejects(conflict());
    schedulerMock.on(GetScheduleCommand).resolves({ ScheduleExpression: 'at(2023-02-27T10:00:00)' });

    const result = await timers().createAt({
      name: 'notice-abc',
      at: cstInstant('2023-02-27', '10:00'),
      payload: {},
    });

    expect(result).toBe('exists');
    expect(schedulerMock).toHaveReceivedCommandWith(GetScheduleCommand, {
      Name: 'notice-abc',
      GroupName: 'baoxue-timers',
    });
  });

  it('refuses to accept a conflicting schedule with another time under the same name', async () => {
    schedulerMock.on(CreateScheduleCommand).rejects(conflict());
    schedulerMock.on(GetScheduleCommand).resolves({ ScheduleExpression: 'at(2023-03-01T10:00:00)' });

    const attempt = timers().createAt({ name: 'notice-abc', at: cstInstant('2023-02-27', '10:00'), payload: {} });

    await expect(attempt).rejects.toBeInstanceOf(TimerConflictError);
  });

  it('counts a conflict whose schedule fired and vanished meanwhile as exists', async () => {
    schedulerMock.on(CreateScheduleCommand).rejects(conflict());
    schedulerMock.on(GetScheduleCommand).rejects(notFound());

    const result = await timers().createAt({ name: 'notice-abc', at: cstInstant('2023-02-27', '10:00'), payload: {} });

    expect(result).toBe('exists');
  });

  it('rethrows other errors (throttling is retried by the caller)', async () => {
    schedulerMock
      .on(CreateScheduleCommand)
      .rejects(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));

    const attempt = timers().createAt({ name: 'notice-abc', at: cstInstant('2023-02-27', '10:00'), payload: {} });

    await expect(attempt).rejects.toThrow('slow down');
  });

  it('rejects names EventBridge Scheduler would refuse, before calling it', async () => {
    const attempt = timers().createAt({ name: 'notice with space', at: new Date(0), payload: {} });

    await expect(attempt).rejects.toThrow(RangeError);
    expect(schedulerMock).not.toHaveReceivedCommand(CreateScheduleCommand);
  });

  it('rounds a sub-second deadline up so the timer never fires before it', () => {
    expect(atExpression(new Date(cstInstant('2023-02-27', '10:00').getTime() + 250))).toBe('at(2023-02-27T10:00:01)');
  });
});

describe('EventBridgeTimerScheduler.delete and exists', () => {
  it('deletes the schedule on return', async () => {
    schedulerMock.on(DeleteScheduleCommand).resolves({});

    const result = await timers().delete('notice-abc');

    expect(result).toBe('deleted');
    expect(schedulerMock).toHaveReceivedCommandExactlyOnceWith(DeleteScheduleCommand, {
      Name: 'notice-abc',
      GroupName: 'baoxue-timers',
    });
  });

  it('treats ResourceNotFoundException on delete as already gone', async () => {
    schedulerMock.on(DeleteScheduleCommand).rejects(notFound());

    expect(await timers().delete('notice-abc')).toBe('absent');
  });

  it('reports a missing schedule as not existing and a present one as existing', async () => {
    schedulerMock.on(GetScheduleCommand, { Name: 'notice-gone' }).rejects(notFound());
    schedulerMock.on(GetScheduleCommand, { Name: 'notice-here' }).resolves({ Name: 'notice-here' });

    expect(await timers().exists('notice-gone')).toBe(false);
    expect(await timers().exists('notice-here')).toBe(true);
  });

  it('rethrows an unexpected delete failure', async () => {
    schedulerMock
      .on(DeleteScheduleCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));

    await expect(timers().delete('notice-abc')).rejects.toThrow('denied');
  });
});

describe('EventBridgeTimerScheduler.moveTo (a receipt moved the deadline)', () => {
  const noticeId = '01gsmq9x7f0000000000000000';
  const payload = { caseId: 'case-1', noticeId };
  // Issued Monday 2023-02-20 10:00, received Wednesday 15:30: the week runs to Wednesday 2023-03-01 15:30.
  const moved = noticeDeadline(cstInstant('2023-02-22', '15:30'));

  it('sends one UpdateSchedule with the whole definition and the new expression', async () => {
    schedulerMock.on(GetScheduleCommand).resolves({ ScheduleExpression: 'at(2023-02-27T10:00:00)' });
    schedulerMock.on(UpdateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });

    const result = await timers().moveTo({ name: timerName(noticeId), at: moved, payload });

    expect(result).toBe('moved');
    expect(schedulerMock).toHaveReceivedCommandTimes(UpdateScheduleCommand, 1);
    expect(schedulerMock).toHaveReceivedCommandTimes(CreateScheduleCommand, 0);
    expect(schedulerMock.commandCalls(UpdateScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'notice-01gsmq9x7f0000000000000000',
      GroupName: 'baoxue-timers',
      Description: 'baoxue notice deadline (劝返复学通知书 one-week timer)',
      ScheduleExpression: 'at(2023-03-01T15:30:00)',
      ScheduleExpressionTimezone: 'Asia/Shanghai',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      State: 'ENABLED',
      Target: {
        Arn: target.targetArn,
        RoleArn: target.roleArn,
        Input: JSON.stringify(payload),
        RetryPolicy: { MaximumEventAgeInSeconds: 86_400, MaximumRetryAttempts: 185 },
        DeadLetterConfig: { Arn: target.deadLetterArn },
      },
    });
  });

  it('sends nothing when the schedule is already at the deadline (a replayed stream record)', async () => {
    schedulerMock.on(GetScheduleCommand).resolves({ ScheduleExpression: 'at(2023-03-01T15:30:00)' });

    expect(await timers().moveTo({ name: timerName(noticeId), at: moved, payload })).toBe('unchanged');
    expect(schedulerMock).toHaveReceivedCommandTimes(UpdateScheduleCommand, 0);
  });

  it('creates the schedule again when it is gone (lost, or deleted between read and update)', async () => {
    schedulerMock.on(GetScheduleCommand).rejects(notFound());
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    expect(await timers().moveTo({ name: timerName(noticeId), at: moved, payload })).toBe('created');

    schedulerMock.reset();
    schedulerMock
      .on(GetScheduleCommand)
      .resolvesOnce({ ScheduleExpression: 'at(2023-02-27T10:00:00)' })
      .rejects(notFound());
    schedulerMock.on(UpdateScheduleCommand).rejects(notFound());
    schedulerMock.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn:schedule' });
    expect(await timers().moveTo({ name: timerName(noticeId), at: moved, payload })).toBe('created');
    expect(schedulerMock.commandCalls(CreateScheduleCommand)[0]!.args[0].input.ScheduleExpression).toBe(
      'at(2023-03-01T15:30:00)',
    );
  });

  it('reads the instant a schedule fires at, for reconcile', async () => {
    schedulerMock.on(GetScheduleCommand).resolves({ ScheduleExpression: 'at(2023-03-01T15:30:00)' });
    expect((await timers().scheduledAt(timerName(noticeId)))?.toISOString()).toBe(moved.toISOString());
    expect(atInstant('rate(5 minutes)')).toBeUndefined();
    expect(atInstant(atExpression(moved))?.getTime()).toBe(moved.getTime());
  });
});
