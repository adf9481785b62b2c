import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../shared/domain/time.ts';
import { verifyDevToken } from './dev-token.ts';
import type { ApiEvent, ApiResult } from './http.ts';
import { type ApiDeps, createApiHandler } from './index.ts';

const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

export interface ApiServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

/**
 * The local face of the HTTP API: node:http turns each request into an API Gateway HTTP API (payload 2.0) event,
 * verifies the dev token the way the cloud JWT authorizer verifies Cognito's (claims land in
 * `requestContext.authorizer.jwt.claims`), runs the same handler, and serves the web console from `web/`.
 * The dev sign-in is enabled here (a random secret per start unless `devAuthSecret` is given); its tokens live on
 * real time (`devAuthClock`), not on the runtime's virtual clock.
 */
export async function startApiServer(options: {
  deps: ApiDeps;
  port?: number;
  host?: string;
  webRoot?: string;
  /** Providers' pushes (POST, no sign-in): path → the function the manifest's webhook trigger names. */
  webhooks?: Record<
    string,
    (event: { body: string; queryStringParameters: Record<string, string> }) => Promise<unknown>
  >;
}): Promise<ApiServer> {
  const secret = options.deps.devAuthSecret ?? randomBytes(32).toString('hex');
  const handler = createApiHandler({ ...options.deps, devAuthSecret: secret });
  const devAuthClock = options.deps.devAuthClock ?? systemClock;
  const webRoot = options.webRoot ?? WEB_ROOT;
  const host = options.host ?? '127.0.0.1';

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const url = new URL(req.url ?? '/', 'http://local');
        const webhook = options.webhooks?.[url.pathname];
        if (webhook && req.method === 'POST') {
          const body = await readBody(req);
          if (body === TOO_LARGE) {
            res.writeHead(413, { connection: 'close' });
            res.end();
            req.destroy();
            return;
          }
          const out = (await webhook({
            body,
            queryStringParameters: Object.fromEntries(url.searchParams),
          })) as { statusCode: number; headers?: Record<string, string>; body: string };
          res.writeHead(out.statusCode, out.headers ?? {});
          res.end(out.body);
          return;
        }
        if (url.pathname.startsWith('/api/')) {
          const body = await readBody(req);
          if (body === TOO_LARGE) {
            // As API Gateway does: 413, and the connection is closed so an unread body cannot garble the next request.
            res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
            res.end(
              JSON.stringify({
                error: { code: 'PAYLOAD_TOO_LARGE', message: `请求内容超过 ${MAX_BODY_BYTES / 1024 / 1024} MB 上限` },
              }),
            );
            req.destroy();
            return;
          }
          const result = await handler(toEvent(req, url, body, secret, options.deps.clock.now(), devAuthClock.now()));
          send(res, result);
          return;
        }
        await serveStatic(webRoot, url.pathname, res);
      } catch (error) {
        options.deps.log.error('local API server error', { error: (error as Error).name });
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL', message: '服务器内部错误' } }));
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** API Gateway HTTP APIs refuse payloads over 10 MB with 413 (the console sends a few KB). */
export const MAX_BODY_BYTES = 10 * 1024 * 1024;
const TOO_LARGE = Symbol('too large');

/** The request body, or TOO_LARGE as soon as it (or its declared length) passes MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | typeof TOO_LARGE> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return TOO_LARGE;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return TOO_LARGE;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An API Gateway HTTP API payload-2.0 event, with claims only when the bearer token verifies. */
function toEvent(req: IncomingMessage, url: URL, body: string, secret: string, now: Date, tokenNow: Date): ApiEvent {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers))
    if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(',') : v;
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
  // Tokens expire on real time (the session), while the request itself carries the runtime's virtual time.
  const claims = bearer ? verifyDevToken(bearer, secret, tokenNow) : undefined;
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] ? `${query[k]},${v}` : v;
  const method = req.method ?? 'GET';
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    body: body || undefined,
    isBase64Encoded: false,
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: '$default',
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: claims ? { jwt: { claims, scopes: [] }, principalId: '', integrationLatency: 0 } : undefined,
    },
  } as unknown as ApiEvent;
}

function send(res: import('node:http').ServerResponse, result: ApiResult): void {
  res.writeHead(result.statusCode, result.headers as Record<string, string>);
  // As API Gateway does: a base64 body (a file download) is decoded before it reaches the client.
  res.end(result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body);
}

async function serveStatic(root: string, pathname: string, res: import('node:http').ServerResponse): Promise<void> {
  const rel = normalize(decodeURIComponent(pathname === '/' ? '/index.html' : pathname)).replace(/^([/\\])+/, '');
  const file = join(root, rel);
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) {
    res.writeHead(403).end();
    return;
  }
  try {
    const content = await readFile(file);
    res.writeHead(200, {
      'content-type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-cache',
    });
    res.end(content);
  } catch {
    // Single-page console: unknown paths without an extension get the app.
    if (!extname(file)) return serveStatic(root, '/index.html', res);
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('未找到');
  }
}
