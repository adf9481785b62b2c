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

  it('writes a gauge with an extra low-cardinality dimension as its own dimension set', () => {
    const lines: string[] = [];
    const metrics = emfMetrics(
      'Baoxue',
      'baoxue-dev',
      (l) => lines.push(l),
      () => 1_676_858_400_000,
    );

    metrics.gauge('OpenCases', 7);
    metrics.gauge('CasesByState', 3, { state: 'persuading' });

    expect(lines.map((l) => JSON.parse(l))).toEqual([
      {
        _aws: {
          Timestamp: 1_676_858_400_000,
          CloudWatchMetrics: [
            { Namespace: 'Baoxue', Dimensions: [['service']], Metrics: [{ Name: 'OpenCases', Unit: 'Count' }] },
          ],
        },
        service: 'baoxue-dev',
        OpenCases: 7,
      },
      {
        _aws: {
          Timestamp: 1_676_858_400_000,
          CloudWatchMetrics: [
            {
              Namespace: 'Baoxue',
              Dimensions: [['service', 'state']],
              Metrics: [{ Name: 'CasesByState', Unit: 'Count' }],
            },
          ],
        },
        service: 'baoxue-dev',
        state: 'persuading',
        CasesByState: 3,
      },
    ]);
  });

  it('memoryMetrics keeps the last value of a gauge per name and dimensions', () => {
    const metrics = memoryMetrics();
    metrics.gauge('LateReportSlots', 5);
    metrics.gauge('LateReportSlots', 2);
    metrics.gauge('CasesByState', 1, { state: 'lapsed' });
    expect(metrics.gauges.get('LateReportSlots')).toBe(2);
    expect(metrics.gauges.get('CasesByState{state=lapsed}')).toBe(1);
  });

  it('memoryMetrics adds counts up per name', () => {
    const metrics = memoryMetrics();
    metrics.count('Escalations', 3);
    metrics.count('Escalations');
    expect(metrics.totals.get('Escalations')).toBe(4);
  });
});
