import { DynamoDirectoryLookup } from '../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoDirectoryRepository } from '../shared/adapters/dynamo/directory-repository.ts';
import { DynamoSlotRepository } from '../shared/adapters/dynamo/slot-repository.ts';
import type { AppConfig } from '../shared/config/app-config.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import type { Message } from '../shared/domain/message.ts';
import { maskPhone } from '../shared/domain/privacy.ts';
import { type CstDate, cstInstant, cstLocalDateTime } from '../shared/domain/time.ts';
import { submitReport } from '../shared/use-cases/submit-report.ts';
import { loadMessages } from './commands/message-log.ts';
import type { LocalRuntime } from './runtime.ts';

/** Where the scenario starts: Thursday 2023-02-16 05:00 CST, the date of 荔教〔2023〕1号, spring term under way. */
export const DEMO_START = cstInstant('2023-02-16', '05:00');

/** The demo chases the 日报 only, so the story stays readable (weekly and monthly ladders work the same way). */
export function demoConfig(base: AppConfig = loadConfigFile()): AppConfig {
  return { ...base, reports: { ...base.reports, cadences: ['daily'] } };
}

/** The schools the story follows. */
export const LATE = {
  /** Never files the 16th's report: the ladder climbs all four levels. */
  climbs: 'maling-zhongxin',
  /** Files on the 17th at 08:30, after the head's reminder and before the township contact's. */
  stopsAfterHead: 'shuangjiang-zhongxin',
  /** Files on the 17th at 12:00, after the township contact, before the area leader. */
  stopsAfterTownship: 'texiao',
} as const;

export interface DemoMessage {
  at: string;
  atCst: string;
  messageId: string;
  template: string;
  audience: string;
  role: string;
  label: string;
  personId?: string;
  phone: string;
  schoolId?: string;
}

export interface DemoSummary {
  scenario: string;
  virtualStart: string;
  virtualEnd: string;
  realSeconds: number;
  acts: string[];
  reports: { filedOnTime: number; lateSchools: Record<string, string>; filedLate: Record<string, string> };
  messages: DemoMessage[];
  countsByTemplate: Record<string, number>;
  notCovered: string[];
}

const STEP = 30 * 60_000;

/**
 * Plays the scenario on a running runtime (paused clock): schools file through the submit-report use case,
 * everything else is the system reacting — schedules, stream consumers, the outbox, the SMS sink.
 */
export async function playDemo(rt: LocalRuntime, say: (line: string) => void): Promise<DemoSummary> {
  const realStart = Date.now();
  const acts: string[] = [];
  const totalActs = 4;
  const act = (title: string) => {
    acts.push(title);
    say(`\n━━ [${acts.length}/${totalActs}] ${title} ━━`);
  };
  const directory = await new DynamoDirectoryRepository(rt.doc, rt.tableName).load();
  const schools = directory.schools.filter((s) => s.active);
  if (schools.length === 0) throw new Error('the directory is empty: the demo needs data/directory imported');
  const nameOf = (id: string) => schools.find((s) => s.id === id)?.name ?? id;
  const submitDeps = {
    slots: new DynamoSlotRepository(rt.doc, rt.tableName),
    directory: new DynamoDirectoryLookup(rt.doc, rt.tableName),
    clock: rt.clock,
    log: rt.deps.log,
    config: rt.config,
  };
  const filedLate: Record<string, string> = {};
  let filedOnTime = 0;
  const file = async (schoolId: string, date: CstDate) => {
    const school = schools.find((s) => s.id === schoolId)!;
    const result = await submitReport(submitDeps, {
      schoolId,
      cadence: 'daily',
      periodKey: date,
      submission: {
        counts: { enrolled: 800, returned: 800, notReturned: 0, droppedOut: 0 },
        notBack: [],
        submittedBy: school.headId,
      },
    });
    await rt.settle();
    return result.onTime;
  };
  const until = async (date: CstDate, time: string) => rt.advanceTo(cstInstant(date, time), { cronResolutionMs: STEP });
  const fileAllOnTime = async (date: CstDate, except: string[]) => {
    await until(date, '16:00');
    for (const s of schools) {
      if (except.includes(s.id)) continue;
      if (await file(s.id, date)) filedOnTime++;
    }
    say(`${clockText(rt)}  ${schools.length - except.length} 所学校按时报送了 ${date.slice(5)} 的日报`);
  };

  act('2月16日（周四）：06:00 开出当天日报，17:00 截止');
  await until('2023-02-16', '06:05');
  say(`${clockText(rt)}  已为 ${schools.length} 所学校开出 2月16日 日报（截止 17:00）`);
  const late = Object.values(LATE) as string[];
  await fileAllOnTime('2023-02-16', late);
  say(`${clockText(rt)}  未报：${late.map(nameOf).join('、')} —— 催报阶梯开始`);

  act('截止后 30 分钟：提醒校长；次日 09:00 起逐级升级');
  await until('2023-02-17', '08:30');
  await file(LATE.stopsAfterHead, '2023-02-16');
  filedLate[LATE.stopsAfterHead] = cstLocalDateTime(rt.clock.now());
  say(`${clockText(rt)}  ✅ ${nameOf(LATE.stopsAfterHead)} 补报 2月16日 日报：它的催报阶梯停止（不再通知包乡镇人员）`);
  await until('2023-02-17', '12:00');
  await file(LATE.stopsAfterTownship, '2023-02-16');
  filedLate[LATE.stopsAfterTownship] = cstLocalDateTime(rt.clock.now());
  say(`${clockText(rt)}  ✅ ${nameOf(LATE.stopsAfterTownship)} 补报 2月16日 日报：包片领导不会收到通知`);

  act('2月17日（周五）：各校按时报送当天日报');
  await fileAllOnTime('2023-02-17', []);

  act(`${nameOf(LATE.climbs)} 始终未报：包片领导、总负责人和办公室收到通知`);
  await until('2023-02-18', '10:00');
  say(`${clockText(rt)}  周末，没有新的日报要求`);

  const messages = await demoMessages(rt);
  const countsByTemplate: Record<string, number> = {};
  for (const m of messages) countsByTemplate[m.template] = (countsByTemplate[m.template] ?? 0) + 1;
  return {
    scenario: '荔浦 2023 年春季学期开学：日报催报（荔教〔2023〕1号）',
    virtualStart: DEMO_START.toISOString(),
    virtualEnd: rt.clock.now().toISOString(),
    realSeconds: Math.round((Date.now() - realStart) / 100) / 10,
    acts,
    reports: {
      filedOnTime,
      lateSchools: Object.fromEntries(late.map((id) => [id, nameOf(id)])),
      filedLate,
    },
    messages,
    countsByTemplate,
    notCovered: [],
  };
}

/** Every SMS the sink received, joined with its outbox record (who, which template). Phones masked. */
export async function demoMessages(rt: LocalRuntime): Promise<DemoMessage[]> {
  const byId = new Map<string, Message>((await loadMessages(rt.doc, rt.tableName)).map((m) => [m.id, m]));
  return rt.sink.sent.map((s) => {
    const m = byId.get(s.messageId);
    return {
      at: s.at,
      atCst: cstLocalDateTime(new Date(s.at)),
      messageId: s.messageId,
      template: m?.template ?? '?',
      audience: m?.audience ?? '?',
      role: m?.recipient.role ?? '?',
      label: m?.recipient.label ?? '?',
      ...(m?.recipient.personId ? { personId: m.recipient.personId } : {}),
      phone: maskPhone(s.phone),
      ...(m?.schoolId ? { schoolId: m.schoolId } : {}),
    };
  });
}

function clockText(rt: LocalRuntime): string {
  const t = cstLocalDateTime(rt.clock.now());
  return `[${Number(t.slice(5, 7))}月${Number(t.slice(8, 10))}日 ${t.slice(11, 16)}]`;
}
