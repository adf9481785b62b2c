import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { idSchema, roleSchema } from './directory.ts';
import { type Message, messageSchema, smsParts } from './message.ts';
import type { SmsProviderKind } from './templates/provider-rules.ts';
import { renderSms } from './templates/render.ts';
import { roundMergedTemplate, roundTopic } from './templates/round-templates.ts';
import { addDays, type CstDate, cstInstant } from './time.ts';

/**
 * One official's SMS per round. A sweep (chase, notice deadline) does not enqueue an SMS per cause for an official:
 * it writes a **note** per cause (same deterministic id the SMS used to have), in the same transaction as the
 * change that causes it. At the end of the sweep the notes due for each official are merged into ONE message
 * (`mergeNotes`), written together with the notes' "merged" mark and the recipient's daily counter in one
 * transaction. A note alone goes out as the very SMS it would have been. Guardians never get notes: their
 * messages are enqueued as before, one per cause.
 */
export const noteSchema = z.object({
  /** Deterministic, the id the single SMS would have had (e.g. `slot#<slotId>#L1#<personId>`). */
  id: z.string().check(z.minLength(8), z.maxLength(200)),
  /** Officials only: a guardian's message is never a note, never merged (its own SMS, one per cause). */
  recipient: z.extend(messageSchema.shape.recipient, { personId: idSchema, role: roleSchema }),
  /** The SMS this note is on its own (already rendered and masked for officials). */
  single: z.object({
    template: z.string().check(z.minLength(1)),
    /** The exact wording key and params, for a template provider (absent on notes written before them). */
    templateKey: z.optional(z.string().check(z.minLength(1))),
    params: z.optional(z.record(z.string(), z.string())),
    text: z.string().check(z.minLength(1)),
    parts: z.int().check(z.gte(1)),
  }),
  /** Notes of the same group are listed under one header in a merged SMS. */
  group: z.object({
    key: z.string().check(z.minLength(1)),
    /** Header for several notes of the group; `{n}` is replaced by their count (e.g. `东昌镇等{n}所学校12月2日日报逾期未报`). */
    many: z.string().check(z.minLength(1)),
  }),
  /** How this cause reads in a list: the school name, or school + masked pupil. */
  item: z.string().check(z.minLength(1), z.maxLength(64)),
  /** How this cause reads on its own in the console's list (`[1级催报]东昌中心校12月2日日报逾期未报`). */
  summary: z.string().check(z.minLength(1), z.maxLength(200)),
  subject: messageSchema.shape.subject,
  schoolId: z.optional(idSchema),
  townshipId: z.optional(idSchema),
  /** The case of a notice's alert (the message's `caseId`): the case's message log lists the note. */
  caseId: messageSchema.shape.caseId,
  createdAt: z.iso.datetime(),
  /** Due for the next round at or after this instant (moved to the next day when the daily cap is reached). */
  notBefore: z.iso.datetime(),
});
export type Note = z.infer<typeof noteSchema>;

/**
 * An official's rendered message as a note (alone it goes out as this very message, same id). Refuses a guardian's:
 * guardians' messages are never merged.
 */
export function noteFromMessage(m: Message, merge: { group: Note['group']; item: string; summary: string }): Note {
  const { personId } = m.recipient;
  if (m.audience !== 'official' || m.recipient.role === 'guardian' || !personId)
    throw new RangeError(`message ${m.id} is not to an official: it cannot be merged`);
  return noteSchema.parse({
    id: m.id,
    recipient: { ...m.recipient, personId, role: m.recipient.role },
    single: {
      template: m.template,
      ...(m.templateKey ? { templateKey: m.templateKey } : {}),
      ...(m.params ? { params: m.params } : {}),
      text: m.text,
      parts: m.parts,
    },
    group: merge.group,
    item: merge.item.slice(0, 64),
    summary: merge.summary.slice(0, 200),
    subject: m.subject,
    ...(m.schoolId ? { schoolId: m.schoolId } : {}),
    ...(m.townshipId ? { townshipId: m.townshipId } : {}),
    ...(m.caseId ? { caseId: m.caseId } : {}),
    createdAt: m.createdAt,
    notBefore: m.notBefore,
  });
}

/** Most notes one merged SMS covers: one transaction holds the message, the counter and each note's mark. */
export const MAX_NOTES_PER_MESSAGE = 90;

/** Deterministic id of a merged message: the recipient plus the exact set of notes it covers. */
export function roundMessageId(personId: string, noteIds: readonly string[]): string {
  const hash = createHash('sha256')
    .update([...noteIds].sort().join('\n'))
    .digest('hex')
    .slice(0, 20);
  return `round#${personId}#${hash}`;
}

/** Key of a phone number's daily counter: a hash, so no key (and no error naming one) holds the number. */
export const phoneKey = (phone: string) => createHash('sha256').update(phone).digest('hex').slice(0, 24);

export const MERGED_TEMPLATE = roundMergedTemplate.id;

/**
 * The one SMS for an official's notes (sorted by createdAt, then id). One note: its own SMS, same id. Several:
 * `【签名】<group>；<group>…（共N项，完整清单见系统消息记录）`, each group `<header>：<item>、<item>…`, shortened
 * to `maxParts` parts: item lists are cut first (`A、B等`), then whole groups (`另有N项`). The full list is on the
 * message (`covers`) for the console. Through a template provider (`provider` tencent/aliyun), which sends only
 * approved templates with bounded variables, the merged text is the `round.merged` template instead (count and
 * the first header): what the log shows is what the official received.
 */
export function mergeNotes(
  notes: readonly Note[],
  options: { signature: string; maxParts?: number; provider?: { kind: SmsProviderKind } },
  now: Date,
): Message {
  if (notes.length === 0) throw new RangeError('nothing to merge');
  const sorted = [...notes].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const first = sorted[0]!;
  const at = now.toISOString();
  const common = <K extends 'schoolId' | 'townshipId'>(k: K) =>
    sorted.every((n) => n[k] === first[k]) && first[k] ? { [k]: first[k] } : {};
  const base = {
    audience: 'official' as const,
    recipient: first.recipient,
    notBefore: at,
    status: 'QUEUED' as const,
    createdAt: at,
    attempts: 0,
    version: 0,
    ...common('schoolId'),
    ...common('townshipId'),
  };
  if (sorted.length === 1) {
    return {
      ...base,
      id: first.id,
      ...first.single,
      subject: first.subject,
      ...(first.caseId ? { caseId: first.caseId } : {}),
    };
  }
  const viaTemplate = options.provider !== undefined && options.provider.kind !== 'sns';
  const rendered = renderSms(
    roundMergedTemplate,
    { count: sorted.length, topic: roundTopic(firstHeader(sorted)) },
    { signature: options.signature, ...(options.maxParts ? { maxParts: options.maxParts } : {}) },
  );
  const text = viaTemplate ? rendered.text : mergedText(sorted, options.signature, options.maxParts ?? 2);
  const id = roundMessageId(
    first.recipient.personId,
    sorted.map((n) => n.id),
  );
  return {
    ...base,
    id,
    template: MERGED_TEMPLATE,
    templateKey: rendered.key,
    params: rendered.params,
    text,
    parts: smsParts(text),
    subject: { kind: 'system', id },
    covers: sorted.map((n) => ({
      id: n.id,
      summary: n.summary,
      ...(n.schoolId ? { schoolId: n.schoolId } : {}),
    })),
  };
}

/** The header of the first group (notes sorted), with its count: what a provider's merged template names. */
function firstHeader(sorted: readonly Note[]): string {
  const first = sorted[0]!.group;
  const n = sorted.filter((x) => x.group.key === first.key).length;
  return n === 1 ? sorted[0]!.summary : first.many.replace('{n}', String(n));
}

function mergedText(notes: readonly Note[], signature: string, maxParts: number): string {
  const groups: { many: string; items: string[] }[] = [];
  const byKey = new Map<string, { many: string; items: string[] }>();
  for (const n of notes) {
    let g = byKey.get(n.group.key);
    if (!g) {
      g = { many: n.group.many, items: [] };
      byKey.set(n.group.key, g);
      groups.push(g);
    }
    g.items.push(n.item);
  }
  const head = `【${signature}】`;
  const tail = `（共${notes.length}项，完整清单见系统消息记录）`;
  const fits = (t: string) => smsParts(t) <= maxParts;
  const clause = (g: { many: string; items: string[] }, shown: number) => {
    const header = g.many.replace('{n}', String(g.items.length));
    if (shown <= 0) return header;
    const list = g.items.slice(0, shown).join('、');
    return `${header}：${list}${shown < g.items.length ? '等' : ''}`;
  };
  const render = (shown: number[], kept: number) => {
    const parts = groups.slice(0, kept).map((g, i) => clause(g, shown[i]!));
    const rest = groups.slice(kept).reduce((s, g) => s + g.items.length, 0);
    return `${head}${parts.join('；')}${rest > 0 ? `；另有${rest}项` : ''}${tail}`;
  };
  const shown = groups.map((g) => g.items.length);
  let text = render(shown, groups.length);
  // Cut the longest item list one item at a time until the text fits.
  while (!fits(text) && shown.some((s) => s > 0)) {
    const i = shown.indexOf(Math.max(...shown));
    shown[i] = shown[i]! - 1;
    text = render(shown, groups.length);
  }
  // Still too long: keep fewer groups.
  for (let kept = groups.length - 1; !fits(text) && kept >= 1; kept--) text = render(shown, kept);
  return text;
}

/** When notes held by the daily cap of `day` may go: the next CST day at the officials' office start. */
export const nextDayStart = (day: CstDate, officeStart: string): Date => cstInstant(addDays(day, 1), officeStart);
