import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { ResponseHook } from '@aws-lambda-powertools/idempotency/types';
import type { Context } from 'aws-lambda';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { SingleTableIdempotency } from '../../shared/adapters/dynamo/idempotency.ts';
import { IDEMPOTENCY_TTL_SECONDS } from '../../shared/domain/access.ts';
import { HttpError, ValidationError } from '../../shared/domain/errors.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import { principalFromClaims } from './claims.ts';
import { type ApiEvent, type ApiResult, errorReply, jsonResult, type Reply, unauthorized } from './http.ts';
import { cachedOrg } from './org.ts';
import { buildRouter } from './routes.ts';

export type { ApiDeps, ApiPorts } from './api-deps.ts';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/**
 * The HTTP API: one Lambda behind API Gateway HTTP API (payload 2.0), the same handler behind the local server.
 * 1. Match the route; read the caller from the JWT authorizer's claims (401 without).
 * 2. For a POST with an Idempotency-Key: run it once through Powertools idempotency (replay, or refuse a reuse).
 * 3. Parse the JSON body, run the route (zod validation, scope checks, one use case), map errors to HTTP once.
 */
export function createApiHandler(deps: ApiDeps): (event: ApiEvent, context?: Context) => Promise<ApiResult> {
  const ports: ApiPorts = {
    directory: deps.ports?.directory ?? new DynamoDirectoryRepository(deps.doc, deps.tableName),
    idempotency: deps.ports?.idempotency ?? new SingleTableIdempotency(deps.doc, deps.tableName),
    audit: deps.ports?.audit ?? new DynamoAuditLog(deps.doc, deps.tableName),
  };
  const loadOrg = cachedOrg(ports.directory, () => deps.clock.now());
  const router = buildRouter(deps, ports);
  const idempotent = idempotentRunner(ports.idempotency);

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

interface IdempotentRequest {
  /** `<personId>#<Idempotency-Key>`: a key belongs to its caller. */
  key: string;
  /** Method, path and raw body: the same key with another request is refused. */
  request: string;
}

/** A reply with status >= 400 is not stored: the caller may fix the cause and retry under the same key. */
class UnstoredReply extends Error {
  constructor(readonly reply: Reply) {
    super(`reply ${reply.status} not stored under its Idempotency-Key`);
  }
}

function scopedKey(personId: string, key: string): string {
  if (!IDEMPOTENCY_KEY.test(key))
    throw new ValidationError([{ field: 'Idempotency-Key', reason: '应为 8–128 个字母、数字或 _ . : -' }]);
  return `${personId}#${key}`;
}

/**
 * Runs a POST at most once per key with Powertools idempotency: the first request claims the key (conditional
 * put), a retry with the same request replays the stored reply (`idempotent-replayed: true`), a different request
 * under the same key is refused (422), and a request still running under the key is a conflict (409). Only
 * successes are stored: after a thrown error or a 4xx/5xx reply the key is released.
 */
function idempotentRunner(store: BasePersistenceLayer) {
  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'request',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    // A replay carries the stored status and body, marked as replayed.
    responseHook: (response) => {
      const stored = response as { status: number; body: ReturnType<ResponseHook> };
      return { status: stored.status, body: stored.body, headers: { 'idempotent-replayed': 'true' } };
    },
  });
  const once = makeIdempotent(
    async (_request: IdempotentRequest, run: () => Promise<Reply>): Promise<Reply> => {
      const reply = await run();
      if (reply.status >= 400 || reply.raw) throw new UnstoredReply(reply);
      // Stored as the client sees it: JSON (undefined fields dropped), so the replay is the same bytes.
      return JSON.parse(JSON.stringify({ status: reply.status, body: reply.body, headers: reply.headers })) as Reply;
    },
    // The same prefix in Lambda and locally: keys survive a rename of the function.
    { persistenceStore: store, config, keyPrefix: 'api' },
  );
  return async (request: IdempotentRequest, run: () => Promise<Reply>, context?: Context): Promise<Reply> => {
    // In Lambda the key is also released when the invocation times out mid-request (remaining time).
    if (context?.getRemainingTimeInMillis) config.registerLambdaContext(context);
    try {
      return await once(request, run);
    } catch (error) {
      if (error instanceof UnstoredReply) return error.reply;
      if (error instanceof IdempotencyValidationError)
        throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', '该 Idempotency-Key 已用于另一个请求，请为新请求生成新的键');
      if (error instanceof IdempotencyAlreadyInProgressError)
        throw new HttpError(409, 'IDEMPOTENCY_IN_PROGRESS', '相同 Idempotency-Key 的请求正在处理，请稍后重试');
      throw error;
    }
  };
}
