import { type DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Area,
  areaSchema,
  type Person,
  personSchema,
  type School,
  schoolSchema,
  type Township,
  townshipSchema,
} from '../../domain/directory.ts';
import type { DirectoryEntity, DirectoryRepository, DirectorySnapshot } from '../../domain/ports.ts';
import { queryPages } from './client.ts';

const ORG = 'ORG';
const prefix: Record<DirectoryEntity['kind'], string> = {
  person: 'PERSON#',
  area: 'AREA#',
  township: 'TOWNSHIP#',
  school: 'SCHOOL#',
};

/** The directory lives in one item collection (pk=ORG), so one paginated Query loads the whole organisation. */
export class DynamoDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async load(): Promise<DirectorySnapshot> {
    const snapshot: DirectorySnapshot = { people: [], areas: [], townships: [], schools: [], meta: {} };
    const query = {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :org',
      ExpressionAttributeValues: { ':org': ORG },
    };
    for await (const page of queryPages(this.doc, query))
      for (const item of page.Items ?? []) {
        const { pk: _pk, sk, entity: _e, version: _v, ...data } = item;
        const s = String(sk);
        if (s.startsWith(prefix.person)) snapshot.people.push(personSchema.parse(data));
        else if (s.startsWith(prefix.area)) snapshot.areas.push(areaSchema.parse(data));
        else if (s.startsWith(prefix.township)) snapshot.townships.push(townshipSchema.parse(data));
        else if (s.startsWith(prefix.school)) snapshot.schools.push(schoolSchema.parse(data));
        else if (s === 'META') snapshot.meta = data as DirectorySnapshot['meta'];
      }
    return snapshot;
  }

  /** Writes entities in transactions of up to 100 items; each write replaces the entity with its new state. */
  async save(entities: DirectoryEntity[], meta?: DirectorySnapshot['meta']): Promise<void> {
    const items: Record<string, unknown>[] = entities.map((e) => ({
      pk: ORG,
      sk: `${prefix[e.kind]}${e.value.id}`,
      entity: e.kind.toUpperCase(),
      ...e.value,
    }));
    if (meta) items.push({ pk: ORG, sk: 'META', entity: 'META', ...meta });
    for (let i = 0; i < items.length; i += 100) {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: items.slice(i, i + 100).map((Item) => ({ Put: { TableName: this.tableName, Item } })),
        }),
      );
    }
  }
}

export type { Area, Person, School, Township };
