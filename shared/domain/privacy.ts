/**
 * Masking for anything an official, a log line or an export shows (R9): no full child name,
 * phone number or ID number leaves the pupil's school and the office.
 */

/** Whitespace between two Han characters is layout, not part of the name ("罗 燕" is 罗燕). */
const HAN_GAP = /(?<=\p{Script=Han})\s+(?=\p{Script=Han})/gu;

/**
 * 张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明 (length kept, first and last character shown);
 * spaces inside a Chinese name are dropped first, so "罗 燕" → 罗*. Latin names keep their first and last letter.
 */
export function maskName(name: string): string {
  const chars = [...name.trim().replace(HAN_GAP, '')];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

/**
 * +8613800000001 → 138****0001 (the country code is dropped; the middle four are hidden).
 * Shorter numbers (landlines without area code) keep only their last four; very short ones are hidden entirely.
 */
export function maskPhone(phone: string): string {
  const trimmed = phone.trim();
  let digits = trimmed.replace(/\D/g, '');
  if (/^(\+|00)86/.test(trimmed)) digits = digits.replace(/^(00)?86/, '');
  else if (/^861\d{10}$/.test(digits)) digits = digits.slice(2);
  if (digits.length < 7) return '*'.repeat(digits.length);
  if (digits.length < 11) return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** 18-digit resident ID → first 6 (region) and last 4 kept: 450331********123X. Short values are hidden entirely. */
export function maskIdNumber(id: string): string {
  const s = id.trim();
  if (s.length <= 10) return '*'.repeat(s.length);
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}

// Stand-alone numbers only: a phone-like run inside a longer number (an epoch in ms, an order number) is left
// alone, but separators people type ("138 0000 0001", "138-0000-0001") are understood.
const PHONE_RE = /(?<![\d+])(?:(?:\+|00)?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)/g;
const ID_RE = /(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])/g;

/** Scrubs phone and ID numbers from free text (log lines, error messages). Names cannot be found by pattern:
 * callers mask them with maskName before they reach a log. */
export function scrubText(text: string): string {
  return text.replace(ID_RE, (m) => maskIdNumber(m)).replace(PHONE_RE, (m) => maskPhone(m));
}

/**
 * A 学籍号 (it embeds the ID number: G + 18 characters, sometimes more) → first 5 and last 4 kept:
 * G450331200901011234 → G4503**********1234. Short references keep only their last 2.
 */
export function maskStudentRef(ref: string): string {
  const s = ref.trim();
  if (s.length <= 9) return `${'*'.repeat(Math.max(0, s.length - 2))}${s.slice(-2)}`;
  return `${s.slice(0, 5)}${'*'.repeat(s.length - 9)}${s.slice(-4)}`;
}

// A 学籍号 in running text: a letter followed by an 18-character ID number (and possibly more digits).
const STUDENT_REF_RE = /(?<![\dA-Za-z])[A-Za-z]\d{17}[\dXx]\d*(?![\dA-Za-z])/g;

/**
 * Free text (reason, 去向, notes) as shown outside the pupil's school and the office: the names the record knows
 * (pupil, guardian) masked wherever they appear, then 学籍号, ID and mobile numbers masked. Other names cannot be
 * found by pattern and stay as typed.
 */
export function scrubFreeText(text: string, knownNames: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const name of knownNames) {
    const n = name?.trim();
    if (n && n.length >= 2) out = out.split(n).join(maskName(n));
  }
  return scrubText(out.replace(STUDENT_REF_RE, (m) => maskStudentRef(m)));
}

/**
 * `scrubFreeText` over every string of a value (timeline event data, plan records): the one scrubber for free text
 * shown outside the pupil's school and the office. A `studentRef` field is masked as a 学籍号 whatever its shape.
 */
export function scrubFreeTextDeep(
  value: unknown,
  knownNames: readonly (string | undefined)[] = [],
  key?: string,
): unknown {
  if (typeof value === 'string') return key === 'studentRef' ? maskStudentRef(value) : scrubFreeText(value, knownNames);
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map((v) => scrubFreeTextDeep(v, knownNames, key));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubFreeTextDeep(v, knownNames, k)]));
}

type Masker = (value: string) => string;

/** Which masker a field name calls for (case-insensitive, so SNS's `PhoneNumber` is caught too). */
function maskerFor(key: string | undefined): Masker | undefined {
  if (!key) return undefined;
  const k = key.toLowerCase();
  if (k.includes('phone') || k.includes('mobile')) return maskPhone;
  if (k === 'idnumber' || k.endsWith('idnumber') || k.includes('idcard')) return maskIdNumber;
  if (k === 'name' || k === 'studentname' || k === 'guardianname' || k === 'childname') return maskName;
  return undefined;
}

/**
 * A copy of a log payload with sensitive fields masked by key (phone, ID number, names) and phone/ID
 * patterns scrubbed from every other string. Dates become ISO text, errors keep name and scrubbed message,
 * and cycles are cut, so any value can be passed safely.
 */
export function redact(value: unknown, key?: string): unknown {
  return redactValue(value, key, new Set());
}

function redactValue(value: unknown, key: string | undefined, ancestors: Set<object>): unknown {
  if (typeof value === 'string') return (maskerFor(key) ?? scrubText)(value);
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code;
    return { name: value.name, message: scrubText(value.message), ...(code === undefined ? {} : { code }) };
  }
  // `ancestors` holds the objects on the current path only: a value shared by two fields is not a cycle.
  if (ancestors.has(value)) return '[Circular]';
  ancestors.add(value);
  try {
    if (Array.isArray(value)) return value.map((v) => redactValue(v, key, ancestors));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactValue(v, k, ancestors)]));
  } finally {
    ancestors.delete(value);
  }
}
