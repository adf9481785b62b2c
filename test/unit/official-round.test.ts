import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatMessageLog } from '../../local/commands/message-log.ts';
import { smsParts } from '../../shared/domain/message.ts';
import {
  MERGED_TEMPLATE,
  mergeNotes,
  type Note,
  noteFromMessage,
  roundMessageId,
} from '../../shared/domain/official-round.ts';
import { maskName } from '../../shared/domain/privacy.ts';
import { smsTemplateCatalog } from '../../shared/domain/templates/catalog.ts';
import { paramProblems, templateProblems } from '../../shared/domain/templates/provider-rules.ts';

const longSchool = '荔浦市青山镇特殊教育学校附属九年一贯制实验学校';
const longTownship = '荔浦市修仁镇人民政府教育办公室';
const options = { signature: '荔浦教育', maxParts: 2 };
const NOW = new Date('2026-12-02T01:00:00.000Z');

const note = (i: number, over: Partial<Note> = {}): Note => ({
  id: `slot#sch-${i}:daily:2026-12-02#L3#chief-1`,
  recipient: { personId: 'chief-1', role: 'chief', phone: '+8613800000004', label: '测试总负责丁' },
  single: { template: 'report.escalation', text: `【荔浦教育】[3级催报]学校${i}12月2日日报逾期未报`, parts: 1 },
  group: { key: 'report:daily:2026-12-02:L3', many: `[3级催报]${longTownship}等{n}所学校12月2日日报逾期未报` },
  item: `${longSchool}${i}`,
  summary: `[3级催报]${longTownship}${longSchool}${i}12月2日日报逾期未报`,
  subject: { kind: 'slot', id: `sch-${i}:daily:2026-12-02` },
  schoolId: `sch-${i}`,
  townshipId: 'tw-1',
  createdAt: NOW.toISOString(),
  notBefore: NOW.toISOString(),
  ...over,
});

describe('mergeNotes', () => {
  it('sends a note alone as its own SMS, same id and text', () => {
    const m = mergeNotes([note(1)], options, NOW);
    expect([m.id, m.text, m.template, m.covers]).toEqual([
      note(1).id,
      note(1).single.text,
      'report.escalation',
      undefined,
    ]);
  });

  it('fits any number of notes and groups in 2 parts with long names, covering all of them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 90 }), fc.integer({ min: 1, max: 6 }), (count, groups) => {
        const notes = Array.from({ length: count }, (_, i) =>
          note(i, {
            group: {
              key: `g${i % groups}`,
              many: `[${(i % groups) + 1}级催报]${longTownship}等{n}所学校${longSchool}日报逾期未报`,
            },
          }),
        );
        const m = mergeNotes(notes, options, NOW);
        expect(m.parts).toBeLessThanOrEqual(2);
        expect(smsParts(m.text)).toBe(m.parts);
        expect(m.text.startsWith('【荔浦教育】')).toBe(true);
        expect(m.text).toContain(`共${count}项`);
        expect(m.covers?.map((c) => c.id).sort()).toEqual(notes.map((n) => n.id).sort());
      }),
    );
  });

  it('reads as the issue example: one header, the schools listed until the space runs out', () => {
    const notes = [1, 2, 3, 4, 5].map((i) =>
      note(i, {
        item: `东昌镇第${i}小学`,
        group: { key: 'k', many: '东昌镇等{n}所学校12月2日日报逾期未报' },
      }),
    );
    expect(mergeNotes(notes, options, NOW).text).toBe(
      '【荔浦教育】东昌镇等5所学校12月2日日报逾期未报：东昌镇第1小学、东昌镇第2小学、东昌镇第3小学、东昌镇第4小学、东昌镇第5小学（共5项，完整清单见系统消息记录）',
    );
  });

  it('gives the same id whatever the order, a different one for another set', () => {
    const a = mergeNotes([note(1), note(2), note(3)], options, NOW);
    const b = mergeNotes([note(3), note(1), note(2)], options, NOW);
    const c = mergeNotes([note(1), note(2)], options, NOW);
    expect(a.id).toBe(b.id);
    expect(a.id).toBe(roundMessageId('chief-1', [note(2).id, note(3).id, note(1).id]));
    expect(c.id).not.toBe(a.id);
    expect(a.template).toBe(MERGED_TEMPLATE);
  });

  it('keeps a pupil masked in a merged lapsed-notice line (R9)', () => {
    const pupils = ['欧阳小明', '张三丰'];
    const notes = pupils.map((name, i) =>
      note(i, {
        item: `东昌镇中心小学${maskName(name)}`,
        group: { key: 'notice.lapsed', many: '{n}名学生劝返复学通知书期满仍未复学' },
      }),
    );
    const m = mergeNotes(notes, options, NOW);
    expect(m.text).toContain('欧**明');
    for (const name of pupils) expect(m.text).not.toContain(name);
  });
});

describe('mergeNotes through a template provider', () => {
  const tencent = {
    kind: 'tencent' as const,
    smsSdkAppId: '1400000000',
    signName: '荔浦教育',
    region: 'ap-guangzhou',
    templates: Object.fromEntries(smsTemplateCatalog().map((t, i) => [t.key ?? t.id, String(1000 + i)])),
    variableMaxLength: 35,
    secretParameter: '/baoxue/test/sms/tencent',
  };

  it('sends the round.merged template with bounded params, and every approved template check passes', () => {
    const m = mergeNotes([note(1), note(2), note(3)], { ...options, provider: tencent }, NOW);
    expect(m.templateKey).toBe('round.merged');
    expect(m.params).toEqual({ count: '3', topic: `${`[3级催报]${longTownship}`.slice(0, 19)}…` });
    expect(m.text).toBe(`【荔浦教育】您有3项待办：${m.params!.topic}等。完整清单请登录控辍保学系统查看消息记录。`);
    expect(m.covers).toHaveLength(3);
    expect(templateProblems(smsTemplateCatalog(), tencent)).toEqual([]);
    const rendered = {
      template: m.template,
      key: m.templateKey!,
      params: m.params!,
      text: m.text,
      parts: m.parts,
      overLimit: false,
    };
    expect(paramProblems(rendered, tencent)).toEqual([]);
  });

  it('keeps a single note as its own template and params, and SNS keeps the free-text list', () => {
    const single = note(1, {
      single: {
        template: 'report.escalation',
        templateKey: 'report.escalation',
        params: { level: '3' },
        text: '【荔浦教育】x',
        parts: 1,
      },
    });
    const alone = mergeNotes([single], { ...options, provider: tencent }, NOW);
    expect([alone.templateKey, alone.params]).toEqual(['report.escalation', { level: '3' }]);
    const sns = mergeNotes([note(1), note(2)], { ...options, provider: { kind: 'sns' as const } }, NOW);
    expect(sns.text).toContain('完整清单见系统消息记录');
    expect(sns.templateKey).toBe('round.merged');
  });

  it('a short first header goes whole: one cause of each of two groups names the first cause', () => {
    const other = note(2, {
      group: { key: 'g2', many: '{n}项随访逾期' },
      summary: '[随访]短',
      createdAt: '2026-12-02T01:00:01.000Z',
    });
    const m = mergeNotes(
      [note(1, { summary: '[3级催报]一中日报逾期' }), other],
      { ...options, provider: tencent },
      NOW,
    );
    expect(m.params!.topic).toBe('[3级催报]一中日报逾期');
    expect(m.params!.count).toBe('2');
  });
});

describe('the message log (CLI)', () => {
  it('lists every cause a merged message covers, one line each', () => {
    const m = mergeNotes([note(1), note(2), note(3)], options, NOW);
    const log = formatMessageLog([m]);
    expect(log).toContain('合并 3 项：');
    for (const n of [note(1), note(2), note(3)]) expect(log).toContain(`· ${n.summary}`);
  });
});

describe('noteFromMessage', () => {
  it('refuses a guardian’s message: guardians are never merged', () => {
    const m = mergeNotes([note(1)], options, NOW);
    const guardian = {
      ...m,
      audience: 'guardian' as const,
      recipient: { role: 'guardian' as const, phone: '+8613800000401', label: '覃*长' },
    };
    const merge = { group: { key: 'k', many: '{n}项' }, item: 'x', summary: 'y' };
    expect(() => noteFromMessage(guardian, merge)).toThrow(/not to an official/);
    expect(noteFromMessage(m, merge)).toMatchObject({ id: m.id, single: { text: m.text } });
  });
});
