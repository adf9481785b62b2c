import type { AppConfig } from '../config/app-config.ts';
import type { CaseRepository } from '../domain/case-ports.ts';
import { ConcurrentUpdateError } from '../domain/errors.ts';
import type { Audience, Message } from '../domain/message.ts';
import type { Clock, DirectoryRepository, Log, NewId, TimerScheduler } from '../domain/ports.ts';
import type { PupilGroupSource } from '../domain/priority-groups.ts';
import { type RenderedSms, renderedFields } from '../domain/templates/render.ts';
import type { NoteRepository } from './send-official-round.ts';

/** Ports the case and notice use cases take. */
export interface CaseDeps {
  repo: CaseRepository;
  directory: DirectoryRepository;
  timers: TimerScheduler;
  clock: Clock;
  newId: NewId;
  log: Log;
  config: Pick<AppConfig, 'cases' | 'sms' | 'calendar' | 'reports'>;
  /**
   * Officials' notes and their round: with it, a lapsed notice's officials get their alert merged with anything
   * else due for them (one SMS per official per round, within the daily cap); without it, one SMS per cause.
   */
  notes?: NoteRepository;
  /** The pupils' roll flags: with it, a case opens with its pupil's priority groups (留守, 残疾…). */
  groups?: PupilGroupSource;
}

/**
 * Runs a read-decide-write step again when its guard failed because someone else wrote first; each attempt
 * reloads, so the decision is always taken on fresh state (e.g. a return racing the deadline).
 */
export async function retryOnConflict<T>(step: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError) || i >= attempts) throw error;
    }
  }
}

/** An outbox message, QUEUED, from a rendered template. */
export function queuedMessage(input: {
  id: string;
  audience: Audience;
  recipient: Message['recipient'];
  rendered: RenderedSms;
  notBefore: Date;
  now: Date;
  subject: Message['subject'];
  schoolId?: string;
  townshipId?: string;
  /** The case the message is about (its notice's case): the case's message log lists it (docs/table-design.md). */
  caseId?: string;
}): Message {
  return {
    id: input.id,
    audience: input.audience,
    recipient: input.recipient,
    ...renderedFields(input.rendered),
    notBefore: input.notBefore.toISOString(),
    status: 'QUEUED',
    createdAt: input.now.toISOString(),
    attempts: 0,
    subject: input.subject,
    ...(input.schoolId ? { schoolId: input.schoolId } : {}),
    ...(input.townshipId ? { townshipId: input.townshipId } : {}),
    ...(input.caseId ? { caseId: input.caseId } : {}),
    version: 0,
  };
}
