import { type DynamoDBDocumentClient, GetCommand, type QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { SchoolCampaign } from '../../domain/campaign.ts';
import type { TownshipMonthlyReport } from '../../domain/digest.ts';
import { ConcurrentUpdateError, DuplicatePlanError, TransactionConditionFailed } from '../../domain/errors.ts';
import type { Plan, PlanVisit } from '../../domain/followup.ts';
import type { FollowUpRepository, StatisticsSource } from '../../domain/followup-ports.ts';
import type { Message } from '../../domain/message.ts';
import type { Note } from '../../domain/official-round.ts';
import {
  type CaseFact,
  type DateRange,
  inRange,
  type ReportFact,
  townshipOrderOutcome,
  type VisitFact,
} from '../../domain/statistics.ts';
import { cstDate, cstInstant } from '../../domain/time.ts';
import { queryAll, queryPages, type TransactItem, transactWrite, versionGuard } from './client.ts';
import { queryDueItems } from './due-index.ts';
import { ownerIndexRange } from './key-conditions.ts';
import { enqueueMessage } from './message-items.ts';
import { putNote } from './note-repository.ts';
import { dueKey, TABLE } from './table-definition.ts';

/**
 * Plans, visits, campaigns and monthly reports in the single table (see docs/followup.md):
 *  - plan:     pk=PLAN#id            sk=PLAN              gsi2 SCHOOL#school / PLAN#createdAt#id
 *  - visit:    pk=PLAN#id            sk=VISIT#007         gsi1 DUE#VISIT (while a step is pending), gsi2 SCHOOL#school / VISIT#dueDate#id#no
 *  - by case:  pk=PLANOF#CASE#caseId sk=PLAN#id           (pointer: which plans a case has, for the reopen hook)
 *  - campaign: pk=CAMPAIGN#id        sk=SCHOOL#school     gsi1 DUE#CAMPAIGN (while incomplete with a step pending), gsi2 SCHOOL#school / CAMPAIGN#end#id
 *  - report:   pk=TOWNREPORT#month   sk=TOWNSHIP#id
 *  - digest mark: pk=DIGESTMARK#<period> sk=MSG#messageId  (`messageId`, TTL `expiresAt`): written with each digest
 *              message, so a run lists what its period has enqueued in one Query
 *  - pupil:    pk=PUPIL#pupilKey     sk=PLAN#<kind>       the uniqueness item of a pupil's active plan of that kind
 *              (`planId`, `endsOn`): put with the plan, deleted in the write that completes or closes it
 */
const planKey = (id: string) => ({ pk: `PLAN#${id}`, sk: 'PLAN' });
const pupilPlanKey = (pupilKey: string, kind: Plan['kind']) => ({ pk: `PUPIL#${pupilKey}`, sk: `PLAN#${kind}` });
const visitKey = (planId: string, no: number) => ({ pk: `PLAN#${planId}`, sk: `VISIT#${String(no).padStart(3, '0')}` });
const campaignKey = (campaignId: string, schoolId: string) => ({
  pk: `CAMPAIGN#${campaignId}`,
  sk: `SCHOOL#${schoolId}`,
});
const digestMarkPk = (period: string) => `DIGESTMARK#${period}`;
/** How long a digest mark is kept (table TTL): a run looks only at the previous week, so weeks are plenty. */
const DIGEST_MARK_DAYS = 60;
const STRIP = ['pk', 'sk', 'entity', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk'];

function strip<T>(item: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(item).filter(([k]) => !STRIP.includes(k))) as T;
}

/** A new item is stored as version 1 (version 0 means "not stored yet"). */
const stored = (version: number) => Math.max(version, 1);

export function planItem(plan: Plan): Record<string, unknown> {
  return {
    ...planKey(plan.id),
    entity: 'PLAN',
    ...plan,
    version: stored(plan.version),
    gsi2pk: `SCHOOL#${plan.schoolId}`,
    gsi2sk: `PLAN#${plan.createdAt}#${plan.id}`,
  };
}

export function visitItem(v: PlanVisit): Record<string, unknown> {
  const key = visitKey(v.planId, v.no);
  const next = v.status === 'planned' ? v.steps[v.nextStep] : undefined;
  return {
    ...key,
    entity: 'VISIT',
    ...v,
    version: stored(v.version),
    ...(next ? dueKey('VISIT', next.at, `${key.pk}#${key.sk}`) : {}),
    gsi2pk: `SCHOOL#${v.schoolId}`,
    gsi2sk: `VISIT#${v.dueDate}#${v.planId}#${key.sk}`,
  };
}

export function campaignItem(c: SchoolCampaign): Record<string, unknown> {
  const key = campaignKey(c.campaignId, c.schoolId);
  const next = c.completedAt ? undefined : c.steps[c.nextStep];
  return {
    ...key,
    entity: 'CAMPAIGN',
    ...c,
    version: stored(c.version),
    ...(next ? dueKey('CAMPAIGN', next.at, `${key.pk}#${key.sk}`) : {}),
    gsi2pk: `SCHOOL#${c.schoolId}`,
    gsi2sk: `CAMPAIGN#${c.end}#${c.campaignId}`,
  };
}

/** Put of a new item, or a guarded replace of the version read (the domain bumped it by one). */
function guardedPut(tableName: string, item: Record<string, unknown>, version: number): TransactItem {
  return { Put: { TableName: tableName, Item: item, ...versionGuard(version <= 1 ? 0 : version - 1) } };
}

export class DynamoFollowUpRepository implements FollowUpRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async createPlan(plan: Plan, visits: PlanVisit[]): Promise<boolean> {
    if (visits.length > 97)
      throw new RangeError(`a plan holds at most 97 visits per transaction, got ${visits.length}`);
    const items: TransactItem[] = [
      { Put: { TableName: this.tableName, Item: planItem(plan), ConditionExpression: 'attribute_not_exists(pk)' } },
      ...visits.map((v) => ({ Put: { TableName: this.tableName, Item: visitItem(v) } })),
    ];
    if (plan.caseId)
      items.push({
        Put: {
          TableName: this.tableName,
          Item: {
            pk: `PLANOF#CASE#${plan.caseId}`,
            sk: `PLAN#${plan.id}`,
            entity: 'PLANOF',
            planId: plan.id,
            version: 1,
          },
        },
      });
    const claim = plan.pupilKey && plan.status === 'active' ? plan.pupilKey : undefined;
    // The pupil's active plan of this kind: free, ours (a retry), or past its last day (nothing to protect any more).
    const keyPut = (stale?: string): TransactItem => ({
      Put: {
        TableName: this.tableName,
        Item: {
          ...pupilPlanKey(claim!, plan.kind),
          entity: 'PUPIL',
          pupilKey: claim,
          kind: plan.kind,
          planId: plan.id,
          schoolId: plan.schoolId,
          endsOn: plan.endsOn,
          version: 1,
        },
        ConditionExpression: stale
          ? 'planId = :stale'
          : 'attribute_not_exists(pk) OR planId = :self OR endsOn < :today',
        ExpressionAttributeValues: stale
          ? { ':stale': stale }
          : { ':self': plan.id, ':today': cstDate(new Date(plan.createdAt)) },
      },
    });
    const write = async (stale?: string) => {
      const all = claim ? [...items, keyPut(stale)] : items;
      await transactWrite(this.doc, all, (i) =>
        i === 0 ? `plan ${plan.id}` : i === items.length ? `pupil plan key ${claim}` : `plan ${plan.id} item ${i}`,
      );
    };
    let stale: string | undefined;
    for (let round = 1; ; round++) {
      try {
        await write(stale);
        return true;
      } catch (error) {
        if (!(error instanceof ConcurrentUpdateError)) throw error;
        // The plan itself exists: an idempotent retry of the same creation.
        if (!(claim && error instanceof TransactionConditionFailed && error.index === items.length)) return false;
        const holder = await this.planKeyHolder(claim, plan.kind);
        if (holder?.active) throw new DuplicatePlanError(plan.kind, holder.planId);
        if (round >= 3) throw error;
        stale = holder?.planId; // closed or gone (an inconsistency): take it over; absent: free again
      }
    }
  }

  /** Who holds a pupil's plan key, and whether that plan is still active (a key left by another counts as free). */
  private async planKeyHolder(
    pupilKey: string,
    kind: Plan['kind'],
  ): Promise<{ planId: string; active: boolean } | undefined> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: pupilPlanKey(pupilKey, kind), ConsistentRead: true }),
    );
    if (!got.Item) return undefined;
    const planId = String(got.Item.planId);
    const holder = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: planKey(planId), ConsistentRead: true }),
    );
    return { planId, active: holder.Item?.status === 'active' };
  }

  /** A Delete of the plan's key when the plan leaves `active` and still holds it (none for older plans). */
  private async releaseOf(plan: Plan | undefined): Promise<TransactItem[]> {
    if (!plan?.pupilKey || plan.status === 'active') return [];
    const key = pupilPlanKey(plan.pupilKey, plan.kind);
    const got = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
    if (got.Item?.planId !== plan.id) return [];
    return [
      {
        Delete: {
          TableName: this.tableName,
          Key: key,
          ConditionExpression: 'planId = :self',
          ExpressionAttributeValues: { ':self': plan.id },
        },
      },
    ];
  }

  async getPlan(id: string): Promise<{ plan: Plan; visits: PlanVisit[] } | undefined> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PLAN#${id}` },
    });
    const planItem = items.find((i) => i.sk === 'PLAN');
    if (!planItem) return undefined;
    return {
      plan: strip<Plan>(planItem),
      visits: items.filter((i) => String(i.sk).startsWith('VISIT#')).map((i) => strip<PlanVisit>(i)),
    };
  }

  async plansOfCase(caseId: string): Promise<Plan[]> {
    const pointers = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `PLANOF#CASE#${caseId}` },
    });
    const plans: Plan[] = [];
    for (const p of pointers) {
      const got = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: planKey(String(p.planId)) }));
      if (got.Item) plans.push(strip<Plan>(got.Item));
    }
    return plans;
  }

  async saveVisit(visit: PlanVisit, messages: Message[], plan?: Plan, notes: Note[] = []): Promise<void> {
    const items: TransactItem[] = [
      guardedPut(this.tableName, visitItem(visit), visit.version),
      ...(plan ? [guardedPut(this.tableName, planItem(plan), plan.version)] : []),
      ...messages.map((m) => enqueueMessage(this.tableName, m)),
      ...notes.map((n) => putNote(this.tableName, n)),
      // The last visit done completes the plan: the pupil's key goes back in the same transaction.
      ...(await this.releaseOf(plan)),
    ];
    await transactWrite(this.doc, items, (i) => (i === 0 ? `visit ${visit.planId}/${visit.no}` : `item ${i}`));
  }

  async savePlan(plan: Plan, visits: PlanVisit[]): Promise<void> {
    const items: TransactItem[] = [
      guardedPut(this.tableName, planItem(plan), plan.version),
      ...visits.map((v) => guardedPut(this.tableName, visitItem(v), v.version)),
      ...(await this.releaseOf(plan)),
    ];
    await transactWrite(this.doc, items, (i) => (i === 0 ? `plan ${plan.id}` : `visit item ${i}`));
  }

  async dueVisits(now: Date, limit: number): Promise<PlanVisit[]> {
    return (await this.due('VISIT', now, limit)).map((i) => strip<PlanVisit>(i));
  }

  async createCampaign(c: SchoolCampaign): Promise<boolean> {
    try {
      await transactWrite(this.doc, [
        { Put: { TableName: this.tableName, Item: campaignItem(c), ConditionExpression: 'attribute_not_exists(pk)' } },
      ]);
      return true;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) return false;
      throw error;
    }
  }

  async getCampaign(campaignId: string, schoolId: string): Promise<SchoolCampaign | undefined> {
    const got = await this.doc.send(
      new GetCommand({ TableName: this.tableName, Key: campaignKey(campaignId, schoolId), ConsistentRead: true }),
    );
    return got.Item ? strip<SchoolCampaign>(got.Item) : undefined;
  }

  async campaignSchools(campaignId: string): Promise<SchoolCampaign[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `CAMPAIGN#${campaignId}` },
    });
    return items.map((i) => strip<SchoolCampaign>(i));
  }

  async saveCampaign(c: SchoolCampaign, messages: Message[], notes: Note[] = []): Promise<void> {
    await transactWrite(
      this.doc,
      [
        guardedPut(this.tableName, campaignItem(c), c.version),
        ...messages.map((m) => enqueueMessage(this.tableName, m)),
        ...notes.map((n) => putNote(this.tableName, n)),
      ],
      (i) => (i === 0 ? `campaign ${c.campaignId}/${c.schoolId}` : `message item ${i}`),
    );
  }

  async dueCampaigns(now: Date, limit: number): Promise<SchoolCampaign[]> {
    return (await this.due('CAMPAIGN', now, limit)).map((i) => strip<SchoolCampaign>(i));
  }

  async visitFacts(schoolIds: string[], range: DateRange): Promise<VisitFact[]> {
    const facts: VisitFact[] = [];
    for (const schoolId of schoolIds) {
      const visits = await this.queryAll({
        TableName: this.tableName,
        IndexName: TABLE.ownerIndex.name,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': `SCHOOL#${schoolId}`,
          ':from': `VISIT#${range.from}`,
          ':to': `VISIT#${range.to}~`,
        },
      });
      for (const v of visits.map((i) => strip<PlanVisit>(i)))
        facts.push({
          schoolId: v.schoolId,
          townshipId: v.townshipId,
          kind: v.kind,
          dueAt: v.deadline,
          doneAt: v.doneOn ? cstInstant(v.doneOn, '12:00').toISOString() : undefined,
          cancelled: v.status === 'cancelled',
        });
      const campaigns = await this.queryAll({
        TableName: this.tableName,
        IndexName: TABLE.ownerIndex.name,
        KeyConditionExpression: 'gsi2pk = :pk AND gsi2sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': `SCHOOL#${schoolId}`,
          ':from': `CAMPAIGN#${range.from}`,
          ':to': `CAMPAIGN#${range.to}~`,
        },
      });
      for (const c of campaigns.map((i) => strip<SchoolCampaign>(i)))
        for (const h of c.households)
          facts.push({
            schoolId: c.schoolId,
            townshipId: c.townshipId,
            kind: 'campaign',
            dueAt: c.deadline,
            doneAt: h.visitedOn ? cstInstant(h.visitedOn, '12:00').toISOString() : undefined,
          });
    }
    return facts;
  }

  async monthlyReportTownships(month: string): Promise<string[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `TOWNREPORT#${month}` },
      ProjectionExpression: 'townshipId',
    });
    return items.map((i) => String(i.townshipId));
  }

  async saveMonthlyReport(report: TownshipMonthlyReport, message: Message | undefined): Promise<boolean> {
    const items: TransactItem[] = [
      {
        Put: {
          TableName: this.tableName,
          Item: {
            pk: `TOWNREPORT#${report.month}`,
            sk: `TOWNSHIP#${report.townshipId}`,
            entity: 'TOWNREPORT',
            ...report,
            version: 1,
            gsi2pk: `TOWNSHIP#${report.townshipId}`,
            gsi2sk: `TOWNREPORT#${report.month}`,
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      ...(message ? [enqueueMessage(this.tableName, message)] : []),
    ];
    try {
      await transactWrite(this.doc, items);
      return true;
    } catch (error) {
      if (error instanceof ConcurrentUpdateError) return false;
      throw error;
    }
  }

  async enqueuedDigestIds(period: string): Promise<string[]> {
    const items = await this.queryAll({
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': digestMarkPk(period) },
      ProjectionExpression: 'messageId',
      ConsistentRead: true,
    });
    return items.map((i) => String(i.messageId));
  }

  async enqueueDigest(period: string, message: Message): Promise<boolean> {
    const mark: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: {
          pk: digestMarkPk(period),
          sk: `MSG#${message.id}`,
          entity: 'DIGESTMARK',
          messageId: message.id,
          expiresAt: Math.floor(Date.parse(message.createdAt) / 1000) + DIGEST_MARK_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    try {
      await transactWrite(this.doc, [enqueueMessage(this.tableName, message), mark]);
      return true;
    } catch (error) {
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      // The message is there without its mark (enqueued before the marks existed): mark it, so the next run of
      // the period finds it in the Query and skips reading the facts again.
      if (error instanceof TransactionConditionFailed && error.index === 0)
        await transactWrite(this.doc, [mark]).catch((e: unknown) => {
          if (!(e instanceof ConcurrentUpdateError)) throw e;
        });
      return false;
    }
  }

  private async due(kind: 'VISIT' | 'CAMPAIGN', now: Date, limit: number): Promise<Record<string, unknown>[]> {
    return (await queryDueItems(this.doc, this.tableName, kind, now, { limit, pageSize: 100 })).items;
  }

  private queryAll(input: ConstructorParameters<typeof QueryCommand>[0]): Promise<Record<string, unknown>[]> {
    return queryAll(this.doc, input);
  }
}

/** Reads facts the follow-up feature does not own (report slots, cases); wired in by the features that own them. */
export type FactReader<T> = (schoolIds: string[], range: DateRange) => Promise<T[]>;

/**
 * The statistics source over the table: visits and campaigns from this repository; reports and cases from the
 * readers their features provide. A reader that is not wired fails loudly: a digest of false zeros would mislead.
 */
export function statisticsSource(
  repo: Pick<FollowUpRepository, 'visitFacts'>,
  readers: { reports?: FactReader<ReportFact>; cases?: FactReader<CaseFact> },
): StatisticsSource {
  const missing = (what: string) => () =>
    Promise.reject(
      new Error(`statistics: no ${what} reader is wired in (functions/digests); refusing to report zeros`),
    );
  return {
    reportFacts: readers.reports ?? missing('report-slot'),
    caseFacts: readers.cases ?? missing('case'),
    visitFacts: (schoolIds, range) => repo.visitFacts(schoolIds, range),
  };
}

/**
 * Report facts from the report-chasing feature's slots (pk=SLOT#…, owner index SCHOOL#id /
 * SLOT#<state>#<dueDate>#<cadence>): one range Query per school and state, so the cost follows the range, not the
 * table. `dueAt` is the slot's deadline and `filedAt` its first submission (a re-filing does not make it on time).
 */
export function dynamoReportFacts(doc: DynamoDBDocumentClient, tableName: string): FactReader<ReportFact> {
  return async (schoolIds, range) => {
    const facts: ReportFact[] = [];
    for (const schoolId of schoolIds)
      for (const state of ['OPEN', 'SUBMITTED'] as const) {
        const query = {
          TableName: tableName,
          ...ownerIndexRange(`SCHOOL#${schoolId}`, `SLOT#${state}#${range.from}`, `SLOT#${state}#${range.to}~`),
        };
        for await (const page of queryPages(doc, query))
          for (const item of page.Items ?? []) {
            if (item.entity !== 'SLOT') continue;
            facts.push({
              schoolId: String(item.schoolId),
              townshipId: String(item.townshipId),
              cadence: item.cadence as ReportFact['cadence'],
              periodKey: String(item.periodKey),
              dueAt: String(item.deadline),
              filedAt: item.firstSubmittedAt ? String(item.firstSubmittedAt) : undefined,
            });
          }
      }
    return facts
      .filter((f) => inRange(f.dueAt, range))
      .sort((x, y) => x.dueAt.localeCompare(y.dueAt) || x.cadence.localeCompare(y.cadence));
  };
}

/**
 * Case facts from the cases feature (pk=CASE#id, owner index SCHOOL#id / CASE#state#openedAt#id): one Query per
 * school, cases that overlap the range kept; a returned case's `closedAt` is its return, other closed states count
 * as closed; a lapsed notice (sk=NOTICE#…, status lapsed) gives `noticeLapsedAt` (read only for cases that had one).
 */
export function dynamoCaseFacts(doc: DynamoDBDocumentClient, tableName: string): FactReader<CaseFact> {
  const query = (input: Omit<ConstructorParameters<typeof QueryCommand>[0], 'TableName'>) =>
    queryAll(doc, { ...input, TableName: tableName });
  return async (schoolIds, range) => {
    const end = cstInstant(range.to).getTime() + 86_400_000;
    const start = cstInstant(range.from).getTime();
    const facts: CaseFact[] = [];
    for (const schoolId of schoolIds) {
      const cases = await query({
        IndexName: TABLE.ownerIndex.name,
        KeyConditionExpression: 'gsi2pk = :pk AND begins_with(gsi2sk, :p)',
        ExpressionAttributeValues: { ':pk': `SCHOOL#${schoolId}`, ':p': 'CASE#' },
      });
      for (const c of cases) {
        if (c.entity !== 'CASE') continue;
        const closedAt = c.closedAt ? String(c.closedAt) : undefined;
        if (Date.parse(String(c.openedAt)) >= end || (closedAt && Date.parse(closedAt) < start)) continue;
        let noticeLapsedAt: string | undefined;
        let townshipOrder: CaseFact['townshipOrder'];
        if (c.currentNoticeId) {
          const notices = await query({
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)',
            ExpressionAttributeValues: { ':pk': `CASE#${c.id}`, ':p': 'NOTICE#' },
          });
          const lapsed = notices.find((n) => n.status === 'lapsed');
          noticeLapsedAt = lapsed ? String(lapsed.resolvedAt ?? lapsed.deadline) : undefined;
          townshipOrder = lapsed ? townshipOrderOutcome(lapsed.escalation) : undefined;
        }
        facts.push({
          caseId: String(c.id),
          schoolId: String(c.schoolId),
          townshipId: String(c.townshipId),
          openedAt: String(c.openedAt),
          returnedAt: c.state === 'returned' ? closedAt : undefined,
          closedAt: c.state !== 'returned' ? closedAt : undefined,
          noticeLapsedAt,
          ...(townshipOrder ? { townshipOrder } : {}),
        });
      }
    }
    return facts;
  };
}
