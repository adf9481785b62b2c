import { createHash, randomBytes } from 'node:crypto';
import type { NewId } from './ports.ts';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Time-sortable random id (48-bit ms timestamp + 80 random bits, Crockford base32, lower case). */
export const newId: NewId = () => {
  let t = Date.now();
  let time = '';
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += ALPHABET[(bytes[i] ?? 0) % 32];
  return time + rand;
};

/**
 * The same id for the same parts, every time (idempotent writes: a re-filed report finds its case or event already
 * there). `prefix-` + 26 hex digits of SHA-256 over the parts; the parts themselves (names) never show in the id.
 */
export function deterministicId(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 26)}`;
}
