import { describe, expect, it } from 'vitest';
import { emfMetrics, memoryMetrics } from '../../shared/adapters/emf-metrics.ts';

describe('emfMetrics', () => {
  it('writes one CloudWatch EMF line per count with the service dimension only', () => {
    const lines: string[] = [];
    const metrics = emfMetrics(
      'Baoxue',
      'baoxue-dev',
      (l) => lines.push(l),
      () => 1_676_858_400_000,
    );

    metrics.count('SmsSent', 2);

    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        _aws: {
          Timestamp: 1_676_858_400_000,
          CloudWatchMetrics: [
            { Namespace: 'Baoxue', Dimensions: [['service']], Metrics: [{ Name: 'SmsSent', Unit: 'Count' }] },
          ],
        },
        service: 'baoxue-dev',
        SmsSent: 2,
      },
    ]);
  });

  it('memoryMetrics adds counts up per name', () => {
    const metrics = memoryMetrics();
    metrics.count('Escalations', 3);
    metrics.count('Escalations');
    expect(metrics.totals.get('Escalations')).toBe(4);
  });
});
