import type { LateBoard } from '../../use-cases/list-late-board.ts';

/** Names the board shows beside ids (the directory; an unknown id shows as itself). */
export interface BoardNames {
  township(id: string): { name: string } | undefined;
  school(id: string): { name: string } | undefined;
}

/**
 * The late board's response: the page's late slots grouped by township (the shape the console has always read),
 * the cursor of the next page, and the summary table of every township in scope. Pure.
 */
export function lateBoardView(board: LateBoard, names: BoardNames) {
  const townshipName = (id: string) => names.township(id)?.name ?? id;
  const byTownship = new Map<string, LateBoard['rows']>();
  for (const r of board.rows) byTownship.set(r.townshipId, [...(byTownship.get(r.townshipId) ?? []), r]);
  return {
    asOf: board.asOf,
    townships: [...byTownship].map(([townshipId, reports]) => ({
      townshipId,
      townshipName: townshipName(townshipId),
      reports: reports.map((r) => ({ ...r, schoolName: names.school(r.schoolId)?.name ?? r.schoolId })),
    })),
    ...(board.nextCursor ? { nextCursor: board.nextCursor } : {}),
    summary: {
      period: board.summary.period,
      ...(board.summary.county ? { county: board.summary.county } : {}),
      townships: board.summary.townships.map((t) => ({
        townshipId: t.townshipId,
        townshipName: townshipName(t.townshipId),
        owed: t.owed,
        filed: t.filed,
        late: t.late,
        onTime: t.onTime,
        onTimeRate: t.onTimeRate ?? null,
        byLevel: t.byLevel,
      })),
    },
  };
}
