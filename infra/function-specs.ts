import type { FunctionSpec } from '../functions/manifest.ts';

/** Lambda and DynamoDB Streams limits the manifest must respect (checked at synth, named in the error). */
const LIMITS = {
  timeoutSeconds: [1, 900],
  memoryMb: [128, 10_240],
  batchSize: [1, 10_000],
  /** Bounded: -1 (infinite) is not accepted. */
  maxRetries: [0, 10_000],
  maxRecordAgeSeconds: [60, 604_800],
} as const;

/** DynamoDB recommends at most two processes reading one stream shard at a time. */
export const MAX_STREAM_CONSUMERS = 2;

const NAME = /^[a-z][a-z0-9-]{1,40}$/;
/** EventBridge Scheduler cron body: six space-separated fields. */
const CRON = /^\S+( \S+){5}$/;

const ACCESS = new Set([
  'table-read',
  'table-write',
  'audit-append',
  'table-stream',
  'sms',
  'sms-receipts',
  'sms-webhook',
  'roll-id-key',
  'scheduler',
]);

/** Thrown when the function manifest cannot be deployed as written; names the function and the field. */
export class FunctionSpecError extends Error {
  override name = 'FunctionSpecError';
}

/** Validates the specs the stack is about to wire; throws one error listing every problem. */
export function validateFunctionSpecs(specs: readonly FunctionSpec[]): void {
  const problems: string[] = [];
  const within = (spec: string, field: keyof typeof LIMITS, value: number) => {
    const [min, max] = LIMITS[field];
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${spec}: ${field} ${value} must be an integer in ${min}..${max}`);
    }
  };
  const seen = new Set<string>();
  let streamConsumers = 0;
  const timerTargets: string[] = [];
  for (const spec of specs) {
    const n = spec.name;
    if (!NAME.test(n)) problems.push(`${n}: name must be kebab-case (a-z, 0-9, -)`);
    if (seen.has(n)) problems.push(`${n}: declared twice`);
    seen.add(n);
    within(n, 'timeoutSeconds', spec.timeoutSeconds);
    within(n, 'memoryMb', spec.memoryMb);
    for (const a of spec.access) if (!ACCESS.has(a)) problems.push(`${n}: unknown access '${a}'`);
    if (spec.access.includes('audit-append') && !spec.access.includes('table-write'))
      problems.push(`${n}: 'audit-append' needs 'table-write'`);
    let consumes = false;
    for (const t of spec.triggers) {
      if (t.kind === 'stream') {
        consumes = true;
        within(n, 'batchSize', t.batchSize);
        within(n, 'maxRetries', t.maxRetries);
        within(n, 'maxRecordAgeSeconds', t.maxRecordAgeSeconds);
        if (t.filters.length === 0) problems.push(`${n}: a stream trigger needs at least one filter pattern`);
        if (t.filters.length > 5) problems.push(`${n}: Lambda allows at most 5 filter patterns per mapping`);
      } else if (t.kind === 'schedule') {
        if (!CRON.test(t.cron))
          problems.push(`${n}: cron '${t.cron}' must have six fields (min hour dom month dow year)`);
        if (t.timezone !== 'Asia/Shanghai') problems.push(`${n}: schedules run in Asia/Shanghai`);
      } else if (t.kind === 'timer-target') {
        timerTargets.push(n);
      } else if (t.kind === 'webhook') {
        if (!/^\/hooks\/[a-z0-9/-]+$/.test(t.path)) problems.push(`${n}: a webhook path must be /hooks/<a-z0-9/->`);
      } else if (t.kind === 'log-subscription') {
        if (t.logGroups.length === 0) problems.push(`${n}: a log-subscription trigger needs at least one log group`);
        for (const g of t.logGroups)
          if (!/^[\w./#{}-]{1,512}$/.test(g))
            problems.push(`${n}: log group '${g}' is not a CloudWatch Logs group name`);
      }
    }
    if (consumes) streamConsumers++;
  }
  if (streamConsumers > MAX_STREAM_CONSUMERS) {
    problems.push(`${streamConsumers} functions consume the table stream; at most ${MAX_STREAM_CONSUMERS} may`);
  }
  if (timerTargets.length > 1)
    problems.push(`only one function may be the timer target, got ${timerTargets.join(', ')}`);
  const schedulers = specs.filter((s) => s.access.includes('scheduler')).map((s) => s.name);
  if (schedulers.length > 0 && timerTargets.length === 0) {
    problems.push(`${schedulers.join(', ')} need 'scheduler' access but no function has a 'timer-target' trigger`);
  }
  if (problems.length > 0) throw new FunctionSpecError(`functions/manifest.ts: ${problems.join('; ')}`);
}

/** Id of a recurring schedule in Scheduler input and in the local emulator: `<function>` or `<function>#<n>`. */
export function scheduleId(spec: FunctionSpec, index: number): string {
  const count = spec.triggers.filter((t) => t.kind === 'schedule').length;
  return count <= 1 ? spec.name : `${spec.name}#${index + 1}`;
}
