import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CLAIM } from '../../functions/api/claims.ts';
import type { ApiEvent } from '../../functions/api/http.ts';
import type { Deps } from '../../functions/deps.ts';
import { DynamoDirectoryRepository } from '../../shared/adapters/dynamo/directory-repository.ts';
import { DynamoOutboxRepository } from '../../shared/adapters/dynamo/outbox-repository.ts';
import { DynamoSlotRepository } from '../../shared/adapters/dynamo/slot-repository.ts';
import { memoryMetrics } from '../../shared/adapters/emf-metrics.ts';
import { memoryLog } from '../../shared/adapters/logger.ts';
import { loadConfigFile } from '../../shared/config/load-config.ts';
import type { DirectoryEntity } from '../../shared/domain/ports.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { fixedClock } from '../../shared/domain/time.ts';
import { openReports } from '../../shared/use-cases/open-reports.ts';

/**
 * An invented organisation for API tests: two 包片 areas, one township each, three schools, and one person per
 * role (fake phones). Township 测试甲镇 (ta, area A) has schools s1 and s2; 测试乙乡 (tb, area B) has s3.
 */
export function apiDirectory(): { entities: DirectoryEntity[]; meta: { chiefId: string; officeIds: string[] } } {
  let n = 10;
  const person = (id: string, name: string, roles: string[], extra: Record<string, string> = {}) =>
    ({
      kind: 'person',
      value: { id, name, phone: `+86138000000${n++}`, roles, active: true, ...extra },
    }) as DirectoryEntity;
  const school = (id: string, name: string, townshipId: string, headId: string) =>
    ({
      kind: 'school',
      value: { id, name, townshipId, headId, phone: '+867700000001', active: true },
    }) as DirectoryEntity;
  return {
    entities: [
      person('office-1', '测试办公室', ['office']),
      person('chief-1', '测试总负责', ['chief']),
      person('leader-a', '测试片长甲', ['area-leader']),
      person('leader-b', '测试片长乙', ['area-leader']),
      person('contact-a', '测试联络甲', ['township-contact']),
      person('contact-b', '测试联络乙', ['township-contact']),
      person('head-s1', '测试校长一', ['school-head'], { schoolId: 's1' }),
      person('head-s2', '测试校长二', ['school-head'], { schoolId: 's2' }),
      person('head-s3', '测试校长三', ['school-head'], { schoolId: 's3' }),
      person('teacher-s1', '测试教师一', ['teacher'], { schoolId: 's1' }),
      person('teacher-s1b', '测试教师二', ['teacher'], { schoolId: 's1' }),
      { kind: 'area', value: { id: 'area-a', name: '测试甲片', leaderId: 'leader-a', active: true } },
      { kind: 'area', value: { id: 'area-b', name: '测试乙片', leaderId: 'leader-b', active: true } },
      {
        kind: 'township',
        value: { id: 'ta', name: '测试甲镇', areaId: 'area-a', contactIds: ['contact-a'], active: true },
      },
      {
        kind: 'township',
        value: { id: 'tb', name: '测试乙乡', areaId: 'area-b', contactIds: ['contact-b'], active: true },
      },
      school('s1', '测试甲镇第一小学', 'ta', 'head-s1'),
      school('s2', '测试甲镇中学', 'ta', 'head-s2'),
      school('s3', '测试乙乡小学', 'tb', 'head-s3'),
    ],
    meta: { chiefId: 'chief-1', officeIds: ['office-1'] },
  };
}

/** Principals as the dev sign-in (or Cognito) would issue them for the people above. */
export const who = {
  office: { personId: 'office-1', name: '测试办公室', role: 'office' },
  leaderA: { personId: 'leader-a', name: '测试片长甲', role: 'leader', areaId: 'area-a' },
  contactA: { personId: 'contact-a', name: '测试联络甲', role: 'township-contact', townshipId: 'ta', areaId: 'area-a' },
  contactB: { personId: 'contact-b', name: '测试联络乙', role: 'township-contact', townshipId: 'tb', areaId: 'area-b' },
  headS1: { personId: 'head-s1', name: '测试校长一', role: 'school-head', schoolId: 's1' },
  headS3: { personId: 'head-s3', name: '测试校长三', role: 'school-head', schoolId: 's3' },
  teacherS1: { personId: 'teacher-s1', name: '测试教师一', role: 'teacher', schoolId: 's1' },
  teacherS1b: { personId: 'teacher-s1b', name: '测试教师二', role: 'teacher', schoolId: 's1' },
} satisfies Record<string, Principal>;

let ids = 0;

/** Seeds the directory on a table and returns handler deps with a fixed clock (Tuesday 2026-03-10 10:00 CST). */
export async function apiWorld(doc: DynamoDBDocumentClient, tableName: string, startIso = '2026-03-10T02:00:00Z') {
  const directory = apiDirectory();
  await new DynamoDirectoryRepository(doc, tableName).save(directory.entities, directory.meta);
  const clock = fixedClock(startIso);
  const log = memoryLog();
  const notUsed = () => Promise.reject(new Error('timers are not used by the API'));
  const deps: Deps = {
    doc,
    tableName,
    sms: { send: () => Promise.reject(new Error('the API sends no SMS itself')) },
    timers: { createAt: notUsed, delete: notUsed, exists: notUsed, scheduledAt: notUsed, moveTo: notUsed },
    clock,
    newId: () => `id${String(++ids).padStart(6, '0')}${Math.random().toString(36).slice(2, 8)}`,
    log,
    metrics: memoryMetrics(),
    config: loadConfigFile(),
  };
  return { deps, clock, log };
}

/** Opens the daily report slots of a date for every school (they are late once its 17:00 deadline passed). */
export async function openDailySlots(deps: Deps, date: string) {
  await openReports(
    {
      slots: new DynamoSlotRepository(deps.doc, deps.tableName),
      directory: new DynamoDirectoryRepository(deps.doc, deps.tableName),
      outbox: new DynamoOutboxRepository(deps.doc, deps.tableName),
      clock: deps.clock,
      log: deps.log,
      config: deps.config,
    },
    { date },
  );
}

/** An API Gateway HTTP API (payload 2.0) event, with JWT authorizer claims when a principal is given. */
export function apiEvent(input: {
  method: string;
  path: string;
  as?: Principal;
  body?: unknown;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}): ApiEvent {
  const claims = input.as
    ? Object.fromEntries(
        Object.entries({
          sub: input.as.personId,
          [CLAIM.personId]: input.as.personId,
          [CLAIM.role]: input.as.role,
          [CLAIM.name]: input.as.name,
          [CLAIM.schoolId]: input.as.schoolId,
          [CLAIM.townshipId]: input.as.townshipId,
          [CLAIM.areaId]: input.as.areaId,
        }).filter(([, v]) => v !== undefined),
      )
    : undefined;
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: input.path,
    rawQueryString: new URLSearchParams(input.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', ...(input.headers ?? {}) },
    queryStringParameters: input.query,
    body:
      input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body),
    isBase64Encoded: false,
    requestContext: {
      http: { method: input.method, path: input.path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: `req-${++ids}`,
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
  } as unknown as ApiEvent;
}

/** A valid open-case body for a school. */
export function openCaseBody(schoolId: string, teacherId = 'teacher-s1') {
  return {
    schoolId,
    studentName: '测试学生小明',
    grade: '七年级',
    kind: 'not-returned',
    reason: '随父母外出务工',
    whereabouts: '广东东莞',
    responsibleTeacher: { personId: teacherId, name: '测试教师' },
    guardian: { name: '测试家长', phone: '+8613800000901' },
    povertyRegistered: true,
  };
}
