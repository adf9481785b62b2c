import * as z from 'zod/mini';
import { ValidationError } from './errors.ts';

/**
 * The paged listings' shared query fields and opaque cursors. A cursor is base64url JSON of what the listing needs to
 * resume (the scope it belongs to and the key it stopped at); it is checked against its schema and against the
 * request on the way back in, so a tampered cursor, or one issued for another case or query, is a 400 naming
 * `query.cursor`, never a read outside the caller's request.
 */

/** Largest page of the paged listings, and the page when `?limit` is not given. */
export const PAGE_MAX = 100;
export const PAGE_DEFAULT = 50;

const LIMIT_REASON = `每页条数 limit 应为 1 至 ${PAGE_MAX} 的整数`;

/** `?limit`: 1…100, default 50; `abc`, 0 or 101 are refused naming `limit`. */
export const pageLimitSchema = z._default(
  z.coerce
    .number({ error: LIMIT_REASON })
    .check(
      z.int(LIMIT_REASON),
      z.gte(1, '每页条数 limit 至少为 1'),
      z.lte(PAGE_MAX, `每页条数 limit 最多为 ${PAGE_MAX}`),
    ),
  PAGE_DEFAULT,
);

/** `?cursor`: the previous page's `nextCursor`, as returned. */
export const pageCursorSchema = z.optional(z.string().check(z.minLength(1), z.maxLength(2000, '翻页游标 cursor 过长')));

/** The two query fields of every paged listing. */
export const pageQueryFields = { limit: pageLimitSchema, cursor: pageCursorSchema };

const badCursor = (reason: string) => new ValidationError([{ field: 'query.cursor', reason }]);

export const encodePageCursor = (body: unknown): string => Buffer.from(JSON.stringify(body)).toString('base64url');

/**
 * A cursor read back: its schema, then `belongs` (the request's scope: the same case, the same query). Either failing
 * is a 400 naming `query.cursor`, with a reason an official can act on.
 */
export function decodePageCursor<S extends z.ZodMiniType>(
  raw: string,
  schema: S,
  belongs: (cursor: z.output<S>) => boolean,
): z.output<S> {
  let cursor: z.output<S>;
  try {
    cursor = schema.parse(JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'))) as z.output<S>;
  } catch {
    throw badCursor('翻页游标 cursor 无效：请使用上一页返回的 nextCursor');
  }
  if (!belongs(cursor)) throw badCursor('翻页游标 cursor 不属于本次查询：请从第一页重新查询');
  return cursor;
}

/** A table key as a cursor holds it: `pk` and `sk` strings of bounded length (index keys added by the caller). */
export const tableKeySchema = z.strictObject({
  pk: z.string().check(z.minLength(1), z.maxLength(300)),
  sk: z.string().check(z.minLength(1), z.maxLength(400)),
});
