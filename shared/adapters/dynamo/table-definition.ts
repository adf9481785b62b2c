/**
 * The one table definition, used by the CDK stack and by the local bootstrap, so the two cannot drift.
 *
 * Single-table design. Every item has `pk`, `sk`, `entity` and `version` (optimistic concurrency).
 * Access patterns (see README "Table design"):
 *  - directory: pk=ORG, sk=PERSON#id | AREA#id | TOWNSHIP#id | SCHOOL#id (one Query loads the organisation)
 *  - due index `gsi1` (sparse): only items that need an action at a time carry gsi1pk=DUE#<kind>, gsi1sk=<ISO due>#<pk>.
 *    Sweeps query `gsi1pk = DUE#kind AND gsi1sk <= now`, so they read what is due, never every school.
 *  - by-owner index `gsi2`: gsi2pk=SCHOOL#id | TOWNSHIP#id, gsi2sk=<entity>#<state>#<time> for listings.
 *  - late index `gsi3` (sparse): only unfiled report slots carry gsi3pk=LATE#<townshipId>, gsi3sk=<deadline>#<pk>.
 *    The late board queries `gsi3pk = LATE#t AND gsi3sk <= now`: one Query per township page, never per school.
 *    The same index holds a case's message log: a case's and its notices' messages and alert notes carry
 *    gsi3pk=CASELOG#<caseId>, gsi3sk=<createdAt>#<pk> (`caseLogKey`), one Query per page of the log.
 */
export const TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  dueIndex: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ownerIndex: { name: 'gsi2', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
  lateIndex: { name: 'gsi3', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  streamView: 'NEW_AND_OLD_IMAGES',
  /** Epoch seconds after which DynamoDB may delete the item (idempotency records). DynamoDB Local ignores it. */
  ttlAttribute: 'expiresAt',
} as const;

export const GLOBAL_INDEXES = [TABLE.dueIndex, TABLE.ownerIndex, TABLE.lateIndex] as const;

/** CreateTable input for DynamoDB Local (the cloud table is built from the same TABLE by the CDK stack). */
export function createTableInput(tableName: string) {
  const attr = (name: string) => ({ AttributeName: name, AttributeType: 'S' as const });
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    AttributeDefinitions: [
      TABLE.partitionKey,
      TABLE.sortKey,
      ...GLOBAL_INDEXES.flatMap((i) => [i.partitionKey, i.sortKey]),
    ].map(attr),
    KeySchema: [
      { AttributeName: TABLE.partitionKey, KeyType: 'HASH' as const },
      { AttributeName: TABLE.sortKey, KeyType: 'RANGE' as const },
    ],
    GlobalSecondaryIndexes: GLOBAL_INDEXES.map((i) => ({
      IndexName: i.name,
      KeySchema: [
        { AttributeName: i.partitionKey, KeyType: 'HASH' as const },
        { AttributeName: i.sortKey, KeyType: 'RANGE' as const },
      ],
      Projection: { ProjectionType: 'ALL' as const },
    })),
    StreamSpecification: { StreamEnabled: true, StreamViewType: TABLE.streamView },
  };
}

/** Key of an item in the due index for a kind of work and its due instant. */
export function dueKey(
  kind: 'SLOT' | 'NOTICE' | 'ESCALATION' | 'MSG' | 'VISIT' | 'CAMPAIGN' | 'NOTE',
  dueAt: Date | string,
  pk: string,
) {
  const iso = typeof dueAt === 'string' ? dueAt : dueAt.toISOString();
  return { gsi1pk: `DUE#${kind}`, gsi1sk: `${iso}#${pk}` };
}

/** Key of an unfiled report slot in the late index: its township, then its deadline (the board's order). */
export function lateKey(townshipId: string, deadline: string, pk: string) {
  return { gsi3pk: `LATE#${townshipId}`, gsi3sk: `${deadline}#${pk}` };
}

/**
 * Key of a case's message or alert note in the case-log partition of the same index (`CASELOG#<caseId>`, by creation
 * time): the message log pages with one Query, never reading the school's other messages.
 */
export function caseLogKey(caseId: string, createdAt: string, pk: string) {
  return { gsi3pk: `${CASE_LOG_PREFIX}${caseId}`, gsi3sk: `${createdAt}#${pk}` };
}
export const CASE_LOG_PREFIX = 'CASELOG#';
