import { describe, expect, it } from 'vitest';
import { smsTemplatesText } from '../../local/commands/sms-templates.ts';
import { smsTemplateCatalog } from '../../shared/domain/templates/catalog.ts';

describe('sms templates --provider', () => {
  it('lists every key with the text to register and its variables, for Alibaba by name', () => {
    const lines = smsTemplatesText('aliyun');
    expect(lines.filter((l) => !l.startsWith(' ') && l !== '')).toHaveLength(smsTemplateCatalog().length);
    const at = lines.indexOf('notice.guardian.shortest（家长）');
    expect(lines[at + 1]).toBe(
      `  劝返复学通知书：请于\${returnBy}前送您的孩子\${studentName}返校复学，逾期学校将依法报告乡镇政府和教育局。电话\${schoolPhone}`,
    );
    expect(lines[at + 2]).toBe('  变量：returnBy、studentName、schoolPhone');
    expect(lines.some((l) => l.includes('【'))).toBe(false);
  });

  it('refuses an unknown provider in Chinese', () => {
    expect(() => smsTemplatesText('sns')).toThrow('--provider 只能是 tencent 或 aliyun，收到：sns');
  });
});
