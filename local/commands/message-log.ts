import type { Command } from 'commander';
import { scanAll } from '../../shared/adapters/dynamo/client.ts';
import { itemToMessage } from '../../shared/adapters/dynamo/message-items.ts';
import type { Message } from '../../shared/domain/message.ts';
import { maskPhone } from '../../shared/domain/privacy.ts';
import { cstLocalDateTime } from '../../shared/domain/time.ts';
import { connectToRuntime } from './runtime-target.ts';

const STATUS: Record<Message['status'], string> = {
  QUEUED: '排队中',
  SENDING: '发送中',
  SENT: '已发送',
  FAILED: '失败',
  CANCELLED: '已取消',
};

/** All outbox messages of the local table, oldest first (a Scan: fine for a local table, never in the cloud). */
export async function loadMessages(
  doc: ReturnType<typeof connectToRuntime>['doc'],
  tableName: string,
): Promise<Message[]> {
  const items = await scanAll(doc, {
    TableName: tableName,
    FilterExpression: 'entity = :msg',
    ExpressionAttributeValues: { ':msg': 'MSG' },
  });
  return items.map(itemToMessage).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** One line per message; phones masked, the text only on request (it may name a child). */
export function formatMessageLog(messages: Message[], options: { text?: boolean } = {}): string {
  if (messages.length === 0) return '消息记录为空。';
  const lines = messages.map((m) => {
    const when = cstLocalDateTime(new Date(m.sentAt ?? m.notBefore)).replace('T', ' ');
    const who = `${m.recipient.label}（${maskPhone(m.recipient.phone)}）`;
    const audience = m.audience === 'guardian' ? '家长' : '干部';
    const failure = m.failureReason ? `  原因：${m.failureReason}` : '';
    const receipt = m.delivery
      ? m.delivery.status === 'DELIVERED'
        ? `  已送达 ${cstLocalDateTime(new Date(m.delivery.at)).slice(5, 16).replace('T', ' ')}`
        : `  未送达（${m.delivery.code}）`
      : '';
    const text = options.text ? `\n    「${m.text}」` : '';
    // A merged round message: the full list it stands for (the SMS itself names only what fits in its parts).
    const covers = m.covers?.length
      ? `\n    合并 ${m.covers.length} 项：${m.covers.map((c) => `\n      · ${c.summary}`).join('')}`
      : '';
    return `${when}  ${STATUS[m.status]}  ${audience}  ${who}  ${m.template}  ${m.parts}条${receipt}${failure}${text}${covers}`;
  });
  const counts = (Object.keys(STATUS) as Message['status'][])
    .map((s) => [STATUS[s], messages.filter((m) => m.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${label} ${n}`)
    .join('，');
  return `${lines.join('\n')}\n共 ${messages.length} 条：${counts}`;
}

export function registerMessageLog(program: Command): void {
  program
    .command('message-log')
    .alias('messages')
    .description('显示短信消息记录（发件箱）')
    .option('--status <状态>', '只看某状态：QUEUED、SENDING、SENT、FAILED、CANCELLED')
    .option('--school <学校ID>', '只看某学校的消息')
    .option('--text', '显示短信全文（可能含学生姓名，注意保密）')
    .option('--state-dir <目录>', '本地环境的数据目录（与 npm start -- --state-dir 相同；默认 .local/）')
    .option('--endpoint <地址>', 'DynamoDB 地址（默认读 runtime.json）')
    .option('--table <表名>', '表名（默认读 runtime.json）')
    .action(
      async (options: {
        status?: string;
        school?: string;
        text?: boolean;
        endpoint?: string;
        table?: string;
        stateDir?: string;
      }) => {
        // A read-only listing: it needs no clock, so any DynamoDB Local will do.
        const { doc, tableName } = connectToRuntime({ ...options, realClock: true }, { scan: true });
        try {
          const messages = (await loadMessages(doc, tableName)).filter(
            (m) =>
              (!options.status || m.status === options.status) && (!options.school || m.schoolId === options.school),
          );
          console.log(formatMessageLog(messages, { text: options.text ?? false }));
        } finally {
          doc.destroy();
        }
      },
    );
}
