import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DirectoryEntity } from '../../shared/domain/ports.ts';

/** Puts items 25 per BatchWrite (DynamoDB Local does not leave unprocessed items at these sizes). */
export async function putAll(doc: DynamoDBDocumentClient, tableName: string, items: Record<string, unknown>[]) {
  for (let i = 0; i < items.length; i += 25)
    await doc.send(
      new BatchWriteCommand({
        RequestItems: { [tableName]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
}

export const countySchoolId = (s: number) => `sc-${String(s).padStart(4, '0')}`;
const phone = (n: number) => `+86138${String(n).padStart(8, '0')}`;

/**
 * A county of `schools` schools spread over `townships` townships (`tw-1`…), one office (`office-1`, also every
 * school's head), one area; fake phones. By default one 包乡镇人员 (`contact-x`) for every township; with
 * `ownContacts`, each township has its own (`contact-<t>`) and its own township government contact (`gov-<t>`).
 */
export function countyDirectory(
  schools: number,
  townships: number,
  options: { ownContacts?: boolean } = {},
): DirectoryEntity[] {
  const person = (
    id: string,
    name: string,
    n: number,
    role: 'office' | 'township-contact' | 'township-government',
  ): DirectoryEntity => ({ kind: 'person', value: { id, name, phone: phone(n), roles: [role], active: true } });
  const out: DirectoryEntity[] = [
    person('office-1', '测试办公室', 10, 'office'),
    ...(options.ownContacts ? [] : [person('contact-x', '测试联络', 11, 'township-contact')]),
    { kind: 'area', value: { id: 'area-x', name: '测试片', leaderId: 'office-1', active: true } },
  ];
  for (let t = 1; t <= townships; t++) {
    if (options.ownContacts)
      out.push(
        person(`contact-${t}`, `测试联络${t}`, 1000 + t, 'township-contact'),
        person(`gov-${t}`, `测试政府${t}`, 5000 + t, 'township-government'),
      );
    out.push({
      kind: 'township',
      value: {
        id: `tw-${t}`,
        name: `测试镇${t}`,
        areaId: 'area-x',
        contactIds: [options.ownContacts ? `contact-${t}` : 'contact-x'],
        ...(options.ownContacts ? { governmentContactId: `gov-${t}` } : {}),
        active: true,
      },
    });
  }
  for (let s = 0; s < schools; s++)
    out.push({
      kind: 'school',
      value: {
        id: countySchoolId(s),
        name: `测试学校${s}`,
        townshipId: `tw-${(s % townships) + 1}`,
        headId: 'office-1',
        phone: '+867700000001',
        active: true,
      },
    });
  return out;
}

/**
 * Records the name of every command `doc` sends from now on (e.g. `QueryCommand`), in order: the test empties the
 * returned array before a call and reads it after.
 */
export function countRequests(doc: DynamoDBDocumentClient, name: string): string[] {
  const sent: string[] = [];
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push(String(context.commandName));
      return next(args);
    },
    { step: 'initialize', name },
  );
  return sent;
}
