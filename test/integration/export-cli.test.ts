import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApiHandler } from '../../functions/api/index.ts';
import { DynamoAuditLog } from '../../shared/adapters/dynamo/audit.ts';
import { readXlsx } from '../../shared/adapters/xlsx/ledger-xlsx.ts';
import { apiEvent, apiWorld, openCaseBody, who } from '../support/api-world.ts';
import { runCliInProcess } from '../support/cli.ts';
import { freshTable } from '../support/dynamo.ts';

const dir = mkdtempSync(join(tmpdir(), 'baoxue-export-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('operator CLI: export-ledgers', () => {
  it('writes the roster masked for a township contact and the XLSX for the office; both audited', async () => {
    const { doc, tableName, endpoint } = await freshTable('cli-export');
    const { deps } = await apiWorld(doc, tableName);
    const opened = await createApiHandler(deps)(
      apiEvent({ method: 'POST', path: '/api/cases', as: who.headS1, body: openCaseBody('s1') }),
    );
    const caseId = JSON.parse(opened.body).case.id as string;
    const cli = (...args: string[]) =>
      runCliInProcess(['export-ledgers', '--endpoint', endpoint, '--table', tableName, '--real-clock', ...args]);

    const csv = await cli('--as', 'contact-a', '--out', join(dir, 'roster.csv'));
    const xlsx = await cli('--as', 'office-1', '--ledger', 'all', '--format', 'xlsx', '--out', join(dir, 'all.xlsx'));

    expect(csv.stdout).toContain('已导出 辍学学生花名册（1 行）');
    const text = readFileSync(join(dir, 'roster.csv'), 'utf8');
    expect(text).toContain('测****明');
    expect(text).not.toContain('测试学生小明');
    expect(xlsx.stdout).toContain('已导出 控辍保学台账');
    const sheets = await readXlsx(readFileSync(join(dir, 'all.xlsx')));
    expect(sheets[0]!.rows.flat()).toContain('测试学生小明');
    const audit = await new DynamoAuditLog(doc, tableName).listForCase(caseId);
    expect(audit.map((a) => [a.personId, a.action])).toEqual([
      ['head-s1', 'open-case'],
      ['contact-a', 'export-ledger'],
      ['office-1', 'export-ledger'],
    ]);
  }, 60_000);
});
