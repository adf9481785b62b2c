import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import { directoryTemplateXlsx, readTemplateRows } from '../../shared/adapters/tabular/directory-template-file.ts';
import { FAKE_ID_ANYWHERE, fakeIdNumber } from '../../shared/domain/roll.ts';
import { apiCallerWorld } from '../support/api-caller.ts';
import { who } from '../support/api-world.ts';
import { ROSTER_TERM } from '../support/roster-seed.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-uploads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROLL_HEADER = ['学籍号', '姓名', '性别', '出生日期', '年级', '身份证号', '监护人', '联系电话'];
const rollRow = (i: number) => [
  `T00200000${String(i).padStart(2, '0')}`,
  `测试上传学生${i}`,
  i % 2 ? '男' : '女',
  `2014-03-0${(i % 9) + 1}`,
  '五年级',
  fakeIdNumber(`2014-03-0${(i % 9) + 1}`, i),
  `测试家长${i}`,
  `1380000${String(1000 + i).padStart(4, '0')}`,
];
const csv = (rows: string[][]) => `\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`;
const b64 = (text: string | Buffer) => Buffer.from(text).toString('base64');

let keyCounter = 0;
const key = () => `upload-test-${++keyCounter}-${Date.now()}`;

describe('uploads through the API: the console wizard’s dry run, import, progress and refusals', () => {
  let w: Awaited<ReturnType<typeof apiCallerWorld>>;
  const scan = async () =>
    ((await w.doc.send(new ScanCommand({ TableName: w.tableName }))).Items ?? [])
      .filter(
        (i) =>
          !String(i.pk).startsWith('UPLOAD#') && !String(i.pk).startsWith('api#') && !String(i.pk).startsWith('IDEM'),
      )
      .map((i) => JSON.stringify(i))
      .sort();
  const upload = (
    kind: string,
    as: (typeof who)[keyof typeof who],
    body: Record<string, unknown>,
    idempotencyKey: string | null = key(),
  ) =>
    w.call({
      method: 'POST',
      path: `/api/uploads/${kind}`,
      as,
      body,
      ...(idempotencyKey !== null ? { headers: { 'idempotency-key': idempotencyKey } } : {}),
    });
  const rollBody = (rows: string[][], extra: Record<string, unknown> = {}) => ({
    schoolId: 's1',
    term: ROSTER_TERM,
    fileName: '学籍花名册.csv',
    content: b64(csv(rows)),
    dryRun: true,
    ...extra,
  });

  beforeAll(async () => {
    w = await apiCallerWorld('uploads');
    w.deps.idKey = new FileIdHashKey(join(dir, 'roll-id.key'));
  });

  it('a head’s dry run shows the differences and writes nothing; the import then writes the roll once', async () => {
    const rows = [ROLL_HEADER, rollRow(1), rollRow(2), rollRow(3)];
    const before = await scan();
    const id = key();
    const dry = await upload('roll', who.headS1, rollBody(rows), id);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({
      kind: 'roll',
      dryRun: true,
      written: false,
      rows: 3,
      schools: [{ schoolId: 's1', rows: 3, added: 3, changed: 0, removed: 0, unchanged: 0, previous: null }],
    });
    expect(dry.body.lines[0]).toContain('【试运行】');
    expect(JSON.stringify(dry.body)).not.toContain('测试上传学生1'); // names masked in the listing
    expect(await scan()).toEqual(before);
    const progress = await w.call({ method: 'GET', path: `/api/uploads/${id}/progress`, as: who.headS1 });
    expect(progress.body).toMatchObject({ phase: 'done', fraction: 1, rows: 3 });
    // Only the uploader reads its progress.
    expect((await w.call({ method: 'GET', path: `/api/uploads/${id}/progress`, as: who.office })).status).toBe(404);

    // Five confirmations under one key at once (a double click, a retry): one import.
    const confirmKey = key();
    const five = await Promise.all(
      Array.from({ length: 5 }, () => upload('roll', who.headS1, rollBody(rows, { dryRun: false }), confirmKey)),
    );
    const created = five.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    for (const r of five) expect([201, 409]).toContain(r.status);
    expect(new Set(created.map((r) => r.body.importId)).size).toBe(1);
    const stored = (await w.doc.send(new ScanCommand({ TableName: w.tableName }))).Items ?? [];
    const pupils = stored.filter((i) => i.entity === 'ROLL_PUPIL');
    expect(pupils).toHaveLength(3);
    expect(JSON.stringify(stored)).not.toMatch(FAKE_ID_ANYWHERE);
    const replay = await upload('roll', who.headS1, rollBody(rows, { dryRun: false }), confirmKey);
    expect([replay.status, replay.body.importId]).toEqual([201, created[0]!.body.importId]);

    // The same file again: nothing changes.
    const again = await upload('roll', who.headS1, rollBody(rows));
    expect(again.body.schools[0]).toMatchObject({ added: 0, changed: 0, removed: 0, unchanged: 3 });
  });

  it('three officials confirming different files for one school at once: one roll wins whole, the others are told', async () => {
    const files = [1, 2, 3].map((n) => [ROLL_HEADER, ...Array.from({ length: n + 1 }, (_, i) => rollRow(10 * n + i))]);
    const replies = await Promise.all(
      files.map((rows) => upload('roll', who.office, rollBody(rows, { schoolId: 's2', dryRun: false }))),
    );
    for (const r of replies) expect([201, 409], JSON.stringify(r.body)).toContain(r.status);
    const won = replies.filter((r) => r.status === 201);
    expect(won.length).toBeGreaterThanOrEqual(1);
    const items = (await w.doc.send(new ScanCommand({ TableName: w.tableName }))).Items ?? [];
    const active = items.filter((i) => i.entity === 'ROLL_ACTIVE' && String(i.pk).startsWith('ROLL#s2#'));
    expect(active).toHaveLength(1);
    const current = items.filter(
      (i) => i.entity === 'ROLL_PUPIL' && String(i.pk).includes(String(active[0]!.importId)),
    );
    // The active roll is exactly one of the files (its row count), never a mix.
    expect(files.map((f) => f.length - 1)).toContain(current.length);
    expect(won.map((r) => r.body.importId)).toContain(active[0]!.importId);
  });

  it('every role against the roll, register and directory uploads', async () => {
    const rows = [ROLL_HEADER, rollRow(4)];
    const status = async (kind: string, as: (typeof who)[keyof typeof who], body: Record<string, unknown>) =>
      (await upload(kind, as, body)).status;
    const roll = rollBody(rows);
    expect(await status('roll', who.office, roll)).toBe(200);
    expect(await status('roll', who.headS1, roll)).toBe(200);
    expect(await status('roll', who.headS3, roll)).toBe(404);
    expect(await status('roll', who.teacherS1, roll)).toBe(403);
    expect(await status('roll', who.contactA, roll)).toBe(403);
    expect(await status('roll', who.leaderA, roll)).toBe(403);
    expect(await status('roll', who.office, { ...roll, schoolId: 'no-such-school' })).toBe(404);

    const register = {
      townshipId: 'ta',
      fileName: '户籍名单.csv',
      content: b64(
        csv([
          ['村（社区）', '姓名', '性别', '出生日期', '身份证号'],
          ['测试村', '测试户籍上传', '女', '2016-02-01', fakeIdNumber('2016-02-01', 7)],
        ]),
      ),
      dryRun: true,
    };
    const office = await upload('register', who.office, register);
    expect(office.status, JSON.stringify(office.body)).toBe(200);
    expect(office.body).toMatchObject({ kind: 'register', dryRun: true, rows: 1, added: 1 });
    for (const as of [who.contactA, who.headS1, who.teacherS1, who.leaderA])
      expect(await status('register', as, register)).toBe(403);

    const template = await directoryTemplateXlsx(await readTemplateRows('data/directory'));
    const directory = { fileName: '组织名录.xlsx', content: b64(template), dryRun: true, acceptMismatches: true };
    const dry = await upload('directory', who.office, directory);
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body).toMatchObject({ kind: 'directory', dryRun: true, written: false });
    expect(dry.body.added).toBeGreaterThan(17);
    for (const as of [who.headS1, who.contactA, who.leaderA, who.teacherS1])
      expect(await status('directory', as, directory)).toBe(403);
    expect(JSON.stringify(dry.body)).not.toMatch(/1[3-9]\d{9}/); // no full phone number in the listing
  });

  it('a file with bad rows is refused naming row and column; nothing is stored', async () => {
    const before = await scan();
    const bad = [ROLL_HEADER, rollRow(5), ['T0020000006', '', '男', '2014-13-01', '五年级', '', '', '']];
    const res = await upload('roll', who.headS1, rollBody(bad, { dryRun: false }));
    expect(res.status).toBe(400);
    const fields = (res.body.error.issues as { field: string; reason: string }[]).map((i) => i.field);
    expect(fields.some((f) => f.includes('工作表「学籍花名册」第 3 行') && f.includes('姓名'))).toBe(true);
    expect(fields.some((f) => f.includes('第 3 行') && f.includes('出生日期'))).toBe(true);
    expect(res.body.error.message).toContain('未导入任何内容');
    expect(await scan()).toEqual(before);
  });

  it('hostile and impossible input: clear 400s naming the field', async () => {
    const rows = [ROLL_HEADER, rollRow(7)];
    const field = async (body: Record<string, unknown>, kind = 'roll', idem: string | null = key()) => {
      const r = await upload(kind, who.office, body, idem);
      return [r.status, (r.body.error?.issues as { field: string }[] | undefined)?.map((i) => i.field) ?? r.body];
    };
    expect(await field(rollBody(rows, { fileName: 'roll.exe' }))).toEqual([400, ['body.fileName']]);
    expect(await field(rollBody(rows, { content: '不是base64!' }))).toEqual([400, ['body.content']]);
    expect(await field(rollBody(rows, { content: 'A'.repeat(3_000_000) }))).toEqual([400, ['body.content']]);
    expect(await field(rollBody(rows, { term: '2099学年' }))).toEqual([400, ['term']]);
    expect(await field(rollBody(rows, { extra: 1 }))).toEqual([400, ['body.extra']]);
    expect(await field(rollBody(rows, { dryRun: 'yes' }))).toEqual([400, ['body.dryRun']]);
    expect(await field(rollBody(rows), 'photos')).toEqual([400, ['kind']]);
    // Without an Idempotency-Key the upload runs untracked (no progress to poll).
    const untracked = await upload('roll', who.office, rollBody(rows), null);
    expect([untracked.status, untracked.body.rows]).toEqual([200, 1]);
    // An .xlsx name over CSV bytes (a renamed .xls, say): a named refusal, not a crash in the reader.
    expect(await field(rollBody(rows, { fileName: 'roll.xlsx' }))).toEqual([400, ['content']]);
    // A deployed stage without `rosters.idKeyParameter` (and no local key): refused by name, nothing read.
    const local = w.deps.idKey;
    delete w.deps.idKey;
    try {
      expect(await field(rollBody(rows))).toEqual([400, ['rosters.idKeyParameter']]);
    } finally {
      w.deps.idKey = local;
    }
    // A file name that tries to leave the temporary folder stays in it.
    const outside = await upload(
      'roll',
      who.office,
      rollBody(rows, { fileName: ['..', '..', '..', 'tmp', 'x.csv'].join('/') }),
    );
    expect([outside.status, outside.body.rows]).toEqual([200, 1]);
    // A real XLSX upload works (the wizard's usual file).
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('学籍花名册');
    for (const r of rows) ws.addRow(r);
    const xlsx = Buffer.from(await wb.xlsx.writeBuffer());
    const ok = await upload('roll', who.office, rollBody(rows, { fileName: 'roll.xlsx', content: b64(xlsx) }));
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.rows).toBe(1);
    // A directory workbook without the template's sheets: refused sheet by sheet, nothing imported.
    const wrong = new ExcelJS.Workbook();
    wrong.addWorksheet('别的表').addRow(['甲', '乙']);
    const notTemplate = await upload('directory', who.office, {
      fileName: '组织名录.xlsx',
      content: b64(Buffer.from(await wrong.xlsx.writeBuffer())),
      dryRun: true,
    });
    expect(notTemplate.status).toBe(400);
    expect(notTemplate.body.error.message).toMatch(/^目录模板有 \d+ 处错误，未导入任何内容：/);
    expect(notTemplate.body.error.issues.length).toBeGreaterThan(0);
    // Logs hold no clear ID number, phone or full pupil name.
    const logs = JSON.stringify(w.log.lines);
    expect(logs).not.toMatch(FAKE_ID_ANYWHERE);
    expect(logs).not.toContain('测试上传学生');
    expect(logs).not.toMatch(/1380000\d{4}/);
  });
});
