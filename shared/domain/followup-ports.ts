import type { SchoolCampaign } from './campaign.ts';
import type { TownshipMonthlyReport } from './digest.ts';
import type { Plan, PlanVisit } from './followup.ts';
import type { Message } from './message.ts';
import type { Note } from './official-round.ts';
import type { CaseFact, DateRange, ReportFact, VisitFact } from './statistics.ts';

/**
 * Storage of plans, visits, campaigns and monthly reports. Versions: an item not yet stored has version 0;
 * the first write stores version 1; every update passes the version it read and the new one (domain functions
 * bump it), and a stale write fails with ConcurrentUpdateError with nothing written. Messages given to a save
 * are enqueued in the same transaction; an id already enqueued also fails it (the work was done before).
 */
export interface FollowUpRepository {
  /** Creates a plan with its visits; `false` when a plan with that id already exists (idempotent retry). */
  createPlan(plan: Plan, visits: PlanVisit[]): Promise<boolean>;
  getPlan(id: string): Promise<{ plan: Plan; visits: PlanVisit[] } | undefined>;
  plansOfCase(caseId: string): Promise<Plan[]>;
  /** Saves a visit (and optionally its plan) with the messages it causes, atomically. */
  /** `notes`: officials' notes for the round (shared/domain/official-round.ts), in the same transaction. */
  saveVisit(visit: PlanVisit, messages: Message[], plan?: Plan, notes?: Note[]): Promise<void>;
  /** Saves a plan and several of its visits atomically (closing a plan cancels its visits). */
  savePlan(plan: Plan, visits: PlanVisit[]): Promise<void>;
  /** Visits whose next reminder/escalation step is due at or before `now`, oldest first. */
  dueVisits(now: Date, limit: number): Promise<PlanVisit[]>;

  createCampaign(c: SchoolCampaign): Promise<boolean>;
  getCampaign(campaignId: string, schoolId: string): Promise<SchoolCampaign | undefined>;
  campaignSchools(campaignId: string): Promise<SchoolCampaign[]>;
  saveCampaign(c: SchoolCampaign, messages: Message[], notes?: Note[]): Promise<void>;
  dueCampaigns(now: Date, limit: number): Promise<SchoolCampaign[]>;

  /** Visits (follow-up, 送教, campaign households) of the given schools due in the range, as statistics facts. */
  visitFacts(schoolIds: string[], range: DateRange): Promise<VisitFact[]>;
  /** The townships whose monthly report of `month` (yyyy-mm) is already stored (one Query). */
  monthlyReportTownships(month: string): Promise<string[]>;
  /** Stores a township's monthly report with the SMS telling its government; `false` if it was already stored. */
  saveMonthlyReport(report: TownshipMonthlyReport, message: Message | undefined): Promise<boolean>;
  /**
   * The ids of the digest messages enqueued for `period` (e.g. `WEEK#2023-04-24`): one Query of the period's
   * partition, which `enqueueDigest` writes in the same transaction as each message, so its size follows the
   * recipients' ids (a page per ~1 MB), not one request per 100 of them.
   */
  enqueuedDigestIds(period: string): Promise<string[]>;
  /**
   * Enqueues a digest message with its mark in `period`'s partition, atomically; `false` when that id was already
   * enqueued (a rerun). A crash between two messages leaves each one either enqueued with its mark or not at all.
   */
  enqueueDigest(period: string, message: Message): Promise<boolean>;
}

/** Where the statistics and digests read their facts. Reports and cases are owned by the other features. */
export interface StatisticsSource {
  reportFacts(schoolIds: string[], range: DateRange): Promise<ReportFact[]>;
  caseFacts(schoolIds: string[], range: DateRange): Promise<CaseFact[]>;
  visitFacts(schoolIds: string[], range: DateRange): Promise<VisitFact[]>;
}
