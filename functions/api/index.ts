import { createHash } from 'node:crypto';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoIdempotencyStore } from '../../shared/adapters/dynamo/idempotency.ts';
import type { AuditLog, IdempotencyStore } from '../../shared/domain/access.ts';
import { ValidationError } from '../../shared/domain/errors.ts';
import type { DirectoryRepository } from '../../shared/domain/ports.ts';
import type { Clock } from '../../shared/domain/time.ts';
import type { Deps } from '../deps.ts';
import { principalFromClaims } from './claims.ts';
import { type ApiEvent, type ApiResult, errorReply, HttpError, jsonResult, type Reply, unauthorized } from './http.ts';
import { cachedOrg } from './org.ts';
import { buildRouter } from './routes.ts';

/** Ports the API reads and writes besides the use cases' own. Tests pass in-memory ones. */
export interface ApiPorts {
  directory: DirectoryRepository;
  idempotency: IdempotencyStore;
  audit: AuditLog;
}

export interface ApiDeps extends Deps {
  /** LOCAL ONLY: enables `POST /api/dev/sign-in` and signs its HS256 tokens. Never set in the cloud. */
  devAuthSecret?: string;
  /**
   * LOCAL ONLY: the clock dev tokens are issued and checked on (default: the machine's). Never the virtual clock: a
   * sign-in is a real-time session, so `advance 7d` in the runtime must not sign everybody out.
   */
  devAuthClock?: Clock;
  ports?: Partial<ApiPorts>;
}

const IDEMPOTENCY_KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/**
 * The HTTP API: one Lambda behind API Gateway HTTP API (payload 2.0), the same handler behind the local server.
 * 1. Match the route; read the caller from the JWT authorizer's claims (401 without).
 * 2. For a POST with an Idempotency-Key: claim the key, or replay / refuse what was stored under it.
 * 3. Parse the JSON body, run the route (zod validation, scope checks, one use case), map errors to HTTP once.
 */
export function createApiHandler(deps: ApiDeps): (event: ApiEvent) => Promise<ApiResult> {
  const ports: ApiPorts = {
    directory: deps.ports?.directory ?? new DynamoDirectoryRepository(deps.doc, deps.tableName),
    idempotency: deps.ports?.idempotency ?? new DynamoIdempotencyStore(deps.doc, deps.tableName),
    audit: deps.ports?.audit ?? new DynamoAuditLog(deps.doc, deps.tableName),
  };
  const loadOrg = cachedOrg(ports.directory, () => deps.clock.now());
  const router = buildRouter(deps, ports);

  return async (event) => {
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
          now: deps.clock.now(),
        };
        return route.handle(ctx);
      };
      const key = headerOf(event, 'idempotency-key');
      const reply =
        method === 'POST' && key && principal
          ? await idempotent(
              ports.idempotency,
              `${principal.personId}#${key}`,
              `${method} ${path}\n${rawBody}`,
              run,
              deps,
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
    throw new ValidationError([{ field: '(body)', reason: 'the body is not valid JSON' }]);
  }
}

/**
 * Runs a POST at most once per key: the first request claims the key (conditional put), later ones with the same
 * body replay its stored response, a different body under the same key is refused (422), and a request still
 * running under the key is a conflict (409). Only successes are stored: after an error the key is released.
 */
async function idempotent(
  store: IdempotencyStore,
  scopedKey: string,
  request: string,
  run: () => Promise<Reply>,
  deps: Pick<Deps, 'clock'>,
): Promise<Reply> {
  const key = scopedKey.slice(scopedKey.indexOf('#') + 1);
  if (!IDEMPOTENCY_KEY.test(key))
    throw new ValidationError([
      { field: 'Idempotency-Key', reason: 'expected 8–128 characters of letters, digits, _ . : -' },
    ]);
  const hash = createHash('sha256').update(request).digest('hex');
  const begin = await store.begin(scopedKey, hash, deps.clock.now());
  if (begin.kind === 'replay') return { ...begin.response, headers: { 'idempotent-replayed': 'true' } };
  if (begin.kind === 'mismatch')
    throw new HttpError(422, 'IDEMPOTENCY_KEY_REUSED', '该 Idempotency-Key 已用于另一个请求，请为新请求生成新的键');
  if (begin.kind === 'in-progress')
    throw new HttpError(409, 'IDEMPOTENCY_IN_PROGRESS', '相同 Idempotency-Key 的请求正在处理，请稍后重试');
  let reply: Reply;
  try {
    reply = await run();
  } catch (error) {
    // Refusals and failures are not stored: the caller may fix the cause (scope, a concurrent change) and retry.
    await store.release(scopedKey);
    throw error;
  }
  if (reply.status >= 400) await store.release(scopedKey);
  else await store.complete(scopedKey, hash, { status: reply.status, body: reply.body }, deps.clock.now());
  return reply;
}
