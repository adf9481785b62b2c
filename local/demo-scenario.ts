import { followUpDepsOf, returnHook } from '../functions/followup-wiring.ts';
import { DynamoCaseRepository } from '../shared/adapters/dynamo/case-repository.ts';
import { DynamoDirectoryLookup } from '../shared/adapters/dynamo/directory-lookup.ts';
import { DynamoDirectoryRepository } from '../shared/adapters/dynamo/directory-repository.ts';
import { DynamoSlotRepository } from '../shared/adapters/dynamo/slot-repository.ts';
import type { AppConfig } from '../shared/config/app-config.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import type { Message } from '../shared/domain/message.ts';
import { maskPhone } from '../shared/domain/privacy.ts';
import { type CstDate, cstInstant, cstLocalDateTime } from '../shared/domain/time.ts';
import type { CaseDeps } from '../shared/use-cases/case-deps.ts';
import { issueNoticeUseCase } from '../shared/use-cases/issue-notice.ts';
import { logVisitUseCase } from '../shared/use-cases/log-visit.ts';
import { openCaseUseCase } from '../shared/use-cases/open-case.ts';
import { recordReturnUseCase } from '../shared/use-cases/record-return.ts';
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

/** The two pupils of the cases part (invented names; fake guardian mobiles outside the directory's range). */
export const PUPILS = {
  /** Not back; visits fail; notice; reminder; the week lapses → escalation. */
  lapses: { schoolId: 'maling-zhongxin', studentName: '覃示例', guardian: { name: '覃家长', phone: '+8613800000401' } },
  /** Not back; notice; returns on day 3 → the timer and the reminder are cancelled. */
  returns: {
    schoolId: 'shuangjiang-zhongxin',
    studentName: '莫演示',
    guardian: { name: '莫家长', phone: '+8613800000402' },
  },
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
  cases: {
    lapses: { caseId: string; noticeId: string; deadline: string };
    returns: { caseId: string; noticeId: string; returnedAt: string; cancelledMessageIds: string[] };
    /** One-time timers pending right after the return, and at the end. */
    timersAfterReturn: string[];
    timersAtEnd: string[];
  };
  messages: DemoMessage[];
  countsByTemplate: Record<string, number>;
  /** The most SMS one official got in one CST day (one per official per round, capped per number and day). */
  officials: { maxPerDay: number; who: string; day: string; dailyCap: number };
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
  const totalActs = 9;
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
  const file = async (schoolId: string, date: CstDate, settle = true) => {
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
    if (settle) await rt.settle();
    return result.onTime;
  };
  let step = STEP;
  const until = async (date: CstDate, time: string) => rt.advanceTo(cstInstant(date, time), { cronResolutionMs: step });
  const fileAllOnTime = async (date: CstDate, except: string[], quiet = false) => {
    await until(date, '16:00');
    for (const s of schools) {
      if (except.includes(s.id)) continue;
      if (await file(s.id, date, false)) filedOnTime++;
    }
    await rt.settle();
    if (!quiet) say(`${clockText(rt)}  ${schools.length - except.length} 所学校按时报送了 ${date.slice(5)} 的日报`);
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

  act(
    `${nameOf(LATE.climbs)} 始终未报：包片领导 17:00 收到通知；总负责人和办公室在下一个工作日（2月20日周一）09:00 收到`,
  );
  await until('2023-02-18', '10:00');
  say(`${clockText(rt)}  周末，没有新的日报要求，催报也不在周末打扰领导（此后各校每个上学日按时报送）`);

  // Cases: the same runtime, the next school week. Hourly steps are exact here: every time below is on the hour.
  step = 60 * 60_000;
  const caseDeps: CaseDeps = {
    repo: new DynamoCaseRepository(rt.doc, rt.tableName),
    directory: new DynamoDirectoryRepository(rt.doc, rt.tableName),
    timers: rt.deps.timers,
    clock: rt.clock,
    newId: rt.deps.newId,
    log: rt.deps.log,
    config: rt.config,
  };
  const teacher = (schoolId: string) => ({ name: `${nameOf(schoolId)}班主任（演示）` });
  const head = (schoolId: string) => {
    const id = schools.find((x) => x.id === schoolId)!.headId;
    return { personId: id, name: directory.people.find((p) => p.id === id)?.name ?? id };
  };
  const masked = (name: string) => `${[...name][0]}*${[...name].at(-1)}`;

  act('2月20日（周一）：两名学生未按时返校，开案并家访');
  await until('2023-02-20', '09:00');
  const opened = {
    lapses: await openCaseUseCase(caseDeps, {
      ...PUPILS.lapses,
      kind: 'not-returned',
      reason: '春节后随父母外出，未返校',
      whereabouts: '随父母在广东务工地',
      responsibleTeacher: teacher(PUPILS.lapses.schoolId),
      openedBy: head(PUPILS.lapses.schoolId),
    }),
    returns: await openCaseUseCase(caseDeps, {
      ...PUPILS.returns,
      kind: 'not-returned',
      reason: '在家帮忙农活，未返校',
      whereabouts: '在家',
      responsibleTeacher: teacher(PUPILS.returns.schoolId),
      openedBy: head(PUPILS.returns.schoolId),
    }),
  };
  await rt.settle();
  say(`${clockText(rt)}  ${nameOf(PUPILS.lapses.schoolId)}：${masked(PUPILS.lapses.studentName)} 未按时返校，已开案`);
  say(`${clockText(rt)}  ${nameOf(PUPILS.returns.schoolId)}：${masked(PUPILS.returns.studentName)} 未按时返校，已开案`);
  const visit = async (caseId: string, schoolId: string, outcome: 'not-home' | 'refused' | 'met-guardian') => {
    await logVisitUseCase(caseDeps, caseId, { by: teacher(schoolId), at: rt.clock.now().toISOString(), outcome });
    await rt.settle();
  };
  await until('2023-02-20', '10:00');
  await visit(opened.lapses.id, PUPILS.lapses.schoolId, 'not-home');
  await visit(opened.returns.id, PUPILS.returns.schoolId, 'met-guardian');
  say(
    `${clockText(rt)}  第一次家访：${masked(PUPILS.lapses.studentName)} 家中无人；${masked(PUPILS.returns.studentName)} 见到家长`,
  );
  await fileAllOnTime('2023-02-20', [], true);

  act('2月21日：劝返无果，学校发出《劝返复学通知书》，家长收到短信');
  await until('2023-02-21', '10:00');
  await visit(opened.lapses.id, PUPILS.lapses.schoolId, 'refused');
  await visit(opened.returns.id, PUPILS.returns.schoolId, 'refused');
  say(`${clockText(rt)}  第二次家访：两户家长均未同意返校`);
  await until('2023-02-21', '11:00');
  const notices = {
    lapses: await issueNoticeUseCase(caseDeps, opened.lapses.id, head(PUPILS.lapses.schoolId)),
    returns: await issueNoticeUseCase(caseDeps, opened.returns.id, head(PUPILS.returns.schoolId)),
  };
  await rt.settle();
  say(
    `${clockText(rt)}  两份通知书已发出，期限一周（至 2月28日 11:00），一次性定时器：${rt.scheduler.pendingTimers().length} 个`,
  );
  await fileAllOnTime('2023-02-21', [], true);
  for (const d of ['2023-02-22', '2023-02-23']) await fileAllOnTime(d, [], true);

  act(`2月24日（通知后第3天）：${masked(PUPILS.returns.studentName)} 返校，定时器和提醒取消`);
  await until('2023-02-24', '09:00');
  const followUp = returnHook(followUpDepsOf({ ...rt.deps, doc: rt.doc, tableName: rt.tableName, config: rt.config }));
  const returned = await recordReturnUseCase({ ...caseDeps, onReturned: followUp.onReturned }, opened.returns.id, {
    by: head(PUPILS.returns.schoolId),
    returnedOn: '2023-02-24',
  });
  await rt.settle();
  const timersAfterReturn = rt.scheduler.pendingTimers().map((t) => t.name);
  say(
    `${clockText(rt)}  ✅ ${masked(PUPILS.returns.studentName)} 已返校：通知书履行，取消提醒 ${returned.cancelledMessageIds.length} 条；` +
      `剩余定时器 ${timersAfterReturn.length} 个`,
  );
  if (followUp.outcome()?.status === 'created')
    say(`${clockText(rt)}  已建立保学跟踪计划：返校后按周家访，首次提醒在下一次家访的前一个上学日`);
  await fileAllOnTime('2023-02-24', [], true);

  act('2月26日：期限前两天，提醒家长');
  await until('2023-02-26', '12:00');
  await fileAllOnTime('2023-02-27', [], true);

  act(`2月28日 11:00：一周期满仍未返校，报告乡镇人民政府并通知学校、包乡镇人员和教育局办公室`);
  await until('2023-02-28', '12:00');
  say(`${clockText(rt)}  演示结束`);

  const messages = await demoMessages(rt);
  const countsByTemplate: Record<string, number> = {};
  for (const m of messages) countsByTemplate[m.template] = (countsByTemplate[m.template] ?? 0) + 1;
  return {
    scenario: '荔浦 2023 年春季学期开学：日报催报与劝返复学（荔教〔2023〕1号）',
    virtualStart: DEMO_START.toISOString(),
    virtualEnd: rt.clock.now().toISOString(),
    realSeconds: Math.round((Date.now() - realStart) / 100) / 10,
    acts,
    reports: {
      filedOnTime,
      lateSchools: Object.fromEntries(late.map((id) => [id, nameOf(id)])),
      filedLate,
    },
    cases: {
      lapses: { caseId: opened.lapses.id, noticeId: notices.lapses.id, deadline: notices.lapses.deadline },
      returns: {
        caseId: opened.returns.id,
        noticeId: notices.returns.id,
        returnedAt: '2023-02-24',
        cancelledMessageIds: returned.cancelledMessageIds,
      },
      timersAfterReturn,
      timersAtEnd: rt.scheduler.pendingTimers().map((t) => t.name),
    },
    messages,
    countsByTemplate,
    officials: busiestOfficial(messages, rt.config.sms.dailyCapPerNumber),
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

/** The official with the most SMS in one CST day, and how many. */
export function busiestOfficial(messages: DemoMessage[], dailyCap: number): DemoSummary['officials'] {
  const perDay = new Map<string, { n: number; who: string; day: string }>();
  for (const m of messages) {
    if (m.audience !== 'official' || !m.personId) continue;
    const day = m.atCst.slice(0, 10);
    const key = `${m.personId}|${day}`;
    perDay.set(key, { n: (perDay.get(key)?.n ?? 0) + 1, who: m.label, day });
  }
  const top = [...perDay.values()].sort((a, b) => b.n - a.n)[0];
  return { maxPerDay: top?.n ?? 0, who: top?.who ?? '', day: top?.day ?? '', dailyCap };
}

function clockText(rt: LocalRuntime): string {
  const t = cstLocalDateTime(rt.clock.now());
  return `[${Number(t.slice(5, 7))}月${Number(t.slice(8, 10))}日 ${t.slice(11, 16)}]`;
}
