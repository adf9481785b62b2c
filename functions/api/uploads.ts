import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { DynamoCaseRepository } from '../../shared/adapters/dynamo/case-repository.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoFollowUpRepository } from '../../shared/adapters/dynamo/followup-repository.ts';
import { DynamoRegisterRepository } from '../../shared/adapters/dynamo/register-repository.ts';
import { DynamoRollGroups } from '../../shared/adapters/dynamo/roll-groups.ts';
import { DynamoRollRepository } from '../../shared/adapters/dynamo/roll-repository.ts';
import { SsmIdHashKey } from '../../shared/adapters/secrets/id-hash-key.ts';
import { isDirectoryTemplate, readDirectoryTemplate } from '../../shared/adapters/tabular/directory-template-file.ts';
import { fileRollSource } from '../../shared/adapters/tabular/roll-file.ts';
import {
  ForbiddenError,
  NotFoundError,
  TemplateIssues,
  UnsupportedFileError,
  ValidationError,
} from '../../shared/domain/errors.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import type { IdHashKey } from '../../shared/domain/roll.ts';
import { capabilities, type Principal } from '../../shared/domain/scope.ts';
import { caseGroupsHook } from '../../shared/use-cases/case-groups.ts';
import { describeImportResult, importDirectory, NameMismatchError } from '../../shared/use-cases/import-directory.ts';
import { describeRegisterImport, importRegister } from '../../shared/use-cases/import-register.ts';
import { describeRollImport, importRoll, type RollProgress } from '../../shared/use-cases/import-roll.ts';
import type { Deps } from '../deps.ts';
import { errorReply, parseWith, type Reply } from './http.ts';
import { type UploadProgress, UploadProgressStore } from './upload-progress.ts';

/**
 * The console's upload wizard (docs/rosters.md): a filled-in template travels as base64 in a JSON body, is written
 * to a private temporary file (Lambda's /tmp, mode 0600, deleted before the reply) and goes through the same import
 * use case as the CLI, dry run first. This module is the api's lazy chunk `lazy/uploads.mjs` (infra/bundling.ts):
 * the importers, the spreadsheet readers and the SSM client load on the first upload, not at every cold start. It
 * answers every outcome as a Reply itself (its errors are its own copies of the domain classes, so the main chunk's
 * `instanceof` mapping would not know them).
 */

/**
 * At most 2 MB of file (base64 ≈ 2.7 MB, well within Lambda's 6 MB request payload): a school's roll or a township's
 * register (about 10,000 CSV rows) imports within the api's 15 s; a county file goes through the CLI.
 */
export const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

const base = {
  fileName: z
    .string()
    .check(
      z.minLength(1),
      z.maxLength(200),
      z.regex(/\.(xlsx|csv)$/i, '只接受 .xlsx 或 .csv 文件（.xls 请先在 Excel 中另存为 .xlsx）'),
    ),
  content: z
    .string()
    .check(
      z.minLength(1, '文件为空'),
      z.maxLength(
        Math.ceil(MAX_UPLOAD_BYTES / 3) * 4,
        `文件超过 ${MAX_UPLOAD_BYTES / 1024 / 1024} MB：请按学校或乡镇拆分，或用 CLI 导入`,
      ),
      z.regex(/^[A-Za-z0-9+/]+={0,2}$/, '不是有效的 base64 内容'),
    ),
  dryRun: z.boolean(),
};
const rollBody = z.strictObject({
  ...base,
  schoolId: z.string().check(z.minLength(1), z.maxLength(64)),
  term: z.string().check(z.minLength(1), z.maxLength(64)),
});
const registerBody = z.strictObject({ ...base, townshipId: z.string().check(z.minLength(1), z.maxLength(64)) });
const directoryBody = z.strictObject({
  ...base,
  fileName: z.string().check(z.minLength(1), z.maxLength(200), z.regex(/\.xlsx$/i, '组织名录请上传填好的 .xlsx 模板')),
  acceptMismatches: z._default(
    z.union([z.boolean(), z.array(z.string().check(z.minLength(1), z.maxLength(32))).check(z.maxLength(50))]),
    false,
  ),
});

export type UploadKind = 'roll' | 'register' | 'directory';

export interface UploadRequest {
  kind: UploadKind;
  principal: Principal;
  directory: DirectorySnapshot;
  body: unknown;
  /** The request's Idempotency-Key: the console polls the progress under it. */
  uploadId: string | undefined;
  requestId: string;
}

/** Lines of the operator's listing kept in a reply (the counts are always whole). */
const MAX_LINES = 60;

let cloudKey: IdHashKey | undefined;
/** The rolls' keyed-hash key: the deps' (local key file) or, in the cloud, the stage's SSM SecureString. */
function idKeyOf(deps: Deps): IdHashKey {
  if (deps.idKey) return deps.idKey;
  const parameter = deps.config.rosters.idKeyParameter;
  if (!parameter) {
    throw new ValidationError(
      [{ field: 'rosters.idKeyParameter', reason: '未配置' }],
      '本环境未配置身份证号摘要密钥（rosters.idKeyParameter），无法导入名册：请联系系统管理员',
    );
  }
  cloudKey ??= SsmIdHashKey.create(parameter);
  return cloudKey;
}

export async function handleUpload(deps: Deps, req: UploadRequest): Promise<Reply> {
  const progress = new UploadProgressStore(deps.doc, deps.tableName, deps.clock);
  const track = req.uploadId ? { id: req.uploadId, personId: req.principal.personId } : undefined;
  const report = throttled(async (p: UploadProgress) => {
    if (track) await progress.put(track.id, track.personId, p);
  });
  let dir: string | undefined;
  try {
    const upload = parseUpload(req);
    assertMayUpload(req, upload);
    const { input } = upload;
    const bytes = Buffer.from(input.content, 'base64');
    // An .xlsx is a ZIP (PK\x03\x04): an .xls or a renamed file would fail deep in the reader.
    if (/\.xlsx$/i.test(input.fileName) && bytes.subarray(0, 4).toString('latin1') !== 'PK\x03\x04')
      throw new ValidationError(
        [{ field: 'content', reason: '不是有效的 .xlsx 文件（.xls 请先在 Excel 中另存为 .xlsx）' }],
        '文件不是有效的 .xlsx 文件：.xls 请先在 Excel 中另存为 .xlsx，或改为上传 .csv',
      );
    dir = await mkdtemp(join(tmpdir(), 'baoxue-upload-'));
    // The user's file name inside a private random folder: a CSV's rows are named after it (工作表「学籍花名册」).
    const path = join(dir, input.fileName.replace(/[\\/\0:*?"<>|]/g, '_').replace(/^\.+/, '_'));
    await writeFile(path, bytes, { mode: 0o600 });
    await report({ phase: 'check', fraction: 0, rows: 0 }, true);
    const onProgress = (p: RollProgress) => void report(p);
    let body: Record<string, unknown>;
    if (upload.kind === 'roll') {
      const { input } = upload;
      const result = await importRoll(
        {
          repo: new DynamoRollRepository(deps.doc, deps.tableName),
          key: idKeyOf(deps),
          clock: deps.clock,
          newId: deps.newId,
          log: deps.log,
          schoolIds: new Set(req.directory.schools.filter((s) => s.active !== false).map((s) => s.id)),
          terms: deps.config.calendar.terms.map((t) => t.name),
          caseGroups: caseGroupsHook({
            repo: new DynamoCaseRepository(deps.doc, deps.tableName),
            plans: new DynamoFollowUpRepository(deps.doc, deps.tableName),
            groups: new DynamoRollGroups(deps.doc, deps.tableName, deps.config.calendar.terms),
            clock: deps.clock,
            log: deps.log,
          }),
        },
        {
          schoolId: input.schoolId,
          term: input.term,
          source: { ...fileRollSource(path), label: input.fileName },
          dryRun: input.dryRun,
          onProgress,
        },
      );
      body = {
        kind: 'roll',
        dryRun: result.dryRun,
        written: result.written,
        importId: result.importId,
        term: result.term,
        rows: result.rows,
        schools: result.schools.map((d) => ({
          schoolId: d.schoolId,
          rows: d.rows,
          added: d.added.length,
          changed: d.changed.length,
          removed: d.removed.length,
          unchanged: d.unchanged,
          previous: d.previous ?? null,
        })),
        lines: capped(describeRollImport(result, 15)),
      };
    } else if (upload.kind === 'register') {
      const { input } = upload;
      const result = await importRegister(
        {
          repo: new DynamoRegisterRepository(deps.doc, deps.tableName),
          key: idKeyOf(deps),
          clock: deps.clock,
          newId: deps.newId,
          log: deps.log,
          townshipIds: new Set(req.directory.townships.filter((t) => t.active !== false).map((t) => t.id)),
        },
        {
          townshipId: input.townshipId,
          source: { ...fileRollSource(path), label: input.fileName },
          dryRun: input.dryRun,
        },
      );
      const { previous, ...counts } = result;
      body = { kind: 'register', ...counts, previous: previous ?? null, lines: capped(describeRegisterImport(result)) };
    } else {
      const { input } = upload;
      if (!isDirectoryTemplate(path)) throw new UnsupportedFileError(input.fileName);
      const read = await readDirectoryTemplate(path);
      const result = await importDirectory(
        { repo: new DynamoDirectoryRepository(deps.doc, deps.tableName), clock: deps.clock, log: deps.log },
        {
          source: read.source,
          dryRun: input.dryRun,
          acceptMismatches: input.acceptMismatches,
          sourceLabel: `上传：${input.fileName}（${req.principal.name}）`,
          locate: read.locate,
        },
      );
      body = {
        kind: 'directory',
        dryRun: result.dryRun,
        written: result.written,
        added: result.added.length,
        updated: result.updated.length,
        deactivated: result.deactivated.length,
        unchanged: result.unchanged,
        mismatches: result.mismatches.length,
        warnings: result.warnings,
        lines: capped(describeImportResult(result)),
      };
    }
    await report({ phase: 'done', fraction: 1, rows: Number(body.rows ?? 0) }, true);
    return { status: body.dryRun ? 200 : 201, body };
  } catch (error) {
    await report({ phase: 'failed', fraction: 1, rows: 0 }, true).catch(() => undefined);
    return errorReply(asDomainError(error), deps.log, req.requestId);
  } finally {
    if (dir) await rm(dir, { recursive: true, force: true });
  }
}

type Upload =
  | { kind: 'roll'; input: z.infer<typeof rollBody> }
  | { kind: 'register'; input: z.infer<typeof registerBody> }
  | { kind: 'directory'; input: z.infer<typeof directoryBody> };

function parseUpload(req: UploadRequest): Upload {
  if (req.kind === 'roll') return { kind: 'roll', input: parseWith(rollBody, req.body, 'body') };
  if (req.kind === 'register') return { kind: 'register', input: parseWith(registerBody, req.body, 'body') };
  return { kind: 'directory', input: parseWith(directoryBody, req.body, 'body') };
}

/**
 * Who may upload what (the roles of `capabilities`, which the console's tab follows): a school head its own school's
 * roll (another school's is not found), the office any roll, the registers and the directory.
 */
function assertMayUpload(req: UploadRequest, upload: Upload): void {
  const p = req.principal;
  const may = capabilities(p);
  if (upload.kind === 'roll') {
    const { schoolId } = upload.input;
    if (!req.directory.schools.some((s) => s.id === schoolId)) throw new NotFoundError('school', schoolId);
    if (!may.uploadRoll) throw new ForbiddenError('只有本校校长或教育局办公室可以导入学籍名册');
    if (p.role === 'school-head' && p.schoolId !== schoolId) throw new NotFoundError('school', schoolId);
    return;
  }
  if (upload.kind === 'register') {
    const { townshipId } = upload.input;
    if (!req.directory.townships.some((t) => t.id === townshipId)) throw new NotFoundError('township', townshipId);
    if (!may.uploadRegister) throw new ForbiddenError('只有教育局办公室可以导入户籍名单');
    return;
  }
  if (!may.uploadDirectory) throw new ForbiddenError('只有教育局办公室可以导入组织名录');
}

/** Reader and template errors become named validation errors (400) with the operator's Chinese message. */
function asDomainError(error: unknown): unknown {
  if (error instanceof UnsupportedFileError)
    return new ValidationError([{ field: 'fileName', reason: error.message }], error.message);
  if (error instanceof TemplateIssues) return new ValidationError(error.issues, error.operatorText());
  if (error instanceof NameMismatchError)
    return new ValidationError(
      error.mismatches.filter((m) => !m.accepted).map((m) => ({ field: 'acceptMismatches', reason: m.name })),
      `${error.message}\n核对无误后勾选“接受姓名差异”再导入。`,
    );
  return error;
}

const capped = (lines: string[]) =>
  lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), `…另有 ${lines.length - MAX_LINES} 行未显示`] : lines;

/** Progress writes at most once per tenth of a phase (a 40,000-row file: ~20 writes), the forced ones always. */
function throttled(write: (p: UploadProgress) => Promise<void>) {
  let last = '';
  let chain = Promise.resolve();
  return (p: UploadProgress, force = false): Promise<void> => {
    const step = `${p.phase}:${Math.floor(p.fraction * 10)}`;
    if (!force && step === last) return chain;
    last = step;
    chain = chain.then(() => write(p)).catch(() => undefined);
    return chain;
  };
}
