import type * as z from 'zod/mini';

// Records read back from storage are parsed with their schema: a corrupt item fails loudly, naming the record and
// every field that is wrong, instead of reaching the domain as something it is not.

/** True when a schema's output and a domain interface are the same type (checked by the compiler both ways). */
export type SameType<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

/** A stored record parsed with its schema, or an Error `stored <what> <id> is corrupt: <field>: <reason>; …`. */
export function parseStored<S extends z.ZodMiniType>(schema: S, item: unknown, what: string): z.output<S> {
  const r = schema.safeParse(item);
  if (r.success) return r.data;
  const id = typeof item === 'object' && item && 'id' in item ? String(item.id) : '?';
  const fields = r.error.issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ');
  throw new Error(`stored ${what} ${id} is corrupt: ${fields}`);
}
