import { describe, expect, it } from 'vitest';
import { parseHouseholdsCsv } from '../../local/commands/create-campaign.ts';

describe('create-campaign households CSV', () => {
  it('reads English or Chinese headers, a BOM, CRLF and quoted cells', () => {
    const rows = parseHouseholdsCsv(
      '\uFEFFref,studentName,teacherId\r\n"xj,1","测试""甲""",teacher-s1\r\n\r\nxj-2,测试乙,t-2\r\n',
    );

    expect(rows).toEqual([
      { ref: 'xj,1', studentName: '测试"甲"', teacherId: 'teacher-s1' },
      { ref: 'xj-2', studentName: '测试乙', teacherId: 't-2' },
    ]);
    expect(parseHouseholdsCsv('教师ID,学籍号,姓名\nt-1,xj-9,测试丙')).toEqual([
      { ref: 'xj-9', studentName: '测试丙', teacherId: 't-1' },
    ]);
  });

  it('refuses a file without the three columns, or a line missing one, naming the line', () => {
    expect(() => parseHouseholdsCsv('ref,name\nxj-1,测试')).toThrow('表头');
    expect(() => parseHouseholdsCsv('ref,name,teacher\nxj-1,测试,t-1\nxj-2,,t-2')).toThrow('第3行');
    expect(() => parseHouseholdsCsv('')).toThrow('空');
  });
});
