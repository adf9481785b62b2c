import { describe, expect, it } from 'vitest';
import type { FunctionSpec } from '../../functions/manifest.ts';
import { scheduleId, validateFunctionSpecs } from '../../infra/function-specs.ts';
import { sampleSpecs } from './support/sample-specs.ts';

const withSpec = (name: string, change: (s: FunctionSpec) => FunctionSpec) =>
  sampleSpecs().map((s) => (s.name === name ? change(s) : s));

describe('validateFunctionSpecs (manifest checks at synth)', () => {
  it('accepts the sample manifest', () => {
    expect(() => validateFunctionSpecs(sampleSpecs())).not.toThrow();
  });

  it('rejects unbounded stream retries, naming the function and field', () => {
    const specs = withSpec('outbox-dispatcher', (s) => ({
      ...s,
      triggers: s.triggers.map((t) => (t.kind === 'stream' ? { ...t, maxRetries: -1 } : t)),
    }));

    expect(() => validateFunctionSpecs(specs)).toThrow(/outbox-dispatcher: maxRetries -1/);
  });

  it('rejects a third stream consumer (at most two readers per shard)', () => {
    const extra = { ...sampleSpecs()[0]!, name: 'third-consumer' };

    expect(() => validateFunctionSpecs([...sampleSpecs(), extra])).toThrow(/3 functions consume the table stream/);
  });

  it('rejects scheduler access when no function is the timer target', () => {
    const specs = sampleSpecs().filter((s) => s.name !== 'notice-deadline');

    expect(() => validateFunctionSpecs(specs)).toThrow(/need 'scheduler' access but no function has a 'timer-target'/);
  });

  it('rejects a log-subscription trigger without log groups or with a group name CloudWatch Logs refuses', () => {
    const logs = (logGroups: string[]) =>
      withSpec('reconcile', (s) => ({
        ...s,
        triggers: [{ kind: 'log-subscription', logGroups, description: 'x' }],
      }));

    expect(() => validateFunctionSpecs(logs([]))).toThrow(/reconcile: a log-subscription trigger needs at least one/);
    expect(() => validateFunctionSpecs(logs(['sns/{region}/bad name']))).toThrow(
      /reconcile: log group 'sns\/\{region\}\/bad name'/,
    );
    expect(() => validateFunctionSpecs(logs(['sns/{region}/{account}/DirectPublishToPhoneNumber']))).not.toThrow();
  });

  it('rejects a five-field cron', () => {
    const specs = withSpec('reconcile', (s) => ({
      ...s,
      triggers: [{ kind: 'schedule', cron: '30 2 * * ?', timezone: 'Asia/Shanghai', description: 'x' }],
    }));

    expect(() => validateFunctionSpecs(specs)).toThrow(/reconcile: cron '30 2 \* \* \?' must have six fields/);
  });

  it('names schedules by function, numbering only when a function has several', () => {
    const [chase, reconcile] = [sampleSpecs()[2]!, sampleSpecs()[4]!];

    expect([scheduleId(chase, 0), scheduleId(chase, 1), scheduleId(reconcile, 0)]).toEqual([
      'chase-reports#1',
      'chase-reports#2',
      'reconcile',
    ]);
  });
});
