import { type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../shared/domain/ports.ts';

/** Where an upload is: checking the rows, writing them, done, or failed (the reply says why). */
export interface UploadProgress {
  phase: 'check' | 'write' | 'done' | 'failed';
  /** 0–1 of the file read in this phase. */
  fraction: number;
  rows: number;
}

/** Kept a day: the console polls it during the upload; nothing personal in it. */
const KEEP_SECONDS = 86_400;

/**
 * The progress of a console upload, `UPLOAD#<uploadId>` / `PROGRESS`, written by the import while it runs (about
 * twenty writes for a large file) and read by the uploader's polls. The id is the request's Idempotency-Key; the
 * item names the person who uploaded, and only they can read it.
 */
export class UploadProgressStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async put(uploadId: string, personId: string, p: UploadProgress): Promise<void> {
    const now = this.clock.now();
    await this.doc.send(
      new PutCommand({
        TableName: this.tableName,
        Item: {
          pk: `UPLOAD#${uploadId}`,
          sk: 'PROGRESS',
          entity: 'UPLOAD_PROGRESS',
          personId,
          phase: p.phase,
          fraction: Math.round(Math.min(1, Math.max(0, p.fraction)) * 1000) / 1000,
          rows: p.rows,
          updatedAt: now.toISOString(),
          expiresAt: Math.floor(now.getTime() / 1000) + KEEP_SECONDS,
        },
      }),
    );
  }

  async get(uploadId: string, personId: string): Promise<(UploadProgress & { updatedAt: string }) | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: `UPLOAD#${uploadId}`, sk: 'PROGRESS' },
        ConsistentRead: true,
      }),
    );
    const item = out.Item;
    if (!item || item.personId !== personId) return undefined;
    return {
      phase: item.phase as UploadProgress['phase'],
      fraction: Number(item.fraction),
      rows: Number(item.rows),
      updatedAt: String(item.updatedAt),
    };
  }
}
