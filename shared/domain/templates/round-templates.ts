import { defineTemplate } from './render.ts';

export interface RoundParams extends Record<string, string | number> {
  /** How many causes the message stands for (at most MAX_NOTES_PER_MESSAGE). */
  count: number;
  /** The first group's header, cut to ROUND_TOPIC_MAX characters (`东昌镇等5所学校12月2日日报逾期未报`). */
  topic: string;
}

/** Longest `topic` a merged round message carries: within every provider's variable limit. */
export const ROUND_TOPIC_MAX = 20;

/**
 * An official's merged round message through a template provider (Tencent, Alibaba), which sends only an approved
 * template with bounded variables: the count and the first topic. The whole list is in the message log and the
 * console (`covers`). Through SNS the merged message keeps its free text (official-round.ts mergedText), which names
 * as many items as fit.
 */
export const roundMergedTemplate = defineTemplate<RoundParams>({
  id: 'round.merged',
  audience: 'official',
  body: (p) => `您有${p.count}项待办：${p.topic}等。完整清单请登录控辍保学系统查看消息记录。`,
});

export const roundTemplates = [roundMergedTemplate] as const;

/** `header` as a topic parameter: whole when it fits, else cut with an ellipsis. */
export const roundTopic = (header: string) =>
  header.length <= ROUND_TOPIC_MAX ? header : `${header.slice(0, ROUND_TOPIC_MAX - 1)}…`;
