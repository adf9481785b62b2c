import * as z from 'zod/mini';

/**
 * Zod's own messages in Simplified Chinese, installed once for the whole process (officials read them; the field
 * path stays in `field`). A schema's own message (`.min(1, '必填')`) still wins. A small map of our own rather than
 * zod's locale bundle, so no function bundles every locale.
 */

const TYPE: Record<string, string> = {
  string: '文本',
  number: '数字',
  int: '整数',
  boolean: '布尔值（true/false）',
  object: '对象',
  array: '数组',
  null: 'null',
  undefined: '未填写',
  bigint: '整数',
  date: '日期',
};

const UNIT: Record<string, string> = { string: '个字符', array: '项', set: '项', file: '字节' };

function typeOf(input: unknown): string {
  if (input === null) return 'null';
  if (Array.isArray(input)) return 'array';
  if (typeof input === 'number' && Number.isNaN(input)) return 'NaN';
  return typeof input;
}

const FORMAT: Record<string, string> = {
  datetime: 'ISO 时间（如 2026-03-10T08:00:00+08:00）',
  date: '日期 YYYY-MM-DD',
  email: '电子邮件地址',
  e164: '国际格式手机号（如 +8613800000000）',
  uuid: 'UUID',
  url: '网址',
};

/** The Chinese reason for one zod issue. */
export function chineseMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return '必填';
      const expected = TYPE[issue.expected] ?? issue.expected;
      const got = typeOf(issue.input);
      return `应为${expected}，收到的是${TYPE[got] ?? got}`;
    }
    case 'too_big': {
      const unit = UNIT[issue.origin as string];
      const max = String(issue.maximum);
      return unit ? `最多 ${max} ${unit}` : `不能大于 ${max}${issue.inclusive ? '' : '（不含）'}`;
    }
    case 'too_small': {
      const unit = UNIT[issue.origin as string];
      const min = String(issue.minimum);
      if (issue.origin === 'string' && Number(min) === 1) return '不能为空';
      return unit ? `至少 ${min} ${unit}` : `不能小于 ${min}${issue.inclusive ? '' : '（不含）'}`;
    }
    case 'invalid_format':
      return issue.format === 'regex' ? '格式不正确' : `格式不正确，应为${FORMAT[issue.format] ?? issue.format}`;
    case 'not_multiple_of':
      return `应为 ${String(issue.divisor)} 的倍数`;
    case 'unrecognized_keys':
      return `不允许的字段：${issue.keys.join('、')}`;
    case 'invalid_value':
      return issue.values.length === 1
        ? `只能是 ${JSON.stringify(issue.values[0])}`
        : `应为以下之一：${issue.values.map((v) => JSON.stringify(v)).join('、')}`;
    case 'invalid_union':
      return '取值不符合任何允许的形式';
    case 'invalid_key':
      return '键无效';
    case 'invalid_element':
      return '含有无效的值';
    default:
      return '取值无效';
  }
}

z.config({ customError: (issue) => chineseMessage(issue) });
