import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDeliveryReceipts } from '../../shared/adapters/dynamo/delivery-receipts.ts';
import { messageKey } from '../../shared/adapters/dynamo/message-items.ts';
import { aliyunReceipts, tencentReceipts } from '../../shared/domain/delivery.ts';
import type { Log } from '../../shared/domain/ports.ts';
import { recordReceipts } from '../../shared/use-cases/record-receipts.ts';
import { freshTable } from '../support/dynamo.ts';

const clock = { now: () => new Date('2023-02-20T02:05:00Z') };
const warnings: string[] = [];
const log: Log = { info: () => {}, warn: (m) => warnings.push(m), error: () => {} };
let world: Awaited<ReturnType<typeof freshTable>>;
let store: DynamoDeliveryReceipts;

async function sentMessage(id: string) {
  await world.doc.send(
    new PutCommand({
      TableName: world.tableName,
      Item: { ...messageKey(id), entity: 'MSG', id, status: 'SENT', version: 2, providerMessageId: `p-${id}` },
    }),
  );
}
const delivery = async (id: string) =>
  (await world.doc.send(new GetCommand({ TableName: world.tableName, Key: messageKey(id) }))).Item?.delivery;

beforeAll(async () => {
  world = await freshTable('receipts');
  store = new DynamoDeliveryReceipts(world.doc, world.tableName);
  for (const id of ['m-tc-ok', 'm-tc-fail', 'm-ali-ok', 'm-ali-fail']) await sentMessage(id);
});

describe('delivery receipts update the message delivery record', () => {
  it('Tencent PullSmsSendStatus: SUCCESS → DELIVERED, FAIL → UNDELIVERED, with time and provider code', async () => {
    const receipts = tencentReceipts(
      [
        {
          SerialNo: 's1',
          ReportStatus: 'SUCCESS',
          UserReceiveTime: 1676858405,
          Description: 'DELIVRD',
          SessionContext: 'm-tc-ok',
        },
        {
          SerialNo: 's2',
          ReportStatus: 'FAIL',
          UserReceiveTime: 1676858410,
          Description: 'UNDELIV',
          SessionContext: 'm-tc-fail',
        },
      ],
      clock.now(),
    );
    expect(await recordReceipts({ receipts: store, clock, log }, receipts)).toEqual({
      recorded: 2,
      duplicate: 0,
      unknown: 0,
    });
    expect(await delivery('m-tc-ok')).toEqual({
      status: 'DELIVERED',
      at: '2023-02-20T02:00:05.000Z',
      code: 'DELIVRD',
      provider: 'tencent',
      receivedAt: '2023-02-20T02:05:00.000Z',
      providerMessageId: 's1',
    });
    expect(await delivery('m-tc-fail')).toMatchObject({ status: 'UNDELIVERED', code: 'UNDELIV' });
  });

  it('Alibaba SmsReport: success true/false, CST report_time, err_code kept', async () => {
    const receipts = aliyunReceipts([
      {
        phone_number: '13800000401',
        send_time: '2023-02-20 10:00:00',
        report_time: '2023-02-20 10:00:07',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '用户接收成功',
        sms_size: '1',
        biz_id: 'b1',
        out_id: 'm-ali-ok',
      },
      {
        phone_number: '13800000402',
        send_time: '2023-02-20 10:00:00',
        report_time: '2023-02-20 10:01:00',
        success: false,
        err_code: 'MK:0001',
        err_msg: '用户无法接收',
        sms_size: '1',
        biz_id: 'b2',
        out_id: 'm-ali-fail',
      },
    ]);
    expect(await recordReceipts({ receipts: store, clock, log }, receipts)).toEqual({
      recorded: 2,
      duplicate: 0,
      unknown: 0,
    });
    expect(await delivery('m-ali-ok')).toMatchObject({
      status: 'DELIVERED',
      at: '2023-02-20T02:00:07.000Z',
      code: 'DELIVERED',
    });
    expect(await delivery('m-ali-fail')).toMatchObject({
      status: 'UNDELIVERED',
      at: '2023-02-20T02:01:00.000Z',
      code: 'MK:0001',
    });
  });

  it('a duplicate receipt changes nothing; a receipt for an unknown id is counted and logged, not written', async () => {
    const again = aliyunReceipts([
      {
        phone_number: '13800000401',
        send_time: '2023-02-20 10:00:00',
        report_time: '2023-02-20 11:00:00',
        success: false,
        err_code: 'LATE',
        err_msg: '',
        sms_size: '1',
        biz_id: 'b1',
        out_id: 'm-ali-ok',
      },
      {
        phone_number: '13800000409',
        send_time: '2023-02-20 10:00:00',
        report_time: '2023-02-20 10:00:07',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '',
        sms_size: '1',
        biz_id: 'b9',
        out_id: 'm-nobody',
      },
    ]);
    expect(await recordReceipts({ receipts: store, clock, log }, again)).toEqual({
      recorded: 0,
      duplicate: 1,
      unknown: 1,
    });
    expect(await delivery('m-ali-ok')).toMatchObject({ status: 'DELIVERED', code: 'DELIVERED' });
    expect(await delivery('m-nobody')).toBeUndefined();
    expect(warnings).toContain('delivery receipt for no known message');
  });
});
