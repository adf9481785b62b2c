import { describe, expect, it } from 'vitest';
import { maskIdNumber, maskName, maskPhone, redact, scrubText } from '../../shared/domain/privacy.ts';

describe('maskName', () => {
  it.each([
    ['张小明', '张*明'],
    ['张三', '张*'],
    ['欧阳小明', '欧**明'], // compound surname: length kept, only the first and last character shown
    ['司马光', '司*光'],
    ['罗 燕', '罗*'], // a space inside a Chinese name (as in the source document) is not a character
    [' 张 辉 ', '张*'],
    ['李', '*'],
    ['', ''],
  ])('%s → %s', (name, masked) => {
    expect(maskName(name)).toBe(masked);
  });
});

describe('maskPhone', () => {
  it.each([
    ['+8613800000001', '138****0001'],
    ['13800000001', '138****0001'],
    ['8613800000001', '138****0001'],
    ['008613800000001', '138****0001'],
    ['138-0000-0001', '138****0001'],
    ['+867737201234', '******1234'], // a landline: only the last four
    ['7201234', '***1234'],
    ['12345', '*****'],
  ])('%s → %s', (phone, masked) => {
    expect(maskPhone(phone)).toBe(masked);
  });

  it('never shows more than the first three and last four digits', () => {
    for (const phone of ['+8613800000001', '+867737201234', '07737201234', '7201234']) {
      const shown = maskPhone(phone).replace(/\*/g, '');
      expect(shown.length).toBeLessThanOrEqual(7);
    }
  });
});

describe('maskIdNumber', () => {
  it('keeps the region and the last four of an 18-character ID', () => {
    expect(maskIdNumber('45033120100101123X')).toBe('450331********123X');
    expect(maskIdNumber('450331201001011234')).toBe('450331********1234');
  });

  it('hides a short value entirely', () => {
    expect(maskIdNumber('1234567890')).toBe('**********');
  });
});

describe('scrubText', () => {
  it('masks phones and ID numbers inside free text, Chinese around them included', () => {
    const text = '监护人电话+8613800000001，身份证45033120100101123X，备用 138 0000 0002';

    expect(scrubText(text)).toBe('监护人电话138****0001，身份证450331********123X，备用 138****0002');
  });

  it('leaves other numbers alone (an epoch in milliseconds, an order number)', () => {
    expect(scrubText('at 1700000000000 order 2023021913800000')).toBe('at 1700000000000 order 2023021913800000');
  });
});

describe('redact', () => {
  it('masks sensitive fields by name, at any depth and in arrays', () => {
    const payload = {
      studentName: '王小明',
      guardian: { name: '王大山', phone: '+8613800000001' },
      PhoneNumber: '+8613800000002',
      idNumber: '45033120100101123X',
      names: ['李四'],
      name: ['赵六', '钱七七'],
      note: '回电 13800000003',
      attempts: 2,
    };

    expect(redact(payload)).toEqual({
      studentName: '王*明',
      guardian: { name: '王*山', phone: '138****0001' },
      PhoneNumber: '138****0002',
      idNumber: '450331********123X',
      names: ['李四'],
      name: ['赵*', '钱*七'],
      note: '回电 138****0003',
      attempts: 2,
    });
  });

  it('keeps dates as ISO text, errors as name and scrubbed message, and cuts cycles', () => {
    const cyclic: Record<string, unknown> = { at: new Date('2023-02-20T02:00:00Z') };
    cyclic.self = cyclic;
    const shared = { phone: '+8613800000001' };

    expect(redact(cyclic)).toEqual({ at: '2023-02-20T02:00:00.000Z', self: '[Circular]' });
    expect(redact({ error: new Error('send to +8613800000001 failed') })).toEqual({
      error: { name: 'Error', message: 'send to 138****0001 failed' },
    });
    expect(redact({ a: shared, b: shared })).toEqual({ a: { phone: '138****0001' }, b: { phone: '138****0001' } });
  });

  it('does not change the value it was given', () => {
    const payload = { phone: '+8613800000001' };

    redact(payload);

    expect(payload.phone).toBe('+8613800000001');
  });
});
