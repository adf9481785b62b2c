import type { Audience } from '../message.ts';
import { smsParts } from '../message.ts';
import { maskName } from '../privacy.ts';

/** Params that hold a person's name: masked whenever the message goes to an official (R9). */
const NAME_PARAMS = new Set(['studentName', 'guardianName']);

/** One SMS template: an id for the outbox record, who it is for, and a short Simplified Chinese body. */
export interface SmsTemplate<P extends Record<string, string | number>> {
  id: string;
  audience: Audience;
  body: (params: P) => string;
}

export interface RenderedSms {
  template: string;
  text: string;
  parts: number;
  /** True when the text needs more parts than the configured maximum (templates are tested to stay within). */
  overLimit: boolean;
}

/** Declares a template (keeps the params type). */
export function defineTemplate<P extends Record<string, string | number>>(t: SmsTemplate<P>): SmsTemplate<P> {
  return t;
}

/**
 * Renders a template with the bureau's signature 【…】 in front (required for mainland delivery) and counts
 * its UCS-2 parts. For officials, name params are masked here, so no caller can forget to.
 */
export function renderSms<P extends Record<string, string | number>>(
  template: SmsTemplate<P>,
  params: P,
  options: { signature: string; maxParts?: number },
): RenderedSms {
  const safe =
    template.audience === 'official'
      ? (Object.fromEntries(
          Object.entries(params).map(([k, v]) => [k, NAME_PARAMS.has(k) && typeof v === 'string' ? maskName(v) : v]),
        ) as P)
      : params;
  const text = `【${options.signature}】${template.body(safe)}`;
  const parts = smsParts(text);
  return { template: template.id, text, parts, overLimit: parts > (options.maxParts ?? 2) };
}
