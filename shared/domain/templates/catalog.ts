import { followUpTemplates } from '../followup-templates.ts';
import { calendarGapTemplates } from './calendar-templates.ts';
import { noticeFallbacks, noticeTemplates } from './notice-templates.ts';
import { outboxTemplates } from './outbox-templates.ts';
import type { SmsTemplate } from './render.ts';
import { reportTemplates } from './report-templates.ts';
import { roundTemplates } from './round-templates.ts';

type AnyTemplate = SmsTemplate<Record<string, string | number>>;

/**
 * Every SMS wording the system can send, each under its own key: what a bureau registers with a template
 * provider (one approved template per key) and what the provider check at synth/start walks.
 */
export function smsTemplateCatalog(): AnyTemplate[] {
  const all = [
    ...Object.values(noticeTemplates),
    ...noticeFallbacks(),
    ...reportTemplates,
    ...outboxTemplates,
    ...Object.values(calendarGapTemplates),
    ...Object.values(followUpTemplates),
    ...roundTemplates,
  ] as unknown as AnyTemplate[];
  const keys = new Set<string>();
  for (const t of all) {
    const key = t.key ?? t.id;
    if (keys.has(key)) throw new Error(`two SMS templates share the key ${key}`);
    keys.add(key);
  }
  return all;
}
