import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AppConfig } from '../shared/config/app-config.ts';
import type { Clock, Log, Metrics, NewId, ReceiptSource, SmsSender, TimerScheduler } from '../shared/domain/ports.ts';
import type { IdHashKey } from '../shared/domain/roll.ts';

/**
 * Everything a handler factory needs. The cloud entry (`handler.ts`) builds it from env at init
 * (cloud-deps.ts); the local runtime and tests build it from local adapters. Handlers are
 * `create<Name>Handler(deps)` in `functions/<name>/index.ts`, so the same code runs in all three.
 */
export interface Deps {
  doc: DynamoDBDocumentClient;
  tableName: string;
  sms: SmsSender;
  timers: TimerScheduler;
  /** Only for a function with 'sms-receipts' access: the provider's delivery receipts to pull. */
  receipts?: ReceiptSource;
  /** Only for the receipt webhook: the shared secret its caller must present (read once, cached). */
  hookToken?: () => Promise<string>;
  /**
   * The rolls' keyed-hash key for uploads through the API: locally the runtime's key file (the CLI's); in the cloud
   * absent, and the upload chunk reads the SSM SecureString `rosters.idKeyParameter`.
   */
  idKey?: IdHashKey;
  clock: Clock;
  newId: NewId;
  log: Log;
  metrics: Metrics;
  config: AppConfig;
}
