/**
 * The entry points: one instance solved from scratch, or academy by academy. Both run a
 * {@link MatchingSession} (session.ts).
 */
import { MatchingSession } from './session';
import type { SolveOptions } from './session';
import type { MatchingInstance, MatchingResult, Student } from './types';
import { validateInstance } from './validate';

export type { InstanceChange, SolveOptions } from './session';

/** Solves one instance from scratch (validates it first; throws InvalidInstanceError). */
export function solveMatching(
  instance: MatchingInstance,
  options: SolveOptions = {},
): MatchingResult {
  return new MatchingSession(instance, options).solve();
}

/**
 * Solves academy by academy (students grouped by `academy`, in code order); every academy sees
 * all offers (an offer within reach may serve a neighbouring academy) with the free seats and
 * monthly caps left by the academies solved before it.
 */
export function solveByAcademy(
  instance: MatchingInstance,
  options: SolveOptions = {},
): { academy: string; result: MatchingResult }[] {
  validateInstance(instance);
  const groups = new Map<string, Student[]>();
  for (const s of instance.students) {
    const key = s.academy ?? '';
    const g = groups.get(key);
    if (g) g.push(s);
    else groups.set(key, [s]);
  }
  const freeSeats = new Map(instance.offers.map((o) => [o.id, o.freeSeats]));
  const used = new Map(instance.companies.map((c) => [c.id, c.proposalsThisMonth ?? 0]));
  const out: { academy: string; result: MatchingResult }[] = [];
  for (const academy of [...groups.keys()].sort()) {
    const studentIds = new Set(groups.get(academy)!.map((s) => s.id));
    const result = solveMatching(
      {
        ...instance,
        students: groups.get(academy)!,
        offers: instance.offers.map((o) => ({ ...o, freeSeats: freeSeats.get(o.id)! })),
        companies: instance.companies.map((c) => ({ ...c, proposalsThisMonth: used.get(c.id)! })),
        declinedPairs: instance.declinedPairs?.filter((p) => studentIds.has(p.studentId)),
      },
      options,
    );
    for (const a of result.assignments) {
      freeSeats.set(a.offerId, freeSeats.get(a.offerId)! - 1);
      used.set(a.companyId, used.get(a.companyId)! + 1);
    }
    out.push({ academy, result });
  }
  return out;
}
