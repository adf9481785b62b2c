import { type DispatchDeps, failAndAlert } from './dispatch-message.ts';

export interface ReleaseResult {
  /** QUEUED messages re-delivered to the stream. */
  released: number;
  /** SENDING messages past their timeout, marked FAILED (uncertain) with the office told. */
  uncertain: number;
  /** Lost races (someone else changed the message first). */
  skipped: number;
  itemsRead: number;
}

/**
 * The scheduled release sweep (every 5 minutes).
 * 1. Query the due index DUE#MSG up to now: only messages that need action, never the whole outbox.
 * 2. QUEUED ones whose notBefore has come (future-dated, deferred by quiet hours, backing off): touch them so
 *    the stream delivers them to the dispatcher again.
 * 3. SENDING ones past the timeout (the dispatcher died between Publish and the SENT write): do NOT resend —
 *    it may have gone out. Mark FAILED as uncertain and tell the office, who can check with the recipient.
 */
export async function releaseMessages(
  deps: Pick<DispatchDeps, 'outbox' | 'directory' | 'clock' | 'log' | 'config'>,
): Promise<ReleaseResult> {
  const now = deps.clock.now();
  const { messages, itemsRead } = await deps.outbox.queryDue(now);
  const result: ReleaseResult = { released: 0, uncertain: 0, skipped: 0, itemsRead };
  for (const msg of messages) {
    if (msg.status === 'QUEUED') {
      if (await deps.outbox.touch(msg)) result.released++;
      else result.skipped++;
    } else if (msg.status === 'SENDING') {
      const done = await failAndAlert(deps, msg, {
        reason: `UNCERTAIN: still SENDING since ${msg.sendingAt}; the SMS may or may not have gone out`,
        code: 'uncertain',
        now,
        uncertain: true,
        alert: 'uncertain',
      });
      if (done) result.uncertain++;
      else result.skipped++;
    }
  }
  if (messages.length > 0) deps.log.info('release sweep', { ...result });
  return result;
}
