import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { DomainError, fromZodIssues, HttpError } from '../../shared/domain/errors.ts';
import type { Log } from '../../shared/domain/ports.ts';
import { scrubText } from '../../shared/domain/privacy.ts';

// Routes throw HttpError for refusals outside the domain's rules; it lives with every named error.
export { HttpError };

/** API Gateway HTTP API (payload 2.0) event with the JWT authorizer's claims. */
export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2 & { statusCode: number; body: string };

/** What a route returns: a status and a JSON body, or a file (`raw`: text, or base64 bytes for binary). */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  raw?: { body: string; isBase64Encoded: boolean };
}

export const unauthorized = () => new HttpError(401, 'UNAUTHENTICATED', '请先登录（缺少或无效的身份令牌）');

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

export function jsonResult(status: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode: status, headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/**
 * A file download in the HTTP API payload-2.0 response: binary bodies go base64-encoded with `isBase64Encoded`
 * (API Gateway decodes them before answering the client). Content-Disposition carries an ASCII fallback name and
 * the real (Chinese) one as RFC 5987 `filename*=UTF-8''…`.
 */
export function fileReply(input: {
  contentType: string;
  fileName: string;
  asciiFallback: string;
  body: string | Buffer;
}): Reply {
  const binary = typeof input.body !== 'string';
  return {
    status: 200,
    body: undefined,
    headers: {
      'content-type': input.contentType,
      'content-disposition': `attachment; filename="${input.asciiFallback}"; filename*=UTF-8''${rfc5987(input.fileName)}`,
      'cache-control': 'no-store',
    },
    raw: binary
      ? { body: (input.body as Buffer).toString('base64'), isBase64Encoded: true }
      : { body: input.body as string, isBase64Encoded: false },
  };
}

/** RFC 5987 ext-value: UTF-8 percent-encoded, leaving only attr-char unescaped. */
export function rfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Parses with a zod schema; failures are a ValidationError naming each field (→ 400). */
export function parseWith<T extends z.ZodMiniType>(schema: T, input: unknown, prefix: string): z.infer<T> {
  const r = schema.safeParse(input);
  if (!r.success) throw fromZodIssues(r.error.issues, prefix);
  return r.data;
}

/**
 * The one error mapper: a named error (shared/domain/errors.ts) becomes its class's status with its code, Chinese
 * message and fields; anything else is logged and answered with a generic 500 that reveals no internals.
 */
export function errorReply(error: unknown, log: Log, requestId: string): Reply {
  if (error instanceof DomainError)
    return {
      status: error.status,
      body: { error: { code: error.code, message: error.message, ...error.responseFields() } },
    };
  log.error('unhandled API error', {
    requestId,
    error: error instanceof Error ? `${error.name}: ${scrubText(error.message)}` : typeof error,
  });
  return {
    status: 500,
    body: { error: { code: 'INTERNAL', message: '服务器内部错误，请稍后重试', requestId } },
  };
}
