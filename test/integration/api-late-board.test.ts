import { describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { DynamoDirectoryLookup } from '../../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoNoteRepository } from '../../shared/adapters/dynamo/note-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { chaseReports } from '../../shared/use-cases/chase-reports.ts';
import { apiEvent, apiWorld, openDailySlots, who } from '../support/api-world.ts';
import { freshTable } from '../support/dynamo.ts';

describe('late-report board and the escalation ladder', () => {
  it('shows each level as the ladder climbs, and keeps a slot whose whole ladder was sent', async () => {
    const { doc, tableName } = await freshTable('late');
    const { deps, clock } = await apiWorld(doc, tableName, '2026-03-09T09:40:00Z'); // 17:40 CST, deadline 17:00
    await openDailySlots(deps, '2026-03-09');
    const chase = () =>
      chaseReports({
        slots: new DynamoSlotRepository(doc, tableName),
        notes: new DynamoNoteRepository(doc, tableName),
        directory: new DynamoDirectoryLookup(doc, tableName),
        clock,
        log: deps.log,
        config: deps.config,
      });
    const handler = createApiHandler(deps);
    const levelOf = async () => {
      const res = await handler(apiEvent({ method: 'GET', path: '/api/reports/late', as: who.headS1 }));
      const body = JSON.parse(res.body);
      return body.townships[0]?.reports[0] as { level: number; reached: string } | undefined;
    };

    await chase();
    expect(await levelOf()).toMatchObject({ level: 1, reached: '校长' });
    for (const at of ['2026-03-10T01:05:00Z', '2026-03-10T09:05:00Z', '2026-03-11T01:05:00Z']) {
      clock.set(at);
      await chase();
    }
    // All four levels sent: the slot left the due index but is still late and still on the board.
    expect(await levelOf()).toMatchObject({ level: 4, reached: '校长、包乡镇人员、包片领导、总负责人、办公室' });
    expect((await new DynamoSlotRepository(doc, tableName).queryDue(clock.now())).slots).toHaveLength(0);
  });
});
