import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { createChaseReportsHandler } from '../../functions/chase-reports/index.ts';
import { createOpenReportsHandler } from '../../functions/open-reports/index.ts';
import { cstInstant } from '../../shared/domain/time.ts';
import { reportsWorld } from '../support/reports-world.ts';

async function noteItems(doc: Awaited<ReturnType<typeof reportsWorld>>['doc'], tableName: string) {
  const out = await doc.send(
    new ScanCommand({
      TableName: tableName,
      FilterExpression: 'entity = :note',
      ExpressionAttributeValues: { ':note': 'NOTE' },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

/**
 * Runs the 15-minute chase sweep from `fromIso` to `toIso` and returns each ladder step with its CST time. A step is
 * an official's note (one per level and recipient, id `slot#…`); the round then merges an official's notes of one
 * sweep into one SMS (docs/sms.md), so the notes, not the messages, show every level.
 */
async function sweep(world: Awaited<ReturnType<typeof reportsWorld>>, from: Date, to: Date) {
  const chase = createChaseReportsHandler(world.deps);
  for (let t = from.getTime(); t <= to.getTime(); t += 15 * 60_000) {
    world.clock.set(new Date(t).toISOString());
    await chase();
  }
  const items = await noteItems(world.doc, world.tableName);
  return items
    .filter((m) => String(m.id).startsWith('slot#'))
    .map((m) => ({
      cadence: String(m.subject.id).split(':')[1] ?? '',
      level: Number(/#L(\d)#/.exec(String(m.id))?.[1]),
      to: String(m.recipient.role),
      at: new Date(String(m.createdAt)).toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' }).slice(0, 16),
    }))
    .sort((a, b) => a.at.localeCompare(b.at) || a.cadence.localeCompare(b.cadence) || a.to.localeCompare(b.to));
}

describe('report ladders in officials’ working time (08:00–18:00 on national working days)', () => {
  it('a 日报 late on Friday 2023-02-24 reaches the 包乡镇人员 on Monday 09:00, nothing on the weekend', async () => {
    const world = await reportsWorld(cstInstant('2023-02-24', '06:00').toISOString());
    await createOpenReportsHandler(world.deps)();

    const sent = await sweep(world, cstInstant('2023-02-24', '17:00'), cstInstant('2023-03-01', '12:00'));

    // Friday's 日报 and the week's 周报 (Friday is the week's last school day) are both owed at 17:00.
    expect(sent).toEqual([
      { cadence: 'daily', level: 0, to: 'school-head', at: '2023-02-24 17:30' },
      { cadence: 'weekly', level: 0, to: 'school-head', at: '2023-02-24 17:30' },
      { cadence: 'daily', level: 1, to: 'township-contact', at: '2023-02-27 09:00' },
      { cadence: 'weekly', level: 1, to: 'township-contact', at: '2023-02-27 09:00' },
      { cadence: 'daily', level: 2, to: 'area-leader', at: '2023-02-27 17:00' },
      { cadence: 'daily', level: 3, to: 'chief', at: '2023-02-28 09:00' },
      { cadence: 'daily', level: 3, to: 'office', at: '2023-02-28 09:00' },
      { cadence: 'weekly', level: 2, to: 'area-leader', at: '2023-02-28 09:00' },
      { cadence: 'weekly', level: 3, to: 'chief', at: '2023-03-01 09:00' },
      { cadence: 'weekly', level: 3, to: 'office', at: '2023-03-01 09:00' },
    ]);
    expect(sent.filter((s) => s.at.startsWith('2023-02-25') || s.at.startsWith('2023-02-26'))).toEqual([]);
    for (const s of sent) {
      const hhmm = s.at.slice(11);
      expect(hhmm >= '08:00' && hhmm <= '18:00', `${s.at} level ${s.level}`).toBe(true);
    }
  });

  it('a 调休 Saturday counts as a working day: Friday 2023-05-05’s 日报 reaches the 包乡镇人员 on Saturday 05-06 09:00', async () => {
    const world = await reportsWorld(cstInstant('2023-05-05', '06:00').toISOString());
    await createOpenReportsHandler(world.deps)();

    const sent = await sweep(world, cstInstant('2023-05-05', '17:00'), cstInstant('2023-05-06', '10:00'));

    expect(sent).toEqual([
      { cadence: 'daily', level: 0, to: 'school-head', at: '2023-05-05 17:30' },
      { cadence: 'daily', level: 1, to: 'township-contact', at: '2023-05-06 09:00' },
    ]);
  });
});
