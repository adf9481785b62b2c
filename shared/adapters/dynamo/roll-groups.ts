import { type DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { PriorityFlag, PupilGroupSource } from '../../domain/priority-groups.ts';
import { pointerPk, rollPk } from './roll-keys.ts';

// Kept apart from roll-repository.ts: every function that opens cases bundles this, not the roll importer's schemas.
/**
 * A pupil's priority flags from the rolls (a case opening, a roll import refreshing the school's cases): the terms
 * from the latest start back, the first whose active roll holds the pupil (`P#<pupilKey>` under its import). A pupil
 * missing from this term's roll (exactly the 未按时返校 ones) is found on last term's. Two GetItems per term tried.
 */
export class DynamoRollGroups implements PupilGroupSource {
  private readonly terms: string[];
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    terms: readonly { name: string; start: string }[],
  ) {
    this.terms = [...terms].sort((a, b) => b.start.localeCompare(a.start)).map((t) => t.name);
  }

  async groupsOf(schoolId: string, pupilKey: string): Promise<PriorityFlag[] | undefined> {
    for (const term of this.terms) {
      const pointer = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: pointerPk(schoolId, term), sk: 'ACTIVE' },
          ConsistentRead: true,
        }),
      );
      const importId = pointer.Item?.importId;
      if (typeof importId !== 'string') continue;
      const out = await this.doc.send(
        new GetCommand({
          TableName: this.tableName,
          Key: { pk: rollPk(schoolId, term, importId), sk: `P#${pupilKey}` },
          ProjectionExpression: 'flags',
          ConsistentRead: true,
        }),
      );
      if (out.Item) return Array.isArray(out.Item.flags) ? (out.Item.flags as PriorityFlag[]) : [];
    }
    return undefined;
  }
}
