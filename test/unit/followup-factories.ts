import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SchoolCalendar } from '../../shared/domain/calendar.ts';
import type { Person } from '../../shared/domain/directory.ts';
import { type FollowUpSection, followUpSectionSchema } from '../../shared/domain/followup-config.ts';
import type { DirectorySnapshot } from '../../shared/domain/ports.ts';
import { type LadderTime, ladderTimeOf } from '../../shared/domain/working-time.ts';

/** The bureau's real term dates (config/lipu.json), so holiday weeks are the 2023 ones. */
export function lipuCalendar(): SchoolCalendar {
  const raw = JSON.parse(readFileSync(fileURLToPath(new URL('../../config/lipu.json', import.meta.url)), 'utf8'));
  return new SchoolCalendar(raw.calendar, () => {});
}

/** Officials' working time on that calendar, office hours 08:00–18:00 (the reports' default). */
export function dutyTime(): LadderTime {
  return ladderTimeOf(lipuCalendar(), { start: '08:00', end: '18:00' }, () => {});
}

export function followUpSection(overrides: Record<string, unknown> = {}): FollowUpSection {
  return followUpSectionSchema.parse(overrides);
}

export const smsOptions = { signature: '荔浦教育', maxParts: 2 };

const person = (id: string, n: number, roles: Person['roles'], extra: Partial<Person> = {}): Person => ({
  id,
  name: `测试${id.replace(/-/g, '')}`.slice(0, 12),
  phone: `+86138000000${String(n).padStart(2, '0')}`,
  roles,
  active: true,
  ...extra,
});

/**
 * A small invented organisation: one area (leader), two townships (马岭 with two contacts, 双江 with one),
 * a school in each plus a second school in 马岭, teachers, heads and a government contact.
 */
export function directory(): DirectorySnapshot {
  return {
    people: [
      person('chief', 1, ['chief']),
      person('office-1', 2, ['office']),
      person('leader-a', 3, ['area-leader']),
      person('contact-ml-1', 4, ['township-contact']),
      person('contact-ml-2', 5, ['township-contact']),
      person('contact-sj', 6, ['township-contact']),
      person('gov-ml', 7, ['township-government'], { townshipId: 'maling' }),
      person('head-ml', 8, ['school-head'], { schoolId: 'ml-school' }),
      person('head-ml2', 9, ['school-head'], { schoolId: 'ml-second' }),
      person('head-sj', 10, ['school-head'], { schoolId: 'sj-school' }),
      person('teacher-1', 11, ['teacher'], { schoolId: 'ml-school' }),
      person('teacher-2', 12, ['teacher'], { schoolId: 'ml-school' }),
      person('mentor-1', 13, ['teacher'], { schoolId: 'ml-school' }),
      person('teacher-sj', 14, ['teacher'], { schoolId: 'sj-school' }),
    ],
    areas: [{ id: 'area-a', name: '第一片', leaderId: 'leader-a', active: true }],
    townships: [
      {
        id: 'maling',
        name: '马岭镇',
        areaId: 'area-a',
        contactIds: ['contact-ml-1', 'contact-ml-2'],
        governmentContactId: 'gov-ml',
        active: true,
      },
      { id: 'shuangjiang', name: '双江镇', areaId: 'area-a', contactIds: ['contact-sj'], active: true },
    ],
    schools: [
      {
        id: 'ml-school',
        name: '马岭中学',
        townshipId: 'maling',
        headId: 'head-ml',
        phone: '+867710000001',
        active: true,
      },
      {
        id: 'ml-second',
        name: '马岭小学',
        townshipId: 'maling',
        headId: 'head-ml2',
        phone: '+867710000002',
        active: true,
      },
      {
        id: 'sj-school',
        name: '双江中学',
        townshipId: 'shuangjiang',
        headId: 'head-sj',
        phone: '+867710000003',
        active: true,
      },
    ],
    meta: { chiefId: 'chief', officeIds: ['office-1'] },
  };
}

/** Obviously invented children's names. */
export const DEMO_PUPILS = ['测小明', '样小红', '虚小刚', '拟小芳', '例小军'] as const;
