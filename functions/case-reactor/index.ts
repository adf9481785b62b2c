import type { DynamoDBRecord } from 'aws-lambda';
import { METRICS } from '../../shared/observability/metrics.ts';
import { moveNoticeTimer, startNoticeTimer, stopNoticeTimer } from '../../shared/use-cases/notice-timer.ts';
import type { Deps } from '../deps.ts';
import { type StreamBatchHandler, sequentialStreamHandler } from '../stream-batch.ts';
import { aggregateRecord } from './aggregates.ts';
import { caseDepsOf } from './case-deps.ts';
import { fromImage } from './stream-image.ts';

/**
 * Stream reactions, one record at a time. Every slot, case, notice, visit and campaign change moves the aggregates
 * (./aggregates.ts). Notices and in stream order (a bad record fails alone and is retried
 * from; an INSERT and a MODIFY of the same notice in one batch are handled in that order, so a notice resolved
 * right after it was issued never keeps its timer):
 *  - a notice appears pending → create its one-week timer (or process it now if its deadline has passed, counted
 *    in `NoticesLapsed`);
 *  - a pending notice's deadline changed (its receipt was recorded: the week runs from receipt) → move its timer
 *    (UpdateSchedule of the same name; already there is `unchanged`);
 *  - a notice leaves pending (returned in time, withdrawn, lapsed) → delete its timer (already gone is fine).
 * Duplicate deliveries are harmless: the timer name is deterministic and "already there/gone" is success;
 * the guardian SMS were enqueued with the notice itself under deterministic ids.
 */
export function createCaseReactorHandler(deps: Deps): StreamBatchHandler {
  const cases = caseDepsOf(deps);
  const aggregate = aggregateRecord(deps);

  const onRecord = async (record: DynamoDBRecord): Promise<void> => {
    // First the aggregates of every slot, case, notice, visit and campaign record (a replay counts once), then the
    // notice timers; both are idempotent, so a record retried after either failed is safe.
    await aggregate(record);
    const next = fromImage(record.dynamodb?.NewImage);
    const prev = fromImage(record.dynamodb?.OldImage);
    if (next?.entity !== 'NOTICE') return;
    const notice = { id: String(next.id), caseId: String(next.caseId), deadline: String(next.deadline) };
    if (next.status === 'pending' && prev?.status !== 'pending') {
      // A notice already past its deadline is lapsed here, like the timer target does: count it the same way.
      if ((await startNoticeTimer(cases, notice)) === 'escalated') deps.metrics.count(METRICS.noticesLapsed);
    } else if (next.status === 'pending' && prev?.status === 'pending' && prev.deadline !== next.deadline) {
      if ((await moveNoticeTimer(cases, notice)) === 'escalated') deps.metrics.count(METRICS.noticesLapsed);
    } else if (prev?.status === 'pending' && next.status !== 'pending') {
      await stopNoticeTimer(cases, notice);
    }
  };

  return sequentialStreamHandler(onRecord);
}
