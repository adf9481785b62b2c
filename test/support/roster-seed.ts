import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { rosterPorts } from '../../functions/api/rosters.ts';
import type { Deps } from '../../functions/deps.ts';
import { writeFakeRollCsv } from '../../local/fake-roll.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoRegisterRepository } from '../../shared/adapters/dynamo/register-repository.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { FileIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import { fileRollSource } from '../../shared/adapters/tabular/roll-file.ts';
import { fakeIdNumber } from '../../shared/domain/roll.ts';
import { type CrossCheckResult, runCrossCheck } from '../../shared/use-cases/cross-check.ts';
import { importRegister } from '../../shared/use-cases/import-register.ts';
import { importRoll } from '../../shared/use-cases/import-roll.ts';

/** The term of the API world's clock (2026-03-10). */
export const ROSTER_TERM = '2025-2026学年第二学期';

/**
 * Seeds the API test world (township ta, school s1) for 四查三比对: a roll of s1 holding `pupil` (fake ID number),
 * a 户籍 register of ta with `child` (on no roll, 脱贫户), then runs the cross-check of ta. With an open case for
 * `pupil` at s1 the run finds it 在籍不在校; `child` is 适龄未入学.
 */
export async function seedRosters(
  doc: DynamoDBDocumentClient,
  tableName: string,
  deps: Deps,
  pupil: { name: string; studentRef: string; grade: string },
  child = { name: '测试户籍儿童', birthDate: '2015-06-01' },
): Promise<CrossCheckResult> {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-roster-seed-'));
  try {
    const key = new FileIdHashKey(join(dir, 'key'));
    const roll = join(dir, 'roll.csv');
    await writeFakeRollCsv(roll, [
      ['学籍号', '姓名', '性别', '出生日期', '年级', '身份证号'],
      [pupil.studentRef, pupil.name, '男', '2013-05-01', pupil.grade, fakeIdNumber('2013-05-01', 1)],
    ]);
    await importRoll(
      {
        repo: new DynamoRollRepository(doc, tableName),
        key,
        clock: deps.clock,
        newId: deps.newId,
        schoolIds: new Set(['s1', 's2', 's3']),
        terms: [ROSTER_TERM],
      },
      { schoolId: 's1', term: ROSTER_TERM, source: fileRollSource(roll) },
    );
    const register = join(dir, 'register.csv');
    await writeFakeRollCsv(register, [
      ['村（社区）', '姓名', '性别', '出生日期', '身份证号', '脱贫户'],
      ['测试村', child.name, '女', child.birthDate, fakeIdNumber(child.birthDate, 2), '是'],
    ]);
    await importRegister(
      {
        repo: new DynamoRegisterRepository(doc, tableName),
        key,
        clock: deps.clock,
        newId: deps.newId,
        townshipIds: new Set(['ta', 'tb']),
      },
      { townshipId: 'ta', source: fileRollSource(register) },
    );
    return await runCrossCheck(rosterPorts(deps), {
      townshipId: 'ta',
      term: ROSTER_TERM,
      directory: await new DynamoDirectoryRepository(doc, tableName).load(),
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
