import type { AuditLog } from '../../shared/domain/access.ts';
import type { DirectoryRepository } from '../../shared/domain/ports.ts';
import type { Clock } from '../../shared/domain/time.ts';
import type { Deps } from '../deps.ts';

// The API's dependencies, apart from the handler (index.ts) that builds them and the routes that use them, so the
// routes never import the handler.

/** Ports the API reads and writes besides the use cases' own. Tests pass in-memory ones. */
export interface ApiPorts {
  directory: DirectoryRepository;
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
