import type { Metrics } from '../domain/ports.ts';

/**
 * CloudWatch Embedded Metric Format: one JSON line on stdout per data point, which Lambda's log pipeline turns
 * into a metric. No SDK call, no extra dependency. Dimension: `service` only, as the alarms expect.
 */
export function emfMetrics(
  namespace: string,
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  now: () => number = Date.now,
): Metrics {
  return {
    count: (name, value = 1) => {
      write(
        JSON.stringify({
          _aws: {
            Timestamp: now(),
            CloudWatchMetrics: [
              { Namespace: namespace, Dimensions: [['service']], Metrics: [{ Name: name, Unit: 'Count' }] },
            ],
          },
          service,
          [name]: value,
        }),
      );
    },
  };
}

/** Counts kept in memory: the local runtime and tests. */
export function memoryMetrics(): Metrics & { totals: Map<string, number> } {
  const totals = new Map<string, number>();
  return { totals, count: (name, value = 1) => void totals.set(name, (totals.get(name) ?? 0) + value) };
}
