import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { ResponseHook } from '@aws-lambda-powertools/idempotency/types';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Context } from 'aws-lambda';
import { SingleTableIdempotency } from '../../shared/adapters/dynamo/idempotency.ts';
import { IDEMPOTENCY_TTL_SECONDS } from '../../shared/domain/access.ts';
import type { Reply } from './http.ts';

/**
 * The api's POST-once machinery: Powertools idempotency with its JMESPath engine and the single-table persistence
 * layer. This module is the api's lazy chunk `lazy/idempotency.mjs` (infra/bundling.ts IDEMPOTENCY), loaded on the
 * first POST with an Idempotency-Key, not at every cold start (reads never need it). Its records are read and written
 * by Powertools' DynamoDB persistence layer (shared/adapters/dynamo/idempotency.ts): through the function's document
 * client when run from source, through a client of the chunk's own AWS SDK in the asset. It answers refusals as
 * values, not errors: its Powertools error classes are its own, and the main chunk maps a refusal to its HTTP error.
 */

export interface IdempotentRequest {
  /** `<personId>#<Idempotency-Key>`: a key belongs to its caller. */
  key: string;
  /** Method, path and raw body: the same key with another request is refused. */
  request: string;
}

/** What a POST under an Idempotency-Key came to: its reply (run now or replayed), or why it was not run. */
export type IdempotentOutcome =
  | { reply: Reply }
  /** `reused`: the key was used for another request; `in-progress`: a request under the key is still running. */
  | { refused: 'reused' | 'in-progress' };

export type IdempotentRunner = (
  request: IdempotentRequest,
  run: () => Promise<Reply>,
  context?: Context,
) => Promise<IdempotentOutcome>;

/** A reply with status >= 400 is not stored: the caller may fix the cause and retry under the same key. */
class UnstoredReply extends Error {
  constructor(readonly reply: Reply) {
    super(`reply ${reply.status} not stored under its Idempotency-Key`);
  }
}

/**
 * Runs a POST at most once per key with Powertools idempotency: the first request claims the key (conditional
 * put), a retry with the same request replays the stored reply (`idempotent-replayed: true`), a different request
 * under the same key is refused, and a request still running under the key is refused as in progress. Only
 * successes are stored: after a thrown error (rethrown as is) or a 4xx/5xx reply the key is released.
 */
export function idempotentRunner(tableName: string, doc?: DynamoDBDocumentClient): IdempotentRunner {
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
    { persistenceStore: new SingleTableIdempotency(tableName, doc), config, keyPrefix: 'api' },
  );
  return async (request, run, context) => {
    // In Lambda the key is also released when the invocation times out mid-request (remaining time).
    if (context?.getRemainingTimeInMillis) config.registerLambdaContext(context);
    try {
      return { reply: await once(request, run) };
    } catch (error) {
      if (error instanceof UnstoredReply) return { reply: error.reply };
      if (error instanceof IdempotencyValidationError) return { refused: 'reused' };
      if (error instanceof IdempotencyAlreadyInProgressError) return { refused: 'in-progress' };
      throw error;
    }
  };
}
