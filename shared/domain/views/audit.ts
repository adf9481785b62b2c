import type { AuditAction, AuditEntry } from '../access.ts';
import { type OrgNames, personName } from './names.ts';

/** What each audited read or write showed, as the office reads it. */
export const auditActionLabel: Record<AuditAction, string> = {
  'read-case': '查看案件',
  'read-timeline': '查看案件时间线',
  'read-messages': '查看短信记录',
  'list-cases': '案件列表',
  'export-ledger': '导出台账',
  'read-plan': '查看帮扶/送教方案',
  'list-followup-due': '待办家访列表',
  'open-case': '立案',
  'update-case': '更正案件',
  'log-visit': '记录劝返家访',
  'record-return': '记录返校',
  'record-transfer': '记录转学/休学等',
  'record-exemption': '记录缓学/免学',
  'record-plan-visit': '记录帮扶/送教家访',
  'create-plan': '制定送教上门方案',
  'create-campaign': '生成大家访名单',
  'record-campaign-visit': '记录大家访',
};

/**
 * One row of a case's audit page (`GET /api/cases/:caseId/audit`, office only): who read the child's personal data,
 * in which role, what they read, when, and whether they saw it unmasked. The reader's name comes from the directory
 * (their id when they left it); nothing of the child is in the row.
 */
export function auditEntryView(org: OrgNames, e: AuditEntry) {
  return {
    at: e.at,
    reader: { personId: e.personId, name: personName(org, e.personId) ?? e.personId },
    role: e.role,
    action: e.action,
    actionLabel: auditActionLabel[e.action],
    schoolId: e.schoolId,
    sensitive: e.sensitive,
  };
}
