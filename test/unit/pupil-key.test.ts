import { describe, expect, it } from 'vitest';
import { pupilKeyOf } from '../../shared/domain/pupil-key.ts';

describe('pupilKeyOf: who is the same pupil', () => {
  const base = { schoolId: 's1', studentName: '阿依古丽·买买提', grade: '七年级' };

  it('folds width, spaces and the middle dots of minority names; the key shows neither name nor number', () => {
    const key = pupilKeyOf(base);

    expect(pupilKeyOf({ ...base, studentName: ' 阿依古丽•买买提 ' })).toBe(key);
    expect(pupilKeyOf({ ...base, studentName: '阿依古丽　・买买提' })).toBe(key);
    expect(pupilKeyOf({ ...base, grade: '七 年级' })).toBe(key);
    expect(key).toMatch(/^nm-[0-9a-f]{26}$/);
  });

  it('another grade, another school or another name is another pupil; nothing is guessed (七年级 ≠ 7年级)', () => {
    const key = pupilKeyOf(base);

    expect(pupilKeyOf({ ...base, grade: '八年级' })).not.toBe(key);
    expect(pupilKeyOf({ ...base, grade: '7年级' })).not.toBe(key);
    expect(pupilKeyOf({ ...base, schoolId: 's2' })).not.toBe(key);
    expect(pupilKeyOf({ ...base, grade: undefined })).not.toBe(key);
  });

  it('a 学籍号 decides alone and county-wide: any name, grade or school; case and width folded', () => {
    const key = pupilKeyOf({ ...base, studentRef: 'G450321201001011234' });

    expect(pupilKeyOf({ schoolId: 's9', studentName: '别名', studentRef: 'g450321201001011234' })).toBe(key);
    expect(pupilKeyOf({ ...base, studentRef: 'Ｇ４５０３２１２０１００１０１１２３４' })).toBe(key);
    expect(pupilKeyOf({ ...base, studentRef: 'G450321201001011235' })).not.toBe(key);
    expect(key).toMatch(/^xj-[0-9a-f]{26}$/);
    expect(key).not.toContain('450321');
  });
});
