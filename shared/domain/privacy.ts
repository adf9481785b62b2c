/**
 * Masking for anything an official, a log line or an export shows (R9): no full child name,
 * phone number or ID number leaves the pupil's school and the office.
 */

/** 张三 → 张*, 张小明 → 张*明, 欧阳小明 → 欧**明; Latin names keep their first letter. */
export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length === 0) return '';
  if (chars.length === 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars.at(-1)}`;
}

/** +8613800000001 → 138****0001 (the country code is dropped; the middle four are hidden). */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '').replace(/^86(?=1\d{10}$)/, '');
  if (digits.length < 7) return '*'.repeat(digits.length);
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}

/** 18-digit resident ID → first 6 (region) and last 4 kept: 450331********123X. */
export function maskIdNumber(id: string): string {
  const s = id.trim();
  if (s.length <= 10) return '*'.repeat(s.length);
  return `${s.slice(0, 6)}${'*'.repeat(s.length - 10)}${s.slice(-4)}`;
}

const PHONE_RE = /(?:\+?86)?1[3-9]\d{9}/g;
const ID_RE = /\b\d{17}[\dXx]\b/g;

/** Scrubs phone and ID numbers from free text (log lines, error messages). Names cannot be found by pattern:
 * callers mask them with maskName before they reach a log. */
export function scrubText(text: string): string {
  return text.replace(ID_RE, (m) => maskIdNumber(m)).replace(PHONE_RE, (m) => maskPhone(m));
}

const SENSITIVE_KEYS = new Set(['phone', 'guardianPhone', 'idNumber', 'studentName', 'guardianName', 'text', 'name']);

/** A copy of a log payload with sensitive fields masked by key and phone/ID patterns scrubbed everywhere. */
export function redact(value: unknown, key?: string): unknown {
  if (typeof value === 'string') {
    if (key === 'phone' || key === 'guardianPhone') return maskPhone(value);
    if (key === 'idNumber') return maskIdNumber(value);
    if (key === 'studentName' || key === 'guardianName' || key === 'name') return maskName(value);
    return scrubText(value);
  }
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, SENSITIVE_KEYS.has(k) ? redact(v, k) : redact(v)]),
    );
  }
  return value;
}
