import { describe, expect, it } from 'vitest';
import { decisionInputSchema, strikeInputSchema } from '../../shared/domain/cross-check.ts';
import {
  isSchoolAge,
  parseRegisterRow,
  personKeyOf,
  registerColumns,
  schoolYearOf,
} from '../../shared/domain/register.ts';
import { fakeIdNumber, hashIdNumber } from '../../shared/domain/roll.ts';
import { mapHeader } from '../../shared/domain/tabular.ts';

const KEY = Buffer.alloc(32, 7);
const header = { sheet: '户籍', row: 1, cells: ['姓名', '性别', '出生日期', '公民身份号码', '村', '脱贫户'] };
const { index } = mapHeader('户籍', header, registerColumns);
const row = (cells: string[], n = 2) =>
  parseRegisterRow('户籍', { sheet: '户籍', row: n, cells }, index as never, 'dumo', KEY);

describe('户籍 register rows', () => {
  it('keeps the keyed hash and the last four of the ID number, never the number', () => {
    const id = fakeIdNumber('2015-06-01', 3);
    const { child, issues } = row(['测试儿童', '女', '2015/6/1', id, '示例村', '是']);
    expect(issues).toEqual([]);
    expect(child).toMatchObject({ idHash: hashIdNumber(KEY, id), idLast4: id.slice(-4), flags: ['脱贫户'] });
    expect(child?.childKey).toBe(personKeyOf({ idHash: hashIdNumber(KEY, id) }));
    expect(JSON.stringify(child)).not.toContain(id);
  });

  it('names the cell of every problem, in Chinese, without repeating the ID number', () => {
    const id = fakeIdNumber('2015-06-01', 3);
    const { issues } = row(['', 'M', '2015-06-02', `${id.slice(0, 17)}${id.endsWith('1') ? '2' : '1'}`, '', '也许'], 7);
    expect(issues).toEqual([
      { field: '工作表「户籍」第 7 行 E 列（村（社区））', reason: '村（社区）不能为空' },
      { field: '工作表「户籍」第 7 行 A 列（姓名）', reason: '姓名不能为空' },
      { field: '工作表「户籍」第 7 行 B 列（性别）', reason: '“M”无效：应为 男 或 女' },
      { field: '工作表「户籍」第 7 行 D 列（身份证号）', reason: '身份证号校验位不对（请核对是否抄错）' },
      { field: '工作表「户籍」第 7 行 F 列（脱贫户）', reason: '“也许”无效：应为 是 或 否' },
    ]);
    expect(row(['某', '男', '2015-06-02', id, '村', ''], 3).issues).toEqual([
      { field: '工作表「户籍」第 3 行 D 列（身份证号）', reason: '身份证号中的出生日期与“出生日期”列不一致' },
    ]);
    expect(row(['某', '男', '2015-06-01', '4.50331E+17', '村', ''], 4).issues[0]?.reason).toContain('Excel');
  });

  it('school age: 6 to 15 on 31 August of the term’s school year', () => {
    expect(schoolYearOf('2023-09-01')).toBe(2023);
    expect(schoolYearOf('2024-02-26')).toBe(2023);
    expect([isSchoolAge('2017-08-31', 2023), isSchoolAge('2017-09-01', 2023)]).toEqual([true, false]);
    expect([isSchoolAge('2007-09-01', 2023), isSchoolAge('2007-08-31', 2023)]).toEqual([true, false]);
  });

  it('a decision needs a reason; a 销号 needs evidence, and a transfer its receiving school', () => {
    expect(decisionInputSchema.safeParse({ decision: 'confirm', reason: '  ' }).success).toBe(false);
    expect(decisionInputSchema.safeParse({ decision: 'maybe', reason: '核实' }).error?.issues[0]?.message).toMatch(
      /confirm/,
    );
    expect(strikeInputSchema.safeParse({ reason: 'moved-away', evidence: [] }).error?.issues[0]?.message).toBe(
      '销号须附至少一项证明材料',
    );
    expect(
      strikeInputSchema.safeParse({ reason: 'transferred', evidence: ['函'], receivingSchool: '某校' }).success,
    ).toBe(true);
  });
});
