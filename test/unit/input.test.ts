import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { openCaseInputSchema, parseInput, visitInputSchema } from '../../shared/domain/case.ts';
import { fromZodIssues, ValidationError } from '../../shared/domain/errors.ts';
import { cstDateSchema, note, text } from '../../shared/domain/input.ts';

const reasonOf = (
  schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } },
  v: unknown,
) => schema.safeParse(v).error?.issues[0]?.message;

describe('dates that exist', () => {
  it.each(['2023-02-30', '2023-13-01', '2023-02-29', '2023-00-10', '2024-04-31'])('refuses %s', (d) => {
    expect(reasonOf(cstDateSchema, d)).toBe('不是真实存在的日期');
  });
  it('accepts a leap day and names the format', () => {
    expect(cstDateSchema.safeParse('2024-02-29').success).toBe(true);
    expect(reasonOf(cstDateSchema, '2024/02/29')).toBe('日期格式应为 YYYY-MM-DD');
  });
});

describe('text that is what it looks like', () => {
  const t = text(10);

  it('is NFC-normalised and trimmed', () => {
    expect(t.parse('  e\u0301 ')).toBe('\u00e9');
  });

  it.each([
    ['blank', '   ', '不能为空'],
    ['zero-width only', '\u200B\u200D\uFEFF', '不能为空'],
    ['a control character', '张\u0007三', '含有不允许的控制字符或双向文本控制符'],
    ['a bidi override', '张三\u202E1380', '含有不允许的控制字符或双向文本控制符'],
    ['a lone surrogate', '张\uD800三', '含有无效的字符编码（孤立代理项）'],
    ['too long', '一二三四五六七八九十十', '最多 10 个字符'],
  ])('refuses %s', (_what, value, reason) => {
    expect(reasonOf(t, value)).toBe(reason);
  });

  it('a note may be empty but not invisible', () => {
    expect(note(10).parse('')).toBe('');
    expect(reasonOf(note(10), '\u200B')).toBe('不能为空');
  });

  it('the case inputs use it: a zero-width pupil name is refused naming the field', () => {
    const error = (() => {
      try {
        parseInput(openCaseInputSchema, { studentName: '\u200B' }, 'body');
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(error).toBeInstanceOf(ValidationError);
    expect(error?.issues).toContainEqual({ field: 'body.studentName', reason: '不能为空' });
    expect(
      visitInputSchema.safeParse({ by: { name: 'x' }, at: '2023-02-20T01:00:00Z', outcome: 'refused', note: '\u202E' })
        .success,
    ).toBe(false);
  });
});

describe("zod's own messages in Chinese (one error map for the process)", () => {
  const schema = z.object({ name: z.string().max(3), age: z.number().int().min(0), kind: z.enum(['a', 'b']) }).strict();
  const issues = (v: unknown) => {
    const r = schema.safeParse(v);
    return r.success ? [] : fromZodIssues(r.error.issues, 'body').issues;
  };

  it('names each field with a Chinese reason; an unknown key (even __proto__) is its own field', () => {
    expect(issues(JSON.parse('{"name":"abcd","age":"1","kind":"c","__proto__":{"x":1}}'))).toEqual([
      { field: 'body.name', reason: '最多 3 个字符' },
      { field: 'body.age', reason: '应为数字，收到的是文本' },
      { field: 'body.kind', reason: '应为以下之一："a"、"b"' },
      { field: 'body.__proto__', reason: '不允许的字段' },
    ]);
    expect(issues({ age: -1, kind: 'a' })).toEqual([
      { field: 'body.name', reason: '必填' },
      { field: 'body.age', reason: '不能小于 0' },
    ]);
  });

  it("keeps a schema's own message", () => {
    expect(reasonOf(z.string().min(1, '请填写'), '')).toBe('请填写');
  });
});
