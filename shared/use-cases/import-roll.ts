import { DomainError, RollRejectedError, ValidationError } from '../domain/errors.ts';
import type { Clock, Log } from '../domain/ports.ts';
import { maskName } from '../domain/privacy.ts';
import {
  type ActiveRoll,
  hashIdNumber,
  type IdHashKey,
  parseRollRow,
  protectIdNumber,
  type RollPupil,
  type RollRepository,
  rollColumns,
  rollFingerprint,
} from '../domain/roll.ts';
import { type CellIssue, mapHeader, type SheetRow } from '../domain/tabular.ts';

export interface ImportRollDeps {
  repo: RollRepository;
  key: IdHashKey;
  clock: Clock;
  newId: () => string;
  log?: Log;
  /** Ids of the schools in the directory. */
  schoolIds: ReadonlySet<string>;
  /** Term names of the configuration (`calendar.terms`). */
  terms: readonly string[];
  /**
   * After the roll is in use: gives the school's open cases of these pupils their priority groups from the rolls
   * (`refreshCaseGroups`); returns how many cases changed.
   */
  caseGroups?: (schoolId: string, pupilKeys: ReadonlySet<string>) => Promise<number>;
}

export interface ImportRollInput {
  /** One school, or `*` for a county file whose 学校ID column names each row's school. */
  schoolId: string;
  term: string;
  source: { label: string; rows(onBytes?: (read: number, total: number) => void): AsyncIterable<SheetRow> };
  dryRun?: boolean;
  onProgress?: (p: RollProgress) => void;
}

export interface RollProgress {
  phase: 'check' | 'write';
  rows: number;
  /** 0–1 of the file read in this phase. */
  fraction: number;
}

export interface RollDiff {
  schoolId: string;
  rows: number;
  added: PupilLine[];
  removed: PupilLine[];
  changed: PupilLine[];
  unchanged: number;
  previous?: { importId: string; count: number; importedAt: string };
}
/** A pupil as the operator's listing shows them: row, masked name, grade. */
export interface PupilLine {
  row?: number;
  name: string;
  grade: string;
}

export interface ImportRollResult {
  dryRun: boolean;
  written: boolean;
  importId: string;
  term: string;
  rows: number;
  schools: RollDiff[];
  /** Open cases whose priority groups the import changed (written imports with `caseGroups` only). */
  casesRegrouped?: number;
}

/** Shown per import: more would drown the operator; the total is always given. */
const MAX_ISSUES = 200;
const STAGE_CHUNK = 500;

/**
 * Imports a term's roll from the 学籍 system's export, streamed, all or nothing:
 * 1. Check: read every row (header by name), validate each cell, find duplicate 学籍号 and ID numbers; any problem
 *    refuses the file with every error naming its row and column, and nothing is written.
 * 2. Diff against each school's active roll (added, removed, changed); a dry run stops here.
 * 3. Write: read the file again, store the pupils under a new import id (invisible), then flip every school's
 *    "active roll" pointer in one conditional transaction. A failure before the flip deletes the staged items;
 *    after it, the replaced roll's items are deleted. ID numbers are stored only as HMAC + last four.
 */
export async function importRoll(deps: ImportRollDeps, input: ImportRollInput): Promise<ImportRollResult> {
  const county = input.schoolId === '*';
  if (!deps.terms.includes(input.term)) {
    throw new ValidationError(
      [{ field: 'term', reason: `学期“${input.term}”不在配置中` }],
      `学期“${input.term}”不在配置的学期中（可选：${deps.terms.join('、')}）`,
    );
  }
  if (!county && !deps.schoolIds.has(input.schoolId)) {
    throw new ValidationError([{ field: 'schoolId', reason: '学校不存在' }], `学校 ${input.schoolId} 不在组织目录中`);
  }
  const key = await deps.key.key();

  // 1. Check
  const issues: CellIssue[] = [];
  let total = 0;
  const issue = (i: CellIssue) => {
    total++;
    if (issues.length < MAX_ISSUES) issues.push(i);
  };
  const seen = new Map<string, { row: number; schoolId: string; fingerprint: string; line: PupilLine }>();
  const seenRef = new Map<string, number>();
  const seenId = new Map<string, number>();
  let rows = 0;
  await eachRow(input, 'check', (row, index, sheet) => {
    const parsed = parseRollRow(sheet, row, index, county ? '' : input.schoolId);
    if (parsed.blank) return;
    rows++;
    for (const i of parsed.issues) issue(i);
    const p = parsed.pupil;
    if (!p) return;
    if (!deps.schoolIds.has(p.schoolId)) {
      issue({ field: `工作表「${sheet}」第 ${row.row} 行`, reason: `学校ID“${p.schoolId}”不在组织目录中` });
      return;
    }
    const firstRef = seenRef.get(p.studentRef);
    if (firstRef !== undefined) {
      issue({ field: `工作表「${sheet}」第 ${row.row} 行`, reason: `学籍号与第 ${firstRef} 行重复` });
      return;
    }
    seenRef.set(p.studentRef, row.row);
    if (p.idNumber) {
      const h = hashIdNumber(key, p.idNumber);
      const firstId = seenId.get(h);
      if (firstId !== undefined) {
        issue({ field: `工作表「${sheet}」第 ${row.row} 行`, reason: `身份证号与第 ${firstId} 行重复` });
        return;
      }
      seenId.set(h, row.row);
    }
    const stored = protectIdNumber(p, key);
    seen.set(p.pupilKey, {
      row: row.row,
      schoolId: p.schoolId,
      fingerprint: rollFingerprint(stored),
      line: { row: row.row, name: maskName(p.name), grade: p.grade },
    });
  });
  if (rows === 0 && total === 0) issue({ field: '文件', reason: '没有数据行' });
  if (total > 0) {
    deps.log?.warn('roll import refused', { term: input.term, rows, issues: total });
    throw new RollRejectedError(issues, total);
  }

  // 2. Diff against each school's active roll
  const schoolIds = county ? [...new Set([...seen.values()].map((s) => s.schoolId))].sort() : [input.schoolId];
  if (schoolIds.length > 100) {
    throw new DomainError(
      `一次最多导入 100 所学校的名册（本文件有 ${schoolIds.length} 所）：请按乡镇拆分文件`,
      'VALIDATION',
    );
  }
  const previous = new Map<string, ActiveRoll | undefined>();
  const diffs: RollDiff[] = [];
  for (const schoolId of schoolIds) {
    const active = await deps.repo.active(schoolId, input.term);
    previous.set(schoolId, active);
    const stored = active ? await deps.repo.load(schoolId, input.term) : [];
    diffs.push(diffRoll(schoolId, seen, stored, active));
  }
  const importId = deps.newId();
  const dryRun = input.dryRun ?? false;
  const result: ImportRollResult = { dryRun, written: false, importId, term: input.term, rows, schools: diffs };
  if (dryRun) return result;

  // 3. Write under the import id, then flip the pointers in one transaction
  const staged = new Set<string>();
  try {
    const buffers = new Map<string, RollPupil[]>();
    const flush = async (schoolId: string) => {
      const list = buffers.get(schoolId) ?? [];
      buffers.set(schoolId, []);
      if (list.length === 0) return;
      staged.add(schoolId);
      await deps.repo.stage(schoolId, input.term, importId, list);
    };
    await eachRow(input, 'write', async (row, index, sheet) => {
      const parsed = parseRollRow(sheet, row, index, county ? '' : input.schoolId);
      if (parsed.blank) return;
      if (!parsed.pupil || parsed.issues.length > 0 || seen.get(parsed.pupil.pupilKey)?.row !== row.row) {
        throw new DomainError('文件在导入过程中被修改，已中止（数据库未改动）：请重新导入', 'CONFLICT');
      }
      const pupil = protectIdNumber(parsed.pupil, key);
      const list = buffers.get(pupil.schoolId) ?? [];
      list.push(pupil);
      buffers.set(pupil.schoolId, list);
      if (list.length >= STAGE_CHUNK) await flush(pupil.schoolId);
    });
    for (const schoolId of schoolIds) await flush(schoolId);
    const importedAt = deps.clock.now().toISOString();
    await deps.repo.activate(
      diffs.map((d) => ({
        next: {
          schoolId: d.schoolId,
          term: input.term,
          importId,
          count: d.rows,
          importedAt,
          source: input.source.label,
        },
        previous: previous.get(d.schoolId),
      })),
    );
  } catch (error) {
    for (const schoolId of staged) await deps.repo.discard(schoolId, input.term, importId).catch(() => undefined);
    throw error;
  }
  for (const [schoolId, old] of previous) {
    if (old) await deps.repo.discard(schoolId, input.term, old.importId).catch(() => undefined);
  }
  deps.log?.info('roll imported', { term: input.term, importId, rows, schools: schoolIds.length });
  if (!deps.caseGroups) return { ...result, written: true };
  // The roll is in use whatever happens here: a failure leaves the cases as they were (the next import retries).
  let casesRegrouped = 0;
  for (const schoolId of schoolIds) {
    const keys = new Set([...seen].filter(([, p]) => p.schoolId === schoolId).map(([key]) => key));
    try {
      casesRegrouped += await deps.caseGroups(schoolId, keys);
    } catch (error) {
      deps.log?.warn('case groups not refreshed after the roll import', { schoolId, error: String(error) });
    }
  }
  return { ...result, written: true, casesRegrouped };
}

async function eachRow(
  input: ImportRollInput,
  phase: RollProgress['phase'],
  visit: (row: SheetRow, index: Map<never, number>, sheet: string) => void | Promise<void>,
): Promise<void> {
  let header: { sheet: string; index: Map<never, number> } | undefined;
  let fraction = 0;
  let count = 0;
  let lastReport = 0;
  for await (const row of input.source.rows((read, size) => {
    fraction = size > 0 ? read / size : 1;
  })) {
    // The roll is the first worksheet; others (notes, pivot tables) are ignored.
    if (header && row.sheet !== header.sheet) break;
    if (!header) {
      if (row.cells.every((c) => (c ?? '').trim() === '')) continue;
      const mapped = mapHeader(row.sheet, row, rollColumns);
      if (mapped.issues.length > 0) throw new RollRejectedError(mapped.issues, mapped.issues.length);
      header = { sheet: row.sheet, index: mapped.index as Map<never, number> };
      continue;
    }
    await visit(row, header.index, header.sheet);
    count++;
    if (input.onProgress && count - lastReport >= 500) {
      lastReport = count;
      input.onProgress({ phase, rows: count, fraction });
    }
  }
  input.onProgress?.({ phase, rows: count, fraction: 1 });
}

function diffRoll(
  schoolId: string,
  incoming: ReadonlyMap<string, { schoolId: string; fingerprint: string; line: PupilLine }>,
  stored: readonly RollPupil[],
  active: ActiveRoll | undefined,
): RollDiff {
  const storedByKey = new Map(stored.map((p) => [p.pupilKey, p]));
  const diff: RollDiff = {
    schoolId,
    rows: 0,
    added: [],
    removed: [],
    changed: [],
    unchanged: 0,
    ...(active ? { previous: { importId: active.importId, count: active.count, importedAt: active.importedAt } } : {}),
  };
  for (const [key, p] of incoming) {
    if (p.schoolId !== schoolId) continue;
    diff.rows++;
    const old = storedByKey.get(key);
    if (!old) diff.added.push(p.line);
    else if (rollFingerprint(old) !== p.fingerprint) diff.changed.push(p.line);
    else diff.unchanged++;
  }
  for (const old of stored) {
    const now = incoming.get(old.pupilKey);
    if (!now || now.schoolId !== schoolId) diff.removed.push({ name: maskName(old.name), grade: old.grade });
  }
  return diff;
}

/** The result in Chinese for the operator (names masked, at most `limit` pupils listed per kind). */
export function describeRollImport(r: ImportRollResult, limit = 10): string[] {
  const lines = [
    r.dryRun
      ? `【试运行】${r.term} 名册共 ${r.rows} 行，检查通过；以下是将会发生的变化，没有写入任何数据。`
      : `${r.term} 名册导入完成：${r.rows} 行（导入批次 ${r.importId}）。`,
  ];
  const list = (label: string, pupils: PupilLine[]) => {
    if (pupils.length === 0) return;
    lines.push(`    ${label}：`);
    for (const p of pupils.slice(0, limit))
      lines.push(`      ${p.row ? `第 ${p.row} 行 ` : ''}${p.name}（${p.grade}）`);
    if (pupils.length > limit) lines.push(`      …共 ${pupils.length} 人`);
  };
  for (const d of r.schools) {
    lines.push(
      `  学校 ${d.schoolId}：${d.rows} 人；新增 ${d.added.length}，变更 ${d.changed.length}，移出 ${d.removed.length}，未变 ${d.unchanged}` +
        (d.previous
          ? `（替换 ${d.previous.importedAt.slice(0, 10)} 导入的 ${d.previous.count} 人名册）`
          : '（本学期首次导入）'),
    );
    list('新增', d.added);
    list('变更', d.changed);
    list('移出（不在新名册中）', d.removed);
  }
  if (r.casesRegrouped) lines.push(`  已按名册更新 ${r.casesRegrouped} 个在办案件的重点群体。`);
  return lines;
}
