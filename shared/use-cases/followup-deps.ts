import type { AppConfig } from '../config/app-config.ts';
import type { AggregateReader } from '../domain/aggregates.ts';
import { SchoolCalendar } from '../domain/calendar.ts';
import type { FollowUpRepository, StatisticsSource } from '../domain/followup-ports.ts';
import type { Clock, DirectoryRepository, Log, NewId } from '../domain/ports.ts';
import { type LadderTime, ladderTimeOf } from '../domain/working-time.ts';
import type { NoteRepository } from './send-official-round.ts';

/** Ports of the follow-up use cases (R6–R8). */
export interface FollowUpDeps {
  repo: FollowUpRepository;
  directory: DirectoryRepository;
  clock: Clock;
  newId: NewId;
  log: Log;
  config: AppConfig;
  /** Officials' notes and their round: the sweep's reminders and escalations become one SMS per official. */
  notes?: NoteRepository;
}

/**
 * Plus where digests take their numbers: the aggregates (the functions), or facts read item by item (kept for
 * callers that hold facts; costs requests per school).
 */
export interface DigestDeps extends FollowUpDeps {
  aggregates?: AggregateReader;
  facts?: StatisticsSource;
}

/** The bureau's school calendar from config; uncovered-year warnings go to the log. */
export function calendarOf(deps: Pick<FollowUpDeps, 'config' | 'log'>): SchoolCalendar {
  return new SchoolCalendar(deps.config.calendar, (m) => deps.log.warn(m));
}

/** Officials' working time for duty escalations: the national calendar and the reports' office hours. */
export function dutyTimeOf(deps: Pick<FollowUpDeps, 'config' | 'log'>): LadderTime {
  const warn = (m: string) => deps.log.warn(m);
  return ladderTimeOf(new SchoolCalendar(deps.config.calendar, warn), deps.config.reports.officeHours, warn);
}

/** SMS options for texts built by the follow-up features. */
export function smsOf(deps: Pick<FollowUpDeps, 'config'>): { signature: string; maxParts: number } {
  return { signature: deps.config.sms.signature, maxParts: deps.config.sms.maxParts };
}
