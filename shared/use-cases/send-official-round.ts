import type { AppConfig } from '../config/app-config.ts';
import type { Message } from '../domain/message.ts';
import { MAX_NOTES_PER_MESSAGE, mergeNotes, type Note, nextDayStart } from '../domain/official-round.ts';
import type { Clock, Log } from '../domain/ports.ts';
import { type CstDate, cstDate } from '../domain/time.ts';

/** Where officials' notes wait for their round, and the per-number daily counters. */
export interface NoteRepository {
  /** Notes due by `now` (not merged yet, not held past now), oldest first, at most `limit`. */
  dueNotes(now: Date, limit: number): Promise<Note[]>;
  /** Merged-round SMS already counted for this phone on this CST day. */
  countToday(phone: string, day: CstDate): Promise<number>;
  /**
   * One transaction: the message (deterministic id, once), the phone's counter + 1 (only while under `cap`), and
   * every note marked merged into it. `capped`: the counter reached the cap meanwhile; `conflict`: another round
   * took a note or wrote the same message first. Either way nothing was written.
   */
  sendRound(
    message: Message,
    notes: Note[],
    counter: { phone: string; day: CstDate; cap: number },
  ): Promise<RoundWrite>;
  /** Holds notes for a later round (the cap is reached today). */
  hold(notes: Note[], until: Date): Promise<void>;
}
export type RoundWrite = 'sent' | 'capped' | 'conflict';

export interface OfficialRoundDeps {
  notes: NoteRepository;
  clock: Clock;
  log: Log;
  /** `reports.officeHours.start`: when notes held by the cap go the next day (default 08:00). */
  config: {
    sms: Pick<AppConfig['sms'], 'signature' | 'maxParts' | 'dailyCapPerNumber'> &
      Partial<Pick<AppConfig['sms'], 'provider'>>;
    reports?: Pick<AppConfig['reports'], 'officeHours'>;
  };
}

export interface RoundResult {
  /** Officials who got a message this round. */
  messages: number;
  /** Notes those messages cover. */
  notes: number;
  /** Notes held for tomorrow because their number reached the daily cap. */
  held: number;
  /** Officials left for the next round (a concurrent round won, or more notes than one message covers). */
  deferred: number;
}

/**
 * The end of a sweep: every official's due notes become ONE message (docs/sms.md "One message per official per
 * round"). Safe to run twice or concurrently: a merged message's id is derived from the notes it covers and the
 * notes are marked in the same transaction, so a re-run finds nothing due and a racing round loses its write.
 * 1. Read the due notes; group by recipient (person).
 * 2. Number at the daily cap: hold the notes until the next day's office start (they join that day's first message).
 * 3. Else merge (at most MAX_NOTES_PER_MESSAGE; the rest wait for the next round) and write message + counter + marks.
 */
export async function sendOfficialRound(
  deps: OfficialRoundDeps,
  options: { limit?: number } = {},
): Promise<RoundResult> {
  const now = deps.clock.now();
  const result: RoundResult = { messages: 0, notes: 0, held: 0, deferred: 0 };
  const due = await deps.notes.dueNotes(now, options.limit ?? 5000);
  if (due.length === 0) return result;
  const byPerson = new Map<string, Note[]>();
  for (const n of due) byPerson.set(n.recipient.personId, [...(byPerson.get(n.recipient.personId) ?? []), n]);
  const day = cstDate(now);
  const cap = deps.config.sms.dailyCapPerNumber;
  for (const [personId, all] of byPerson) {
    const phone = all[0]!.recipient.phone;
    const notes = all.slice(0, MAX_NOTES_PER_MESSAGE);
    if (all.length > notes.length) result.deferred++;
    const hold = async () => {
      const until = nextDayStart(day, deps.config.reports?.officeHours.start ?? '08:00');
      await deps.notes.hold(all, until);
      result.held += all.length;
      deps.log.info('daily SMS cap reached: notes held for the next day', {
        personId,
        notes: all.length,
        until: until.toISOString(),
      });
    };
    if ((await deps.notes.countToday(phone, day)) >= cap) {
      await hold();
      continue;
    }
    const message = mergeNotes(notes, deps.config.sms, now);
    const written = await deps.notes.sendRound(message, notes, { phone, day, cap });
    if (written === 'sent') {
      result.messages++;
      result.notes += notes.length;
    } else if (written === 'capped') await hold();
    else {
      result.deferred++;
      deps.log.info('official round: another round wrote first; left for the next round', { personId });
    }
  }
  deps.log.info('official round', { ...result });
  return result;
}
