/**
 * Benchmark (not a test): a county roll file of N fake pupils (default 40,000, 17 schools, XLSX as the 学籍 system
 * exports it), imported in one go into DynamoDB Local (check pass, then staged writes and one pointer flip), then
 * the next term's roll (2 % of pupils gone, 1 % new) imported and every school compared (对比上学期). Prints rows/s
 * of each phase, the comparison against the seeded truth, and the process's peak memory. Every ID number is fake
 * (region code 0000xx, which no region has) and the bench checks that none is stored in clear.
 *
 *   npm run bench:roll              # N=40000
 *   BENCH_ROWS=400 npm run bench:roll
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTable } from '../local/dynamodb-local.ts';
import { fakePupils, fakeRollHeader, fakeRollRow, writeFakeRollXlsx } from '../local/fake-roll.ts';
import { createDocumentClient, localClientConfig } from '../shared/adapters/dynamo/client.ts';
import { DynamoRollRepository } from '../shared/adapters/dynamo/roll-repository.ts';
import { FileIdHashKey } from '../shared/adapters/secrets/id-hash-key.ts';
import { fileRollSource } from '../shared/adapters/tabular/roll-file.ts';
import { loadConfigFile } from '../shared/config/load-config.ts';
import { FAKE_ID_ANYWHERE } from '../shared/domain/roll.ts';
import { fixedClock } from '../shared/domain/time.ts';
import { compareRolls } from '../shared/use-cases/compare-rolls.ts';
import { importRoll } from '../shared/use-cases/import-roll.ts';
import { benchDynamo } from './dynamo.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const N = Number(process.env.BENCH_ROWS ?? 40_000);
const SCHOOLS = Array.from({ length: 17 }, (_, i) => `school-${String(i + 1).padStart(2, '0')}`);
const SPRING = '2022-2023学年第二学期';
const AUTUMN = '2023-2024学年第一学期';
// Grades 1–8 only, so nobody graduates and the truth is simply "gone and not recorded".
const GRADES = ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级', '七年级', '八年级'];

let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const m = process.memoryUsage();
  peakRss = Math.max(peakRss, m.rss);
  peakHeap = Math.max(peakHeap, m.heapUsed);
};
const sampler = setInterval(sample, 25);
const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'baoxue-bench-roll-'));
  const db = await benchDynamo();
  try {
    const tableName = db.table('bench-roll');
    await ensureTable(db.endpoint, tableName);
    const doc = createDocumentClient(localClientConfig(db.endpoint));
    const repo = new DynamoRollRepository(doc, tableName);
    let ids = 0;
    const deps = {
      repo,
      key: new FileIdHashKey(join(dir, 'roll-id.key')),
      clock: fixedClock('2023-09-01T02:00:00Z'),
      newId: () => `bench${++ids}`,
      schoolIds: new Set(SCHOOLS),
      terms: loadConfigFile().calendar.terms.map((t) => t.name),
    };

    const spring = fakePupils({ schoolIds: SCHOOLS, count: N, seed: 1, year: 2022, grades: GRADES });
    const gone = new Set(spring.filter((_, i) => i % 50 === 7).map((p) => p.studentRef)); // 2 %
    const newcomers = fakePupils({ schoolIds: SCHOOLS, count: Math.ceil(N / 100), seed: 2, year: 2023, offset: N });
    const autumn = [...spring.filter((p) => !gone.has(p.studentRef)), ...newcomers];
    const springFile = join(dir, 'spring.xlsx');
    const autumnFile = join(dir, 'autumn.xlsx');
    const header = fakeRollHeader(true);
    await writeFakeRollXlsx(springFile, [header, ...spring.map((p) => fakeRollRow(p, true))]);
    await writeFakeRollXlsx(autumnFile, [header, ...autumn.map((p) => fakeRollRow(p, true))]);
    const bytes = statSync(springFile).size;
    spring.length = 0; // the generator's copy is not part of the import's memory
    autumn.length = 0;
    sample();
    const baseline = process.memoryUsage().rss;
    peakRss = baseline;
    console.log(
      `roll file: ${N} rows, ${SCHOOLS.length} schools, XLSX ${(bytes / 1024 / 1024).toFixed(1)} MB (fake data, ID region codes 0000xx)`,
    );

    const phases: Record<string, number> = {};
    const timed = async (label: string, file: string, term: string) => {
      const start = Date.now();
      let checkedAt = start;
      const result = await importRoll(deps, {
        schoolId: '*',
        term,
        source: fileRollSource(file),
        onProgress: (p) => {
          if (p.phase === 'check' && p.fraction >= 1) checkedAt = Date.now();
        },
      });
      const total = (Date.now() - start) / 1000;
      const check = (checkedAt - start) / 1000;
      phases[label] = result.rows / total;
      console.log(
        `import ${label}: ${result.rows} rows in ${total.toFixed(1)} s = ${Math.round(result.rows / total)} rows/s ` +
          `(check pass ${Math.round(result.rows / check)} rows/s; write pass ${Math.round(result.rows / (total - check))} rows/s, ` +
          `${result.schools.length} schools, one pointer transaction)`,
      );
      return result;
    };
    await timed('spring', springFile, SPRING);
    await timed('autumn', autumnFile, AUTUMN);

    const cases = { listBySchool: async () => [] };
    const start = Date.now();
    let missing = 0;
    let newcomerCount = 0;
    for (const schoolId of SCHOOLS) {
      const c = await compareRolls(
        { rolls: repo, cases, terms: loadConfigFile().calendar.terms },
        { schoolId, from: SPRING, to: AUTUMN },
      );
      missing += c.missing.length;
      newcomerCount += c.newcomers;
    }
    const compareMs = Date.now() - start;
    console.log(
      `compare-rolls: ${SCHOOLS.length} schools in ${(compareMs / 1000).toFixed(1)} s; 未按时返校 ${missing} ` +
        `(seeded truth ${gone.size}), newcomers ${newcomerCount} (seeded ${newcomers.length}) ` +
        `${missing === gone.size && newcomerCount === newcomers.length ? 'OK' : 'MISMATCH'}`,
    );

    let clear = 0;
    let scanned = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey }));
      for (const item of page.Items ?? []) {
        scanned++;
        const text = JSON.stringify(item);
        const hit = FAKE_ID_ANYWHERE.exec(text);
        if (hit) {
          clear++;
          // Where it is (the item's keys), never the number itself.
          console.log(
            `  clear ID-number pattern in ${String(item.entity)} ${String(item.pk)} ${String(item.sk)} at ${hit.index}`,
          );
        }
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    console.log(`clear ID numbers in ${scanned} items: ${clear} ${clear === 0 ? 'OK' : 'MISMATCH'}`);
    sample();
    console.log(
      `peak memory: rss ${mb(peakRss)} (${mb(peakRss - baseline)} above the ${mb(baseline)} before the first import), heap ${mb(peakHeap)}`,
    );
    doc.destroy();
  } finally {
    clearInterval(sampler);
    await db.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
