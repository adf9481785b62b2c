import type { RegisterRepository } from '../domain/cross-check.ts';
import { RegisterRejectedError, ValidationError } from '../domain/errors.ts';
import type { Clock, Log } from '../domain/ports.ts';
import { parseRegisterRow, type RegisterChild, registerColumns } from '../domain/register.ts';
import type { IdHashKey } from '../domain/roll.ts';
import { type CellIssue, mapHeader, type SheetRow } from '../domain/tabular.ts';

export interface ImportRegisterDeps {
  repo: RegisterRepository;
  /** The same key as the rolls': a child's hash here must equal the hash of the same ID number on a roll. */
  key: IdHashKey;
  clock: Clock;
  newId: () => string;
  log?: Log;
  /** Ids of the townships in the directory. */
  townshipIds: ReadonlySet<string>;
}

export interface ImportRegisterInput {
  townshipId: string;
  source: { label: string; rows(): AsyncIterable<SheetRow> };
  dryRun?: boolean;
}

export interface ImportRegisterResult {
  dryRun: boolean;
  written: boolean;
  importId: string;
  townshipId: string;
  rows: number;
  added: number;
  removed: number;
  changed: number;
  unchanged: number;
  previous?: { importId: string; count: number; importedAt: string };
}

const MAX_ISSUES = 200;

const fingerprint = (c: RegisterChild) =>
  JSON.stringify([
    c.village,
    c.name,
    c.gender,
    c.birthDate,
    c.guardian ?? '',
    c.guardianPhone ?? '',
    c.address ?? '',
    c.flags,
  ]);

/**
 * Imports a township's 户籍 list of school-age children, all or nothing: every row is checked (cells named in
 * Chinese, duplicate ID numbers name both rows); any problem refuses the file and nothing is written. The ID number
 * is hashed with the rolls' key as its row is parsed and only the hash and the last four are kept. A dry run gives
 * the difference with the active register; otherwise the children are staged under a new import id and the
 * township's pointer is flipped with one conditional write (the replaced import is deleted afterwards).
 */
export async function importRegister(
  deps: ImportRegisterDeps,
  input: ImportRegisterInput,
): Promise<ImportRegisterResult> {
  if (!deps.townshipIds.has(input.townshipId))
    throw new ValidationError(
      [{ field: 'townshipId', reason: '乡镇不存在' }],
      `乡镇 ${input.townshipId} 不在组织目录中`,
    );
  const key = await deps.key.key();
  const issues: CellIssue[] = [];
  let total = 0;
  const issue = (i: CellIssue) => {
    total++;
    if (issues.length < MAX_ISSUES) issues.push(i);
  };
  const children: RegisterChild[] = [];
  const seen = new Map<string, number>();
  let header: { sheet: string; index: Map<never, number> } | undefined;
  for await (const row of input.source.rows()) {
    if (header && row.sheet !== header.sheet) break;
    if (!header) {
      if (row.cells.every((c) => (c ?? '').trim() === '')) continue;
      const mapped = mapHeader(row.sheet, row, registerColumns);
      if (mapped.issues.length > 0) throw new RegisterRejectedError(mapped.issues, mapped.issues.length);
      header = { sheet: row.sheet, index: mapped.index as Map<never, number> };
      continue;
    }
    const parsed = parseRegisterRow(header.sheet, row, header.index, input.townshipId, key);
    if (parsed.blank) continue;
    for (const i of parsed.issues) issue(i);
    const child = parsed.child;
    if (!child) continue;
    const first = seen.get(child.childKey);
    if (first !== undefined) {
      issue({ field: `工作表「${header.sheet}」第 ${row.row} 行`, reason: `身份证号与第 ${first} 行重复` });
      continue;
    }
    seen.set(child.childKey, row.row);
    children.push(child);
  }
  if (seen.size === 0 && total === 0) issue({ field: '文件', reason: '没有数据行' });
  if (total > 0) {
    deps.log?.warn('register import refused', { townshipId: input.townshipId, issues: total });
    throw new RegisterRejectedError(issues, total);
  }

  const active = await deps.repo.active(input.townshipId);
  const stored = active ? await deps.repo.load(input.townshipId) : [];
  const storedByKey = new Map(stored.map((c) => [c.childKey, c]));
  const result: ImportRegisterResult = {
    dryRun: input.dryRun ?? false,
    written: false,
    importId: deps.newId(),
    townshipId: input.townshipId,
    rows: children.length,
    added: 0,
    removed: stored.filter((c) => !seen.has(c.childKey)).length,
    changed: 0,
    unchanged: 0,
    ...(active ? { previous: { importId: active.importId, count: active.count, importedAt: active.importedAt } } : {}),
  };
  for (const c of children) {
    const old = storedByKey.get(c.childKey);
    if (!old) result.added++;
    else if (fingerprint(old) !== fingerprint(c)) result.changed++;
    else result.unchanged++;
  }
  if (result.dryRun) return result;

  try {
    await deps.repo.stage(input.townshipId, result.importId, children);
    await deps.repo.activate(
      {
        townshipId: input.townshipId,
        importId: result.importId,
        count: children.length,
        importedAt: deps.clock.now().toISOString(),
        source: input.source.label,
      },
      active,
    );
  } catch (error) {
    await deps.repo.discard(input.townshipId, result.importId).catch(() => undefined);
    throw error;
  }
  if (active) await deps.repo.discard(input.townshipId, active.importId).catch(() => undefined);
  deps.log?.info('register imported', {
    townshipId: input.townshipId,
    importId: result.importId,
    rows: children.length,
  });
  return { ...result, written: true };
}

export function describeRegisterImport(r: ImportRegisterResult): string[] {
  return [
    r.dryRun
      ? `【试运行】乡镇 ${r.townshipId} 户籍名单共 ${r.rows} 人，检查通过；以下是将会发生的变化，没有写入任何数据。`
      : `乡镇 ${r.townshipId} 户籍名单导入完成：${r.rows} 人（导入批次 ${r.importId}）。`,
    `  新增 ${r.added}，变更 ${r.changed}，移出 ${r.removed}，未变 ${r.unchanged}` +
      (r.previous
        ? `（替换 ${r.previous.importedAt.slice(0, 10)} 导入的 ${r.previous.count} 人名单）`
        : '（首次导入）'),
  ];
}
