/**
 * Custom CloudWatch metrics the functions emit (Powertools Metrics or EMF) and the stack alarms on and charts.
 * No aws-cdk-lib import here, so function code may import these names too.
 *
 * Emit them in namespace `Baoxue` (the stack sets POWERTOOLS_METRICS_NAMESPACE) with only the default
 * `service` dimension (the stack sets POWERTOOLS_SERVICE_NAME to `baoxue-<stage>`). Extra dimensions make a
 * different metric, which the alarms and the dashboard would not see.
 */
export const METRIC_NAMESPACE = 'Baoxue';

/** Service dimension value of a stage; also the POWERTOOLS_SERVICE_NAME of every function. */
export const serviceName = (stage: string) => `baoxue-${stage}`;

export const METRICS = {
  /** Count, outbox-dispatcher: one per SMS part accepted by SNS. */
  smsSent: 'SmsSent',
  /**
   * Count, one per message marked FAILED, by whichever conditional write made it so: outbox-dispatcher (permanent
   * error or retries exhausted) or release-messages (stuck in SENDING past the timeout: outcome uncertain). Alarmed.
   */
  smsFailed: 'SmsFailed',
  /**
   * Gauge, chase-reports sweep (every 15 min, 0 included): late slots the sweep read from the due index, i.e. OPEN
   * slots past their deadline whose next ladder level is due now. Not every late slot: one waiting for its next
   * level, or whose whole ladder was sent, is not in that read (the late board lists those; docs/deploy.md).
   */
  lateReportSlots: 'LateReportSlots',
  /** Gauge, reconcile sweep (daily 07:30 CST): dropout cases not closed, counted on the owner index. */
  openCases: 'OpenCases',
  /** Gauge, reconcile sweep: open cases per state, with a second dimension `state` (the open case states only). */
  casesByState: 'CasesByState',
  /** Count, notice-deadline: notices whose one-week deadline passed without the student's return. */
  noticesLapsed: 'NoticesLapsed',
  /** Count, chase-reports / notice-deadline: escalation messages enqueued to officials. */
  escalations: 'Escalations',
} as const;
