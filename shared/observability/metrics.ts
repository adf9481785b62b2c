/**
 * Custom CloudWatch metrics the functions emit (Powertools Metrics or EMF) and the stack alarms on and charts.
 * Shared by the functions (which emit them) and infra (which alarms on and charts them): functions and shared code
 * never import infra/, so the names live here.
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
   * level, or whose whole ladder was sent, is not in that read. The real number is `OpenLateSlots`.
   */
  lateReportSlots: 'LateReportSlots',
  /**
   * Gauge, reconcile's late-slot task (hourly 08:00–18:00 CST, 0 included): every OPEN report slot past its deadline,
   * counted on the owner index (one Query per school; docs/deploy.md "Metrics"). The dashboard's 逾期未报 figure.
   */
  openLateSlots: 'OpenLateSlots',
  /** Gauge, same run: `OpenLateSlots` per cadence, with a second dimension `cadence` (daily, weekly, monthly). */
  openLateSlotsByCadence: 'OpenLateSlotsByCadence',
  /** Gauge, reconcile sweep (daily 07:30 CST): dropout cases not closed, counted on the owner index. */
  openCases: 'OpenCases',
  /** Gauge, reconcile sweep: open cases per state, with a second dimension `state` (the open case states only). */
  casesByState: 'CasesByState',
  /**
   * Count, one per notice whose one-week deadline passed without the student's return, by whichever function lapsed
   * it: notice-deadline (its timer), reconcile (a missed timer) or case-reactor (a notice already past its deadline
   * when the stream delivered it). Each lapsed notice enqueues its escalation SMS in the same transaction, so this
   * is also the number of notice escalations; they are not in `Escalations`.
   */
  noticesLapsed: 'NoticesLapsed',
  /**
   * Gauge, reconcile sweep (daily 07:30 CST): buckets of sampled schools whose stored aggregates differ from a
   * recount of their items (0 when they agree). Alarmed: statistics and digests would show wrong numbers until
   * `npm run cli -- rebuild-aggregates`.
   */
  aggregateMismatches: 'AggregateMismatches',
  /** Count, chase-reports only: report-ladder escalation notes (one per recipient per level; merged per official into one SMS a round). */
  escalations: 'Escalations',
} as const;
