import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, it } from 'vitest';
import { progressPrinter } from '../../local/commands/import-roll.ts';
import { fakePupils } from '../../local/fake-roll.ts';
import { SsmIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import {
  FAKE_ID_PATTERN,
  fakeIdNumber,
  hashIdNumber,
  idCheckCharacter,
  idNumberProblem,
  parseBirthDate,
  parseGrade,
} from '../../shared/domain/roll.ts';

describe('roll domain', () => {
  it('checks ID numbers by the GB 11643 check character without ever echoing them', () => {
    const id = fakeIdNumber('2015-03-01', 42);

    expect(id).toMatch(FAKE_ID_PATTERN);
    expect(idNumberProblem(id)).toBeUndefined();
    expect(idNumberProblem(`${id.slice(0, 17)}${idCheckCharacter(id.slice(0, 17)) === '0' ? '1' : '0'}`)).toMatch(
      /校验位/,
    );
    expect(idNumberProblem('4.50331E+17')).toMatch(/Excel 当成了数字/);
    expect(idNumberProblem('00000020150230001X')).toMatch(/出生日期 2015-02-30 不是有效日期/);
  });

  it('fake ID numbers are unique across a 40,000-pupil county and never a real region', () => {
    const ids = fakePupils({ schoolIds: ['a', 'b'], count: 40_000, seed: 1 }).map((p) => p.idNumber);

    expect(new Set(ids).size).toBe(40_000);
    expect(ids.every((i) => FAKE_ID_PATTERN.test(i) && i.startsWith('0000'))).toBe(true);
  });

  it('keys the hash: the same number under two keys gives unrelated hashes, and x/X are one number', () => {
    const id = fakeIdNumber('2016-01-09', 7);
    const a = hashIdNumber(Buffer.alloc(32, 1), id);

    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hashIdNumber(Buffer.alloc(32, 2), id)).not.toBe(a);
    expect(hashIdNumber(Buffer.alloc(32, 1), ` ${id.toLowerCase()} `)).toBe(a);
  });

  it('reads the dates and grades the 学籍 exports write', () => {
    expect(['2015-3-1', '2015/03/01', '20150301', '2015年3月1日'].map(parseBirthDate)).toEqual(
      Array(4).fill('2015-03-01'),
    );
    expect(parseBirthDate('2015-02-29')).toBeUndefined();
    expect(['七年级', '7', '初一', '７年级'].map(parseGrade)).toEqual(Array(4).fill('七年级'));
    expect(parseGrade('高一')).toBeUndefined();
  });
});

describe('ID hash key from SSM (cloud)', () => {
  it('reads the SecureString once with decryption and refuses a short key', async () => {
    const ssm = mockClient(SSMClient);
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'ab'.repeat(32) } });
    const key = new SsmIdHashKey(new SSMClient({ region: 'cn-north-1' }), '/baoxue/prod/roll-id-key');

    expect((await key.key()).length).toBe(32);
    await key.key();
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(1);
    expect(ssm.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({
      Name: '/baoxue/prod/roll-id-key',
      WithDecryption: true,
    });

    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'abcd' } });
    await expect(new SsmIdHashKey(new SSMClient({ region: 'cn-north-1' }), 'short').key()).rejects.toThrow(/太短/);
    ssm.restore();
  });
});

describe('import progress', () => {
  it('draws a bar on a terminal and a line per tenth elsewhere', () => {
    const tty: string[] = [];
    const plain: string[] = [];
    const bar = progressPrinter((t) => tty.push(t), true);
    const lines = progressPrinter((t) => plain.push(t), false);
    for (const fraction of [0.05, 0.12, 0.5, 0.55, 1]) {
      bar({ phase: 'check', rows: Math.round(fraction * 1000), fraction });
      lines({ phase: 'write', rows: Math.round(fraction * 1000), fraction });
    }

    expect(tty.at(-2)).toBe('\r检查 [####################] 100%  1000 行');
    expect(tty.at(-1)).toBe('\n');
    expect(plain).toEqual([
      '写入 5%（50 行）\n',
      '写入 12%（120 行）\n',
      '写入 50%（500 行）\n',
      '写入 100%（1000 行）\n',
    ]);
  });
});
