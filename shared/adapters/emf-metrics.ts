import type { Metrics } from '../domain/ports.ts';

/**
 * CloudWatch Embedded Metric Format: one JSON line on stdout per data point, which Lambda's log pipeline turns
 * into a metric. No SDK call, no extra dependency. Dimension: `service` only, as the alarms expect; a gauge may
 * add low-cardinality dimensions, which makes a separate metric next to the `service`-only one.
 */
export function emfMetrics(
  namespace: string,
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  now: () => number = Date.now,
): Metrics {
  const emit = (name: string, value: number, dimensions: Record<string, string> = {}) => {
    write(
      JSON.stringify({
        _aws: {
          Timestamp: now(),
          CloudWatchMetrics: [
            {
              Namespace: namespace,
              Dimensions: [['service', ...Object.keys(dimensions)]],
              Metrics: [{ Name: name, Unit: 'Count' }],
            },
          ],
        },
        ...dimensions,
        service,
        [name]: value,
      }),
    );
  };
  return {
    count: (name, value = 1) => emit(name, value),
    gauge: (name, value, dimensions) => emit(name, value, dimensions),
  };
}

/** Key of a gauge in `memoryMetrics().gauges`: `OpenCases`, or `CasesByState{state=persuading}`. */
export const gaugeKey = (name: string, dimensions?: Record<string, string>) => {
  const dims = Object.entries(dimensions ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return dims ? `${name}{${dims}}` : name;
};

/** Metrics kept in memory (the local runtime and tests): counts add up per name, a gauge keeps its last value. */
export function memoryMetrics(): Metrics & { totals: Map<string, number>; gauges: Map<string, number> } {
  const totals = new Map<string, number>();
  const gauges = new Map<string, number>();
  return {
    totals,
    gauges,
    count: (name, value = 1) => void totals.set(name, (totals.get(name) ?? 0) + value),
    gauge: (name, value, dimensions) => void gauges.set(gaugeKey(name, dimensions), value),
  };
}
