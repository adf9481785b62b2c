import fc from 'fast-check';
import { priorityFlags } from '../../shared/domain/priority-groups.ts';
import { cstInstant } from '../../shared/domain/time.ts';

/**
 * Random histories of the items the aggregates count (report slots, cases, notices, plan visits, campaigns), as
 * stored images version by version, for the aggregate property tests. Three schools in two townships, March 2026.
 */
export const SCHOOLS = [
  { id: 's1', townshipId: 'ta' },
  { id: 's2', townshipId: 'ta' },
  { id: 's3', townshipId: 'tb' },
] as const;

const day = fc.integer({ min: 1, max: 24 }).map((d) => `2026-03-${String(d).padStart(2, '0')}`);
const time = fc.constantFrom('08:00', '12:00', '16:59', '17:00', '17:30');
const instant = fc.tuple(day, time).map(([d, t]) => cstInstant(d, t).toISOString());
const school = fc.constantFrom(...SCHOOLS);

const slotState = fc.record({
  state: fc.constantFrom('OPEN', 'SUBMITTED', 'OPEN'),
  filedAt: fc.option(instant, { nil: undefined }),
});
const caseState = fc.record({
  state: fc.constantFrom('persuading', 'returned', 'exempted', 'lapsed'),
  closedAt: fc.option(instant, { nil: undefined }),
  // The pupil's priority groups as a roll import sets them (absent on cases stored before groups existed).
  groups: fc.option(fc.subarray([...priorityFlags]), { nil: undefined }),
  povertyRegistered: fc.boolean(),
});
const noticeState = fc.record({
  status: fc.constantFrom('pending', 'lapsed', 'complied'),
  resolvedAt: fc.option(instant, { nil: undefined }),
  // After a lapse: the township's order (its date) and how it ended — lapsed, the case closed, or still open.
  order: fc.option(
    fc.record({
      orderedOn: day,
      lapsed: fc.boolean(),
      closedBy: fc.option(fc.constantFrom('returned', 'transferred-out'), { nil: undefined }),
    }),
    { nil: undefined },
  ),
});
const visitState = fc.record({
  status: fc.constantFrom('planned', 'done', 'cancelled'),
  doneOn: fc.option(day, { nil: undefined }),
});

export type Image = Record<string, unknown>;
/** One item's stored images, version 1 first; `removed`: the item is deleted after its last image. */
export interface History {
  images: Image[];
  removed: boolean;
}

function history<S>(states: fc.Arbitrary<S>, build: (s: S, version: number) => Image): fc.Arbitrary<History> {
  return fc
    .record({ states: fc.array(states, { minLength: 1, maxLength: 4 }), removed: fc.boolean() })
    .map(({ states: list, removed }) => ({ images: list.map((s, i) => build(s, i + 1)), removed }));
}

/** One random item history; `n` makes its key unique. */
export function itemHistory(n: number): fc.Arbitrary<History> {
  return fc.oneof(
    fc.tuple(school, instant, fc.constantFrom('daily', 'weekly', 'monthly')).chain(([s, deadline, cadence]) =>
      history(slotState, (st, version) => ({
        pk: `SLOT#${s.id}:${cadence}:${n}`,
        sk: 'SLOT',
        entity: 'SLOT',
        schoolId: s.id,
        townshipId: s.townshipId,
        cadence,
        deadline,
        state: st.state,
        ...(st.filedAt && st.state === 'SUBMITTED' ? { firstSubmittedAt: st.filedAt } : {}),
        version,
      })),
    ),
    fc.tuple(school, instant).chain(([s, openedAt]) =>
      history(caseState, (st, version) => {
        const closed = st.state === 'returned' || st.state === 'exempted';
        const closedAt = closed ? (st.closedAt && st.closedAt > openedAt ? st.closedAt : openedAt) : undefined;
        return {
          pk: `CASE#c${n}`,
          sk: 'CASE',
          entity: 'CASE',
          id: `c${n}`,
          schoolId: s.id,
          townshipId: s.townshipId,
          state: st.state,
          openedAt,
          ...(closedAt ? { closedAt } : {}),
          povertyRegistered: st.povertyRegistered,
          ...(st.groups ? { priorityGroups: st.groups } : {}),
          version,
        };
      }),
    ),
    fc.tuple(school, instant).chain(([s, deadline]) =>
      history(noticeState, (st, version) => ({
        pk: `CASE#n${n}`,
        sk: `NOTICE#n${n}`,
        entity: 'NOTICE',
        schoolId: s.id,
        townshipId: s.townshipId,
        deadline,
        status: st.status,
        ...(st.status !== 'pending' && st.resolvedAt ? { resolvedAt: st.resolvedAt } : {}),
        ...(st.status === 'lapsed'
          ? {
              escalation: {
                level: 0,
                ...(st.order
                  ? {
                      townshipOrder: {
                        kind: '限期返校',
                        orderedOn: st.order.orderedOn,
                        ref: `测试政发〔2026〕${n}号`,
                        deadline: st.order.orderedOn,
                        ...(st.order.lapsed ? { lapsedAt: cstInstant(st.order.orderedOn, '12:00').toISOString() } : {}),
                      },
                    }
                  : {}),
                ...(st.order?.closedBy ? { closedBy: { state: st.order.closedBy, at: deadline } } : {}),
              },
            }
          : {}),
        version,
      })),
    ),
    fc.tuple(school, instant).chain(([s, deadline]) =>
      history(visitState, (st, version) => ({
        pk: `PLAN#p${n}`,
        sk: 'VISIT#001',
        entity: 'VISIT',
        schoolId: s.id,
        townshipId: s.townshipId,
        deadline,
        status: st.status,
        ...(st.status === 'done' && st.doneOn ? { doneOn: st.doneOn } : {}),
        version,
      })),
    ),
    fc.tuple(school, instant).chain(([s, deadline]) =>
      history(fc.array(fc.option(day, { nil: undefined }), { maxLength: 3 }), (visited, version) => ({
        pk: `CAMPAIGN#w${n}`,
        sk: `SCHOOL#${s.id}`,
        entity: 'CAMPAIGN',
        schoolId: s.id,
        townshipId: s.townshipId,
        deadline,
        households: visited.map((v) => (v ? { visitedOn: v } : {})),
        version,
      })),
    ),
  );
}

/** A stream record as the consumer sees it (images already plain values). */
export interface Change {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  oldImage?: Image;
  newImage?: Image;
}

/** The records of a history, in order. */
export function changesOf(h: History): Change[] {
  const out: Change[] = h.images.map((image, i) =>
    i === 0
      ? { eventName: 'INSERT', newImage: image }
      : { eventName: 'MODIFY', oldImage: h.images[i - 1], newImage: image },
  );
  if (h.removed) out.push({ eventName: 'REMOVE', oldImage: h.images.at(-1) });
  return out;
}

/** The items as they are at the end (removed ones gone). */
export const finalItems = (hs: readonly History[]) => hs.filter((h) => !h.removed).map((h) => h.images.at(-1)!);
