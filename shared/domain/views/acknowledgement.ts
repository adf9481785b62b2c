import { acknowledgementView, type EscalationAck } from '../escalation.ts';

/**
 * The reply to taking an escalation on (a report ladder level, a missed visit, a late 大家访): the ids of what was
 * taken on, who, when and the note (scrubbed, like every official's note), and whether this request changed it.
 */
export const acknowledgementReply = <R extends Record<string, string | number>>(
  ref: R,
  ack: EscalationAck,
  changed: boolean,
) => ({ ...ref, acknowledged: acknowledgementView(ack), changed });
