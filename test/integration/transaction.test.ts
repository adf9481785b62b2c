import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { transactWrite, versionGuard } from '../../shared/adapters/dynamo/client.ts';
import { enqueueMessage } from '../../shared/adapters/dynamo/message-items.ts';
import { ConcurrentUpdateError } from '../../shared/domain/errors.ts';
import type { Message } from '../../shared/domain/message.ts';
import { freshTable } from '../support/dynamo.ts';

const message = (id: string): Message => ({
  id,
  audience: 'official',
  recipient: { role: 'school-head', phone: '+8613800000001', label: '校长' },
  template: 'test',
  text: '测试',
  parts: 1,
  notBefore: '2023-02-20T02:00:00.000Z',
  status: 'QUEUED',
  createdAt: '2023-02-20T02:00:00.000Z',
  attempts: 0,
  subject: { kind: 'system', id: 'x' },
  version: 0,
});

describe('transactWrite on DynamoDB Local', () => {
  it('refuses a stale conditional update and leaves the stored item as it was', async () => {
    const { doc, tableName } = await freshTable();
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'A', sk: 'A', version: 2, state: 'OPEN' } }));

    const stale = transactWrite(doc, [
      { Put: { TableName: tableName, Item: { pk: 'A', sk: 'A', version: 2, state: 'CLOSED' }, ...versionGuard(1) } },
    ]);

    await expect(stale).rejects.toBeInstanceOf(ConcurrentUpdateError);
    const stored = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'A', sk: 'A' } }));
    expect(stored.Item).toEqual({ pk: 'A', sk: 'A', version: 2, state: 'OPEN' });
  });

  it('writes the change and its message together, or neither when one condition fails', async () => {
    const { doc, tableName } = await freshTable();
    await doc.send(new PutCommand({ TableName: tableName, Item: { pk: 'B', sk: 'B', version: 1, state: 'OPEN' } }));
    await transactWrite(doc, [enqueueMessage(tableName, message('msg-already-there'))]);

    // The change's guard holds, but its message was already enqueued: the change must not land alone.
    const attempt = transactWrite(doc, [
      { Put: { TableName: tableName, Item: { pk: 'B', sk: 'B', version: 2, state: 'CLOSED' }, ...versionGuard(1) } },
      enqueueMessage(tableName, message('msg-already-there')),
    ]);
    await expect(attempt).rejects.toBeInstanceOf(ConcurrentUpdateError);
    const unchanged = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'B', sk: 'B' } }));
    expect(unchanged.Item?.state).toBe('OPEN');

    await transactWrite(doc, [
      { Put: { TableName: tableName, Item: { pk: 'B', sk: 'B', version: 2, state: 'CLOSED' }, ...versionGuard(1) } },
      enqueueMessage(tableName, message('msg-new-one')),
    ]);
    const changed = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'B', sk: 'B' } }));
    const queued = await doc.send(new GetCommand({ TableName: tableName, Key: { pk: 'MSG#msg-new-one', sk: 'MSG' } }));
    expect(changed.Item?.state).toBe('CLOSED');
    expect(queued.Item).toMatchObject({
      status: 'QUEUED',
      gsi1pk: 'DUE#MSG',
      gsi1sk: '2023-02-20T02:00:00.000Z#MSG#msg-new-one',
    });
  });
});
