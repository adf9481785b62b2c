import type { Context } from 'aws-lambda';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { HttpError, ValidationError } from '../../shared/domain/errors.ts';
import { lazyModule } from '../lazy-module.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { principalFromClaims } from './claims.ts';
import { type ApiEvent, type ApiResult, errorReply, jsonResult, type Reply, unauthorized } from './http.ts';
import type { IdempotentRequest, IdempotentRunner } from './idempotency.ts';
import { cachedOrg } from './org.ts';
import { buildRouter } from './routes.ts';

export type { ApiDeps, ApiPorts } from './api-deps.ts';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/**
 * The HTTP API: one Lambda behind API Gateway HTTP API (payload 2.0), the same handler behind the local server.
 * 1. Match the route; read the caller from the JWT authorizer's claims (401 without).
 * 2. For a POST with an Idempotency-Key: run it once through Powertools idempotency (replay, or refuse a reuse),
 *    loaded on the first such POST (functions/api/idempotency.ts).
 * 3. Parse the JSON body, run the route (zod validation, scope checks, one use case), map errors to HTTP once.
 */
export function createApiHandler(deps: ApiDeps): (event: ApiEvent, context?: Context) => Promise<ApiResult> {
  const ports: ApiPorts = {
    directory: deps.ports?.directory ?? new DynamoDirectoryRepository(deps.doc, deps.tableName),
    audit: deps.ports?.audit ?? new DynamoAuditLog(deps.doc, deps.tableName),
  };
  const loadOrg = cachedOrg(ports.directory, () => deps.clock.now());
  const router = buildRouter(deps, ports);
  const idempotent = idempotentRunner(deps);

  return async (event, context) => {
    const requestId = event.requestContext?.requestId ?? 'local';
    const method = event.requestContext?.http?.method ?? 'GET';
    const path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
    try {
      const matched = router.match(method, path);
      if (matched === 'method-not-allowed') throw new HttpError(405, 'METHOD_NOT_ALLOWED', '不支持该请求方法');
      if (!matched) throw new HttpError(404, 'NOT_FOUND', '没有这个接口');
      const { route, params } = matched;
      const principal = principalFromClaims(event.requestContext?.authorizer?.jwt?.claims);
      if (!route.public && !principal) throw unauthorized();
      const rawBody = event.body
        ? event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString()
          : event.body
        : '';
      const key = headerOf(event, 'idempotency-key');
      const run = async (): Promise<Reply> => {
        const ctx = {
          principal: principal!,
          params,
          query: Object.fromEntries(
            Object.entries(event.queryStringParameters ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
          ),
          body: parseBody(method, rawBody),
          org: await loadOrg(),
          ports,
          requestId,
          idempotencyKey: key,
          now: deps.clock.now(),
        };
        return route.handle(ctx);
      };
      const reply =
        method === 'POST' && key && principal
          ? await idempotent(
              { key: scopedKey(principal.personId, key), request: `${method} ${path}\n${rawBody}` },
              run,
              context,
            )
          : await run();
      if (reply.raw)
        return {
          statusCode: reply.status,
          headers: reply.headers ?? {},
          body: reply.raw.body,
          isBase64Encoded: reply.raw.isBase64Encoded,
        };
      return jsonResult(reply.status, reply.body, reply.headers);
    } catch (error) {
      const reply = errorReply(error, deps.log, requestId);
      return jsonResult(reply.status, reply.body);
    }
  };
}

function headerOf(event: ApiEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const found = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return found?.[1];
}

function parseBody(method: string, raw: string): unknown {
  if (method === 'GET') return undefined;
  if (raw.trim() === '') return {};
  try {
    return JSON.parse(raw);
  } catch {
    throw new ValidationError([{ field: '(body)', reason: '请求体不是有效的 JSON' }]);
  }
}

function scopedKey(personId: string, key: string): string {
  if (!IDEMPOTENCY_KEY.test(key))
    throw new ValidationError([{ field: 'Idempotency-Key', reason: '应为 8–128 个字母、数字或 _ . : -' }]);
  return `${personId}#${key}`;
}

type IdempotencyModule = typeof import('./idempotency.ts');

/**
 * Powertools idempotency loads on the first POST with an Idempotency-Key: in the function asset from the lazy chunk
 * `lazy/idempotency.mjs` next to index.mjs (infra/bundling.ts IDEMPOTENCY), run from source (tsx, tests) the module
 * itself. Computed specifiers keep esbuild from pulling it into the main chunk. A refusal becomes the HTTP error here.
 */
function idempotentRunner(deps: ApiDeps) {
  const loadModule = lazyModule<IdempotencyModule>(import.meta.url, './lazy/idempotency.mjs', './idempotency.ts');
  let runner: Promise<IdempotentRunner> | undefined;
  const load = () => {
    // In the asset the chunk has an AWS SDK of its own, so its persistence layer makes its own client.
    const fromAsset = import.meta.url.endsWith('/index.mjs');
    runner ??= loadModule().then((m) => m.idempotentRunner(deps.tableName, fromAsset ? undefined : deps.doc));
    return runner;
  };
  return async (request: IdempotentRequest, run: () => Promise<Reply>, context?: Context): Promise<Reply> => {
    const outcome = await (await load())(request, run, context);
    if ('reply' in outcome) return outcome.reply;
    if (outcome.refused === 'reused')
      throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', '该 Idempotency-Key 已用于另一个请求，请为新请求生成新的键');
    throw new HttpError(409, 'IDEMPOTENCY_IN_PROGRESS', '相同 Idempotency-Key 的请求正在处理，请稍后重试');
  };
}
