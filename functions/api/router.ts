import type { Principal } from '../../shared/domain/scope.ts';
import type { Reply } from './http.ts';
import type { OrgIndex } from './org.ts';

export type Method = 'GET' | 'POST' | 'PATCH';

/** What a route handler receives: the caller, path params, query, parsed JSON body and the organisation. */
export interface RouteContext<P> {
  principal: Principal;
  params: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  org: OrgIndex;
  ports: P;
  requestId: string;
  /** The request's Idempotency-Key header (POST), if any. */
  idempotencyKey?: string | undefined;
  now: Date;
}

export interface Route<P> {
  method: Method;
  /** `/api/cases/:caseId/visits` */
  path: string;
  /** Public routes (the local dev sign-in) run without a principal. */
  public?: boolean;
  /**
   * Who may call it, as docs/api.md says it (roles and scope, in English). Descriptive: the handler enforces access
   * (shared/domain/scope.ts); this is the line of the generated route table.
   */
  who: string;
  /** One line for docs/api.md's route table (`npm run docs:api`). */
  summary: string;
  handle(ctx: RouteContext<P>): Promise<Reply>;
}

interface Compiled<P> {
  route: Route<P>;
  segments: string[];
}

/** A tiny exact-segment router: `:name` segments capture, everything else matches literally. */
export class Router<P> {
  private readonly compiled: Compiled<P>[] = [];

  add(route: Route<P>): this {
    this.compiled.push({ route, segments: route.path.split('/').filter(Boolean) });
    return this;
  }

  get routes(): Route<P>[] {
    return this.compiled.map((c) => c.route);
  }

  /** The route for a method and path, 'method-not-allowed' if only the path matches, undefined if none. */
  match(
    method: string,
    path: string,
  ): { route: Route<P>; params: Record<string, string> } | 'method-not-allowed' | undefined {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    for (const c of this.compiled) {
      if (c.segments.length !== parts.length) continue;
      const params: Record<string, string> = {};
      const ok = c.segments.every((seg, i) => {
        const part = parts[i]!;
        if (seg.startsWith(':')) {
          try {
            params[seg.slice(1)] = decodeURIComponent(part);
          } catch {
            return false;
          }
          return true;
        }
        return seg === part;
      });
      if (!ok) continue;
      pathMatched = true;
      if (c.route.method === method) return { route: c.route, params };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}
