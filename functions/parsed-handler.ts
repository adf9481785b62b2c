import { parser } from '@aws-lambda-powertools/parser/middleware';
import type { ParsedResult } from '@aws-lambda-powertools/parser/types';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { fromZodIssues } from '../shared/domain/errors.ts';

/** What a Lambda-shaped handler looks like to the local host and to tests: the context is optional. */
export type InvokableHandler<R> = (event?: unknown, context?: Context) => Promise<R>;

/**
 * A middy handler whose event is checked by the Powertools parser middleware before `run` sees it. A bad event is a
 * ValidationError naming the `event.<field>`, as everywhere else. Same code in Lambda, the local host and tests.
 */
export function parsedHandler<S extends z.ZodMiniType, R>(
  schema: S,
  run: (event: z.output<S>, context: Context) => Promise<R>,
): InvokableHandler<R> {
  const handler = middy<ParsedResult<unknown, z.output<S>>, R>()
    .use(parser({ schema, safeParse: true }))
    .handler(async (parsed, context) => {
      if (!parsed.success) throw fromZodIssues(issuesOf(parsed.error), 'event');
      return run(parsed.data, context);
    });
  return (event, context) => handler(event as never, context ?? ({} as Context));
}

type Issue = { path?: readonly (PropertyKey | { key: PropertyKey })[]; message: string };

/** The parser's ParseError carries the schema's standard issues as its cause. */
function issuesOf(error: Error): { path: PropertyKey[]; message: string }[] {
  const issues = (error.cause as Issue[] | undefined) ?? [{ message: error.message }];
  return issues.map((i) => ({
    message: i.message,
    path: (i.path ?? []).map((p) => (typeof p === 'object' && p !== null ? p.key : p)),
  }));
}
