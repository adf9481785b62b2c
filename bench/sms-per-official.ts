/**
 * Benchmark of SMS load per official (not a test): every demo school is late for every report for
 * BENCH_DAYS days (default 14) on the local runtime with the virtual clock; all crons run at their real
 * cadence (chase every 15 min). Prints the most SMS any official receives in one CST day, the chief's total
 * and busiest morning, and the configured per-number daily cap.
 * Usage: npm run bench:sms [-- --days 14] (or BENCH_DAYS in the env; test/e2e/benches.test.ts runs it tiny).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMessages } from '../local/commands/message-log.ts';
import { startRuntime } from '../local/runtime.ts';
import { DynamoDirectoryRepository } from '../shared/adapters/dynamo/directory-repository.ts';
import { cstInstant, cstLocalDateTime } from '../shared/domain/time.ts';
import { sharedRuntimeTable } from './dynamo.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const { values } = parseArgs({ options: { days: { type: 'string', default: process.env.BENCH_DAYS ?? '14' } } });
const DAYS = Number(values.days);
/** Monday 2026-11-23, autumn term: two school weeks from here. */
const START = cstInstant('2026-11-23', '05:00');

const stateDir = mkdtempSync(join(tmpdir(), 'baoxue-bench-sms-'));
const runtime = await startRuntime({
  stateDir,
  memory: true,
  ...sharedRuntimeTable('bench-sms'),
  speed: 0,
  start: START,
  background: false,
  publish: false,
  print: () => {},
});

try {
  const t0 = performance.now();
  await runtime.advanceTo(new Date(START.getTime() + DAYS * 86_400_000), { cronResolutionMs: 15 * 60_000 });
  const seconds = (performance.now() - t0) / 1000;
  const directory = await new DynamoDirectoryRepository(runtime.doc, runtime.tableName).load();
  const messages = new Map((await loadMessages(runtime.doc, runtime.tableName)).map((m) => [m.id, m]));
  const perDay = new Map<string, number>();
  const perMorning = new Map<string, number>();
  const perPerson = new Map<string, number>();
  let officialSms = 0;
  for (const s of runtime.sink.sent) {
    const m = messages.get(s.messageId);
    if (m?.audience !== 'official' || !m.recipient.personId) continue;
    officialSms++;
    const local = cstLocalDateTime(new Date(s.at));
    const day = `${m.recipient.personId}|${local.slice(0, 10)}`;
    perDay.set(day, (perDay.get(day) ?? 0) + 1);
    if (local.slice(11, 13) < '12') perMorning.set(day, (perMorning.get(day) ?? 0) + 1);
    perPerson.set(m.recipient.personId, (perPerson.get(m.recipient.personId) ?? 0) + 1);
  }
  const nameOf = (id: string) => directory.people.find((p) => p.id === id)?.name ?? id;
  const top = [...perDay.entries()].sort((a, b) => b[1] - a[1])[0];
  const chief = directory.meta.chiefId ?? '';
  const chiefMorning = Math.max(
    0,
    ...[...perMorning.entries()].filter(([k]) => k.startsWith(`${chief}|`)).map(([, n]) => n),
  );
  const cap = (runtime.config.sms as { dailyCapPerNumber?: number }).dailyCapPerNumber;
  console.log(
    `短信负荷基准 / SMS per official: ${directory.schools.filter((s) => s.active).length} schools late for ${DAYS} days ` +
      `(virtual ${cstLocalDateTime(START)} → ${cstLocalDateTime(runtime.clock.now())}, ${seconds.toFixed(1)} s real)`,
  );
  console.log(`official SMS sent: ${officialSms} to ${perPerson.size} officials`);
  console.log(
    `max SMS per official per day: ${top?.[1] ?? 0}${top ? ` (${nameOf(top[0].split('|')[0]!)} on ${top[0].split('|')[1]})` : ''}`,
  );
  console.log(
    `chief ${nameOf(chief)}: ${perPerson.get(chief) ?? 0} SMS in total, at most ${chiefMorning} in one morning`,
  );
  console.log(`per-number daily cap: ${cap === undefined ? 'none' : cap}`);
  if (cap !== undefined) {
    const over = [...perDay.values()].filter((n) => n > cap).length;
    console.log(over === 0 ? 'cap respected on every official-day: yes' : `cap NOT respected on ${over} official-days`);
  }
} finally {
  await runtime.stop();
  rmSync(stateDir, { recursive: true, force: true });
}
