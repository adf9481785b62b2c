import { describe, expect, it } from 'vitest';
import { renderSms } from '../../shared/domain/templates/render.ts';
import { ladderStageLabel, reportEscalationTemplate } from '../../shared/domain/templates/report-templates.ts';

describe('ladder stage labels count levels as the escalation SMS do', () => {
  const sms = (level: number) =>
    renderSms(
      reportEscalationTemplate,
      { school: '测试小学', township: '测试镇', period: '2月24日', report: '日报', deadline: '2月24日17:00', level },
      { signature: '荔浦教育', maxParts: 2 },
    ).text;

  it('after the chief’s level the console says 第3级 like the chief’s "[3级催报]", not 第 4/4 级', () => {
    expect(sms(3)).toContain('[3级催报]');
    expect(ladderStageLabel(4, 4)).toBe('已催报至第3级（共3级）');
    expect(sms(1)).toContain('[1级催报]');
    expect(ladderStageLabel(2, 4)).toBe('已催报至第1级（共3级）');
    expect(ladderStageLabel(1, 4)).toBe('已提醒校长');
    expect(ladderStageLabel(0, 4)).toBe('尚未提醒');
  });
});
