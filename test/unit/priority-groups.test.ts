import { describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '../../shared/domain/errors.ts';
import { groupsFromRoll, groupsOfCase, visibleGroups } from '../../shared/domain/priority-groups.ts';
import type { Principal } from '../../shared/domain/scope.ts';
import { groupFilter } from '../../shared/use-cases/list-cases.ts';

const office: Principal = { personId: 'o', role: 'office' };
const head: Principal = { personId: 'h', role: 'school-head', schoolId: 's1' };
const teacher: Principal = { personId: 't', role: 'teacher', schoolId: 's1' };
const leader: Principal = { personId: 'l', role: 'leader', areaId: 'a' };
const contact: Principal = { personId: 'c', role: 'township-contact', townshipId: 'ta' };
const unanchored: Principal = { personId: 'x', role: 'school-head' };

describe('priority groups of a case', () => {
  it('take the roll flags in the roll order; 脱贫户 consistent with povertyRegistered either way', () => {
    expect(groupsFromRoll({ povertyRegistered: false }, ['留守', '残疾'])).toEqual({
      priorityGroups: ['残疾', '留守'],
      povertyRegistered: false,
    });
    expect(groupsFromRoll({ povertyRegistered: false }, ['脱贫户'])).toEqual({
      priorityGroups: ['脱贫户'],
      povertyRegistered: true,
    });
    // The school's declaration is not undone by a roll without the flag.
    expect(groupsFromRoll({ povertyRegistered: true }, ['随迁'])).toEqual({
      priorityGroups: ['脱贫户', '随迁'],
      povertyRegistered: true,
    });
    expect(groupsFromRoll({ povertyRegistered: false }, undefined).priorityGroups).toEqual([]);
  });

  it('older cases without stored groups read 脱贫户 from povertyRegistered; unknown stored values are dropped', () => {
    expect(groupsOfCase({ povertyRegistered: true })).toEqual(['脱贫户']);
    expect(groupsOfCase({ povertyRegistered: false })).toEqual([]);
    expect(groupsOfCase({ priorityGroups: ['留守', '<b>'], povertyRegistered: true })).toEqual(['留守']);
    expect(visibleGroups(['脱贫户', '留守'], false)).toEqual(['留守']);
  });
});

describe('?group= (groupFilter)', () => {
  it('accepts a group; 脱贫户 only for the office and the school staff (R9)', () => {
    expect(groupFilter(contact, '留守')).toBe('留守');
    expect(groupFilter(office, undefined)).toBeUndefined();
    for (const p of [office, head, teacher]) expect(groupFilter(p, '脱贫户')).toBe('脱贫户');
    for (const p of [leader, contact, unanchored]) {
      expect(() => groupFilter(p, '脱贫户')).toThrow(ForbiddenError);
      try {
        groupFilter(p, '脱贫户');
      } catch (e) {
        expect((e as Error).message).not.toContain('脱贫户');
      }
    }
  });

  it('refuses empty, unknown and several values with the field named and the caller’s own choices', () => {
    for (const raw of ['', '  ', '贫困', '留守,残疾', '<script>x</script>']) {
      for (const p of [office, contact]) {
        let error: unknown;
        try {
          groupFilter(p, raw);
        } catch (e) {
          error = e;
        }
        expect(error, raw).toBeInstanceOf(ValidationError);
        const issues = (error as ValidationError).issues;
        expect(issues[0]?.field).toBe('query.group');
        expect(JSON.stringify(issues)).not.toContain('<script>');
        if (raw.trim()) expect(JSON.stringify(issues).includes('脱贫户')).toBe(p === office);
      }
    }
  });
});
