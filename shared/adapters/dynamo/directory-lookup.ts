import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { areaSchema, personSchema, schoolSchema, townshipSchema } from '../../domain/directory.ts';
import type { DirectoryReader } from '../../domain/ladder.ts';
import type { DirectorySnapshot } from '../../domain/ports.ts';

/**
 * Reads only the part of the directory a sweep needs (the late schools, their townships and areas, the people
 * they name, the chief and office) with BatchGetItem, so the chase costs what is late, not the whole organisation.
 */
export class DynamoDirectoryLookup implements DirectoryReader {
  /** Items read by the last loadFor (for the benchmark). */
  lastItemsRead = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async loadFor(schoolIds: string[]): Promise<DirectorySnapshot> {
    this.lastItemsRead = 0;
    const snapshot: DirectorySnapshot = { people: [], areas: [], townships: [], schools: [], meta: {} };
    const first = await this.batchGet(['META', ...[...new Set(schoolIds)].map((id) => `SCHOOL#${id}`)]);
    for (const item of first) {
      if (item.sk === 'META') snapshot.meta = strip(item) as DirectorySnapshot['meta'];
      else snapshot.schools.push(schoolSchema.parse(strip(item)));
    }
    const townships = await this.batchGet([...new Set(snapshot.schools.map((s) => `TOWNSHIP#${s.townshipId}`))]);
    snapshot.townships = townships.map((t) => townshipSchema.parse(strip(t)));
    const areas = await this.batchGet([...new Set(snapshot.townships.map((t) => `AREA#${t.areaId}`))]);
    snapshot.areas = areas.map((a) => areaSchema.parse(strip(a)));
    const personIds = new Set<string>([
      ...snapshot.schools.map((s) => s.headId),
      ...snapshot.townships.flatMap((t) => t.contactIds),
      ...snapshot.areas.map((a) => a.leaderId),
      ...(snapshot.meta.chiefId ? [snapshot.meta.chiefId] : []),
      ...(snapshot.meta.officeIds ?? []),
    ]);
    const people = await this.batchGet([...personIds].map((id) => `PERSON#${id}`));
    snapshot.people = people.map((p) => personSchema.parse(strip(p)));
    return snapshot;
  }

  private async batchGet(sortKeys: string[]): Promise<Record<string, unknown>[]> {
    const out: Record<string, unknown>[] = [];
    for (let i = 0; i < sortKeys.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = sortKeys.slice(i, i + 100).map((sk) => ({ pk: 'ORG', sk }));
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** round)));
        const page = await this.doc.send(
          new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } } }),
        );
        const items = page.Responses?.[this.tableName] ?? [];
        this.lastItemsRead += items.length;
        out.push(...items);
        keys = page.UnprocessedKeys?.[this.tableName]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return out;
  }
}

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, entity: _e, version: _v, ...data } = item;
  return data;
}
