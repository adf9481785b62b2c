import { describe, expect, it } from 'vitest';
import { apiCallerWorld } from '../support/api-caller.ts';
import { openCaseBody, who } from '../support/api-world.ts';

const REF = 'G450331200901011234';

describe('R9 on every read route: outside the school the 学籍号 is masked and free text scrubbed', () => {
  it('township contact and area leader: case detail, both lists and the timeline', async () => {
    const { call } = await apiCallerWorld('mask');
    const opened = await call({
      method: 'POST',
      path: '/api/cases',
      as: who.headS1,
      body: {
        ...openCaseBody('s1'),
        studentRef: REF,
        reason: '测试学生小明随父母外出，父亲电话13800000903',
        whereabouts: '广东东莞，学籍号G450331200901011234',
      },
    });
    expect(opened.status).toBe(201);
    const id = opened.body.case.id as string;

    for (const as of [who.contactA, who.leaderA]) {
      const bodies = [
        (await call({ method: 'GET', path: `/api/cases/${id}`, as })).body,
        (await call({ method: 'GET', path: '/api/cases', as })).body,
        (await call({ method: 'GET', path: '/api/cases', as, query: { state: 'opened' } })).body,
        (await call({ method: 'GET', path: `/api/cases/${id}/timeline`, as })).body,
      ];
      for (const body of bodies) {
        const text = JSON.stringify(body);
        expect(text).not.toContain('200901011234');
        expect(text).not.toContain('13800000903');
        expect(text).not.toContain('测试学生小明');
      }
      expect(bodies[0].case).toMatchObject({
        studentRef: 'G4503**********1234',
        reason: '测****明随父母外出，父亲电话138****0903',
        whereabouts: '广东东莞，学籍号G4503**********1234',
        masked: true,
      });
    }
    // The school sees it as typed.
    const own = await call({ method: 'GET', path: `/api/cases/${id}`, as: who.headS1 });
    expect(own.body.case).toMatchObject({ studentRef: REF, whereabouts: '广东东莞，学籍号G450331200901011234' });
  });
});
