/**
 * One solver in its own process (so that peak memory is its own): prints one JSON line.
 * Usage: node -r @swc-node/register bench/worker.ts <mode> '<json shape>'
 * Modes: engine, highs, incremental, national; flow and flow-national (flow solve only, on
 * networks cached under /tmp — a quick loop for solver work); scaling (one cold solve of a
 * random network of issue 17's shape by one method) and lp (that network as an LP file for CLP).
 */
import {
  MatchingSession,
  checkFeasibility,
  evaluate,
  generateInstance,
  objectiveWeights,
  solveCore,
  solveGreedy,
  solveMatchingParallel,
} from '../src/index';
import type { CoreProblem } from '../src/index';
import { solveAssignment } from '../src/core';
import { loadHighs, solveWithHighs } from '../src/testing/highs-peer';
import { generateNetwork } from '../src/testing/random-network';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [mode, arg] = process.argv.slice(2);
const shape = JSON.parse(arg ?? '{}');
const rssMb = () => process.memoryUsage().rss / 1048576;
const peakMb = () => process.resourceUsage().maxRSS / 1024;

/** Academy `a` of the national run. */
const academyInstance = (a: number) =>
  generateInstance({
    students: shape.studentsPerAcademy,
    offers: shape.offersPerAcademy,
    seed: shape.seed + a,
    radiusKm: shape.radiusKm,
    academy: String(a + 1),
    idPrefix: `A${a}-`,
    center: { lat: 43 + (a % 6) * 1.2, lon: -1 + Math.floor(a / 6) * 1.4 },
  });

const PROBLEM_FIELDS = [
  'priority',
  'offerSeats',
  'offerCompany',
  'companyCap',
  'edgeStart',
  'edgeOffer',
  'edgeScore',
] as const;

/** The network of a generated instance, cached under /tmp: flow-only runs skip eligibility. */
function cachedProblem(key: string, make: () => MatchingSession): CoreProblem {
  const file = join('/tmp/tremplin-flow-cache', `${key}.bin`);
  if (existsSync(file)) {
    const buf = readFileSync(file);
    const head = new Int32Array(buf.buffer, buf.byteOffset, 3 + PROBLEM_FIELDS.length);
    const p: Record<string, unknown> = {
      studentCount: head[0],
      offerCount: head[1],
      companyCount: head[2],
    };
    let at = buf.byteOffset + head.byteLength;
    PROBLEM_FIELDS.forEach((f, i) => {
      p[f] = new Int32Array(buf.buffer.slice(at, at + head[3 + i] * 4));
      at += head[3 + i] * 4;
    });
    return p as unknown as CoreProblem;
  }
  const { problem } = make().coreProblem();
  const parts = PROBLEM_FIELDS.map((f) => problem[f]);
  const head = Int32Array.from([
    problem.studentCount,
    problem.offerCount,
    problem.companyCount,
    ...parts.map((x) => x.length),
  ]);
  mkdirSync('/tmp/tremplin-flow-cache', { recursive: true });
  writeFileSync(file, Buffer.concat([head, ...parts].map((x) => Buffer.from(x.buffer))));
  return problem;
}

/**
 * The LP of a network in CPLEX LP format (read by CLP/CBC): one column per pair in [0, 1] (the
 * student rows bound it), maximise Σ cost·x; `scoresOnly` keeps the scores alone in the
 * objective (the lexicographic weights may defeat a floating-point simplex).
 */
function writeLp(problem: CoreProblem, file: string, scoresOnly: boolean): void {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const weights = objectiveWeights(nS, nO);
  const out: string[] = ['Maximize', ' obj:'];
  let line = '';
  const flush = () => {
    if (line) out.push(line);
    line = '';
  };
  for (let s = 0; s < nS; s++)
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++) {
      const c = scoresOnly
        ? problem.edgeScore[e]
        : weights.placedWeight +
          problem.priority[s] * weights.priorityWeight +
          problem.edgeScore[e];
      line += ` + ${c} x${e}`;
      if (line.length > 200) flush();
    }
  flush();
  out.push('Subject To');
  const row = (name: string, cols: number[], rhs: number) => {
    if (!cols.length) return;
    out.push(` ${name}:`);
    for (const e of cols) {
      line += ` + x${e}`;
      if (line.length > 200) flush();
    }
    flush();
    out.push(` <= ${rhs}`);
  };
  const byOffer: number[][] = Array.from({ length: nO }, () => []);
  const byCompany: number[][] = Array.from({ length: nC }, () => []);
  for (let s = 0; s < nS; s++) {
    const cols: number[] = [];
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++) {
      cols.push(e);
      byOffer[problem.edgeOffer[e]].push(e);
      byCompany[problem.offerCompany[problem.edgeOffer[e]]].push(e);
    }
    row(`s${s}`, cols, 1);
  }
  for (let o = 0; o < nO; o++) row(`o${o}`, byOffer[o], problem.offerSeats[o]);
  for (let c = 0; c < nC; c++)
    if (problem.companyCap[c] >= 0) row(`c${c}`, byCompany[c], problem.companyCap[c]);
  out.push('End');
  writeFileSync(file, out.join('\n') + '\n');
}

async function main() {
  if (mode === 'scaling' || mode === 'lp') {
    // A random network of issue 17's table (no eligibility): one cold solve by `method`, or the
    // LP files for CLP. Each in its own process: peak RSS is the method's.
    const problem = generateNetwork({ students: shape.students, seed: shape.seed ?? 1 });
    const { studentCount: nS, offerCount: nO } = problem;
    const weights = objectiveWeights(nS, nO);
    const pairs = problem.edgeStart[nS];
    if (mode === 'lp') {
      writeLp(problem, shape.file, false);
      writeLp(problem, shape.scoresFile, true);
      // The optimum of the scores alone (nobody has to be placed), for CLP's scores-only LP.
      const maxScore = solveCore(problem, {
        weights: { placedWeight: 0, priorityWeight: 0 },
        method: 'shortest-paths',
      });
      console.log(
        JSON.stringify({
          mode,
          pairs,
          weights,
          objective: evaluate(problem, solveAssignment(problem, weights).offerOf, weights),
          scoresOnlyOptimum: maxScore.objective.scoreSum,
        }),
      );
      return;
    }
    const rssBefore = rssMb();
    const cpu = process.cpuUsage();
    const t = performance.now();
    const r = solveAssignment(problem, weights, shape.method);
    const solveMs = performance.now() - t;
    const cpuMs = process.cpuUsage(cpu).user / 1000;
    const objective = evaluate(problem, r.offerOf, weights);
    console.log(
      JSON.stringify({
        mode,
        students: nS,
        offers: nO,
        pairs,
        method: shape.method,
        ran: r.method,
        solveMs,
        cpuMs,
        rssBeforeSolveMb: rssBefore,
        peakRssMb: peakMb(),
        objective,
        feasible: checkFeasibility(problem, r.offerOf).length === 0,
      }),
    );
    return;
  }
  if (mode === 'flow' || mode === 'flow-national') {
    // Flow solve only, cold, with the weights a session uses (headroom): `flow` one instance,
    // `flow-national` the national run's academies. Networks are cached (no eligibility).
    const keys =
      mode === 'flow'
        ? [`${shape.students}-${shape.offers}-${shape.seed}-${shape.radiusKm}`]
        : Array.from(
            { length: shape.academies },
            (_, a) =>
              `nat-${shape.studentsPerAcademy}-${shape.offersPerAcademy}-${shape.seed}-${shape.radiusKm}-${a}`,
          );
    let solveMs = 0;
    let cpuMs = 0;
    let settled = 0;
    let placed = 0;
    let feasible = true;
    const objectives = [];
    for (let a = 0; a < keys.length; a++) {
      const problem = cachedProblem(
        keys[a],
        () => new MatchingSession(mode === 'flow' ? generateInstance(shape) : academyInstance(a)),
      );
      const { studentCount: nS, offerCount: nO } = problem;
      const weights = objectiveWeights(Math.ceil(nS * 1.5) + 64, Math.ceil(nO * 1.5) + 64);
      const t = performance.now();
      const cpu = process.cpuUsage();
      const sol = solveCore(problem, { weights });
      solveMs += performance.now() - t;
      cpuMs += process.cpuUsage(cpu).user / 1000; // less sensitive to other load than wall time
      const objective = evaluate(problem, sol.offerOf, objectiveWeights(nS, nO));
      settled += sol.stats.relabels;
      placed += objective.placed;
      feasible &&= checkFeasibility(problem, sol.offerOf).length === 0;
      objectives.push(objective.value);
    }
    console.log(
      JSON.stringify({
        mode,
        solveMs,
        cpuMs,
        settled,
        placed,
        feasible,
        objectives,
        peakRssMb: peakMb(),
      }),
    );
    return;
  }
  if (mode === 'national') {
    // Academies one after the other (the pure sequential path), or with `threads` > 1 on worker
    // threads (solveMatchingParallel; the academies share no offer). Wall time measured in both.
    const academies: number = shape.academies;
    const threads: number = shape.threads ?? 1;
    const t0 = performance.now();
    const results =
      threads > 1
        ? await solveMatchingParallel(
            (function* () {
              for (let a = 0; a < academies; a++) yield academyInstance(a);
            })(),
            { threads },
          )
        : Array.from({ length: academies }, (_, a) =>
            new MatchingSession(academyInstance(a)).solve(),
          );
    const wallMs = performance.now() - t0;
    const sum = (f: (r: (typeof results)[number]) => number) =>
      results.reduce((acc, r) => acc + f(r), 0);
    const eligibilityMs = sum((r) => r.timings.eligibilityMs);
    const solveMs = sum((r) => r.timings.solveMs);
    console.log(
      JSON.stringify({
        mode,
        academies,
        threads,
        students: sum((r) => r.counts.students),
        pairs: sum((r) => r.counts.eligiblePairs),
        placed: sum((r) => r.counts.placed),
        eligibilityMs,
        solveMs,
        totalMs: eligibilityMs + solveMs,
        wallMs,
        peakRssMb: peakMb(),
      }),
    );
    return;
  }
  if (mode === 'incremental') {
    // Full-size instance solved once, then 20 offers changed (7 seat counts, 7 withdrawn, 6 new)
    // and 50 new students: the session's repair against a cold solve of the updated instance.
    const inst = generateInstance(shape);
    const extra = generateInstance({ ...shape, seed: shape.seed + 1, idPrefix: 'NEW-' });
    const session = new MatchingSession(inst);
    const first = session.solve();
    const offers = inst.offers;
    const step = Math.floor(offers.length / 21);
    const change = {
      upsertOffers: [
        ...offers
          .slice(0, 7 * step)
          .filter((_, i) => i % step === 0)
          .map((o, i) => ({
            ...o,
            freeSeats: i % 2 ? o.freeSeats + 1 : Math.max(0, o.freeSeats - 1),
          })),
        ...extra.offers.slice(0, 6).map((o, i) => ({ ...o, companyId: inst.companies[i * 97].id })),
      ],
      removeOfferIds: offers
        .filter((_, i) => i % step === 1)
        .slice(0, 7)
        .map((o) => o.id),
      upsertStudents: extra.students.filter((_, i) => i % 600 === 0).slice(0, 50),
    };
    const t1 = performance.now();
    const inc = session.update(change);
    const updateMs = performance.now() - t1;
    const t2 = performance.now();
    const coldSession = new MatchingSession(session.instance());
    const cold = coldSession.solve();
    const coldMs = performance.now() - t2;
    console.log(
      JSON.stringify({
        mode,
        students: inc.counts.students,
        pairs: inc.counts.eligiblePairs,
        changedOffers: change.upsertOffers.length + change.removeOfferIds.length,
        newStudents: change.upsertStudents.length,
        firstSolveMs: first.timings.totalMs,
        updateMs,
        incSolveMs: inc.timings.solveMs,
        incEligibilityMs: inc.timings.eligibilityMs,
        coldMs,
        coldSolveMs: cold.timings.solveMs,
        coldEligibilityMs: cold.timings.eligibilityMs,
        same: JSON.stringify(inc.objective) === JSON.stringify(cold.objective),
        objective: inc.objective,
        peakRssMb: peakMb(),
      }),
    );
    return;
  }
  const t0 = performance.now();
  const inst = generateInstance(shape);
  const session = new MatchingSession(inst);
  const { problem } = session.coreProblem();
  const tPairs = performance.now() - t0;
  const weights = objectiveWeights(problem.studentCount, problem.offerCount);
  const rssBefore = rssMb();
  if (mode === 'engine') {
    const t1 = performance.now();
    const sol = solveCore(problem, { weights });
    const solveMs = performance.now() - t1;
    const peak = peakMb();
    const issues = checkFeasibility(problem, sol.offerOf);
    const greedy = evaluate(problem, solveGreedy(problem), weights);
    // End to end through the public API (eligibility + solve) on a fresh session.
    const t2 = performance.now();
    const full = new MatchingSession(inst).solve();
    const endToEndMs = performance.now() - t2;
    console.log(
      JSON.stringify({
        mode,
        students: problem.studentCount,
        offers: problem.offerCount,
        freeSeats: full.counts.freeSeats,
        pairs: problem.edgeStart[problem.studentCount],
        instanceAndPairsMs: tPairs,
        solveMs,
        endToEndMs,
        eligibilityMs: full.timings.eligibilityMs,
        rssBeforeSolveMb: rssBefore,
        peakRssMb: peak,
        objective: sol.objective,
        feasible: issues.length === 0,
        greedy,
      }),
    );
  } else if (mode === 'highs') {
    const highs = await loadHighs();
    const t1 = performance.now();
    const r = solveWithHighs(highs, problem, weights, { time_limit: shape.timeLimit ?? 180 });
    const solveMs = performance.now() - t1;
    const peak = peakMb();
    const own = evaluate(problem, r.offerOf, weights);
    console.log(
      JSON.stringify({
        mode,
        students: problem.studentCount,
        pairs: problem.edgeStart[problem.studentCount],
        status: r.status,
        solveMs,
        rssBeforeSolveMb: rssBefore,
        peakRssMb: peak,
        objectiveValue: r.objectiveValue,
        objective: own,
        fractional: r.fractional,
        feasible: checkFeasibility(problem, r.offerOf).length === 0,
      }),
    );
  }
}

main().catch((e) => {
  console.log(JSON.stringify({ mode, error: String(e?.message ?? e) }));
  process.exit(1);
});
