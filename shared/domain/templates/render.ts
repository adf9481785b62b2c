import type { Audience } from '../message.ts';
import { smsParts } from '../message.ts';
import { maskName } from '../privacy.ts';

/** Params that hold a person's name: masked whenever the message goes to an official (R9). */
const NAME_PARAMS = new Set(['studentName', 'guardianName']);

/** One SMS template: an id for the outbox record, who it is for, and a short Simplified Chinese body. */
export interface SmsTemplate<P extends Record<string, string | number>> {
  /** The message group shown in the log (`notice.guardian`); shorter wordings of one template share it. */
  id: string;
  /**
   * The exact wording, as registered with a template provider (Tencent, Alibaba): unique across all templates,
   * default `id`. A shorter fallback wording has its own key (`notice.guardian.short`), approved on its own.
   */
  key?: string;
  audience: Audience;
  body: (params: P) => string;
}

export interface RenderedSms {
  /** Template group id (the log's `template`). */
  template: string;
  /** Exact wording key: what the provider config maps to an approved template code. */
  key: string;
  /** Named parameters as sent (strings; names already masked for officials). */
  params: Record<string, string>;
  text: string;
  parts: number;
  /** True when the text needs more parts than the configured maximum (templates are tested to stay within). */
  overLimit: boolean;
}

/** Declares a template (keeps the params type). */
export function defineTemplate<P extends Record<string, string | number>>(t: SmsTemplate<P>): SmsTemplate<P> {
  return t;
}

/** The key a template is registered under with a provider. */
export const templateKey = (t: SmsTemplate<never> | SmsTemplate<Record<string, string | number>>) => t.key ?? t.id;

const OPEN = '\u0001';
const CLOSE = '\u0002';

/**
 * The template's body with each parameter left as a placeholder, in order of appearance: what a provider
 * registers. `placeholder(name, index)` writes it (`{1}` for Tencent, `${name}` for Alibaba).
 */
export function templateSkeleton(
  template: SmsTemplate<Record<string, string | number>>,
  placeholder: (name: string, index: number) => string = (name) => `\${${name}}`,
): { text: string; params: string[] } {
  const probe = new Proxy({}, { get: (_t, k) => `${OPEN}${String(k)}${CLOSE}` }) as Record<string, string>;
  const raw = template.body(probe);
  const params: string[] = [];
  const text = raw.replace(new RegExp(`${OPEN}([^${CLOSE}]*)${CLOSE}`, 'g'), (_m, name: string) => {
    params.push(name);
    return placeholder(name, params.length);
  });
  return { text, params };
}

/**
 * Renders a template with the bureau's signature 【…】 in front (required for mainland delivery) and counts
 * its UCS-2 parts. For officials, name params are masked here, so no caller can forget to. The params as sent
 * (after masking) travel with the message, for providers that fill an approved template themselves.
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
  const used = templateSkeleton(template as unknown as SmsTemplate<Record<string, string | number>>).params;
  const sent = Object.fromEntries(used.map((name) => [name, String(safe[name as keyof P])]));
  return {
    template: template.id,
    key: template.key ?? template.id,
    params: sent,
    text,
    parts,
    overLimit: parts > (options.maxParts ?? 2),
  };
}

/** The fields of an outbox message that come from a rendering. */
export function renderedFields(rendered: RenderedSms): {
  template: string;
  templateKey: string;
  params: Record<string, string>;
  text: string;
  parts: number;
} {
  return {
    template: rendered.template,
    templateKey: rendered.key,
    params: rendered.params,
    text: rendered.text,
    parts: rendered.parts,
  };
}
