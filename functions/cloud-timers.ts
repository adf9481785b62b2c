import { SchedulerClient } from '@aws-sdk/client-scheduler';
import {
  EventBridgeTimerScheduler,
  type TimerTarget,
} from '../shared/adapters/scheduler/eventbridge-timer-scheduler.ts';

/** The notice-timer client of a function with 'scheduler' access (its handler.ts passes it to cloudHandler). */
export const eventBridgeTimers = (target: TimerTarget) =>
  new EventBridgeTimerScheduler(new SchedulerClient({}), target);
