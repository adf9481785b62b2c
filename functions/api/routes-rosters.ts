import { lazyModule } from '../lazy-module.ts';
import type { ApiDeps, ApiPorts } from './api-deps.ts';
import type { RosterHandler, RosterHandlers } from './rosters.ts';
import type { Route } from './router.ts';

type RosterModule = typeof import('./rosters.ts');

/**
 * The handlers load on the first roster request: in the function asset from the lazy chunk `lazy/rosters.mjs` next
 * to index.mjs (infra/bundling.ts ROSTERS), run from source (tsx, tests) the module itself. Computed specifiers keep
 * esbuild from pulling them into the main chunk.
 */
function lazyHandlers(deps: ApiDeps) {
  const load = lazyModule<RosterModule>(import.meta.url, './lazy/rosters.mjs', './rosters.ts');
  let handlers: Promise<RosterHandlers> | undefined;
  return (name: keyof RosterHandlers): RosterHandler =>
    async (ctx) => {
      handlers ??= load().then((m) => m.rosterHandlers(deps));
      return (await handlers)[name](ctx);
    };
}

/**
 * 四查三比对 and the three ledgers (R10, docs/rosters.md). The comparison itself runs in the operator CLI
 * (`cross-check`, it reads every roll of the county); the API serves its results, takes each candidate's decision
 * and the 销号 of a 辍学台账 entry, and exports the ledgers. Scoped and masked by role in the use cases
 * (functions/api/rosters.ts).
 */
export function rosterRoutes(deps: ApiDeps): Route<ApiPorts>[] {
  const handler = lazyHandlers(deps);
  return [
    {
      method: 'GET',
      path: '/api/cross-check/:townshipId',
      who: "office, leader (area), contact (township); head: own school's rows only",
      summary:
        'a township’s 四查三比对 results (?format=json|xlsx): 适龄未入学, 在籍不在校, 脱贫户 (office only); schools see their own',
      handle: handler('crossCheck'),
    },
    {
      method: 'POST',
      path: '/api/cross-check/:townshipId/candidates/:candidateId/decision',
      who: "contact (township), head (own school's pupils), office",
      summary:
        'confirm (onto the 辍学台账) or dismiss one cross-check candidate, with a reason; township, school or office',
      handle: handler('decide'),
    },
    {
      method: 'GET',
      path: '/api/roster-ledgers',
      who: "office, leader, contact, head (own school's rows; not teachers); `group=脱贫户`: office, head",
      summary:
        'the three ledgers 适龄儿童 / 疑似辍学 / 辍学 (with 销号) and counts per priority group, per township in scope (?townshipId&group&format=json|xlsx)',
      handle: handler('ledgers'),
    },
    {
      method: 'POST',
      path: '/api/roster-ledgers/dropouts/:entryId/strike-off',
      who: 'contact (township), head (own school), office',
      summary:
        '销号 of a 辍学台账 entry: reason (returned, transferred + receiving school, exempted, moved-away) and evidence',
      handle: handler('strikeOff'),
    },
  ];
}
