/**
 * The LP of the assignment problem for HiGHS (the `highs` npm package, WebAssembly): one
 * column per eligible pair in [0, 1], rows "one offer per student", "seats per offer", "cap per
 * company"; maximise Σ (placedWeight + priority·priorityWeight + score)·x. The constraint matrix
 * is that of a network flow (totally unimodular), so a vertex optimum is integral. Test and
 * benchmark tooling only — the engine never loads HiGHS.
 */
import type { CoreProblem, ObjectiveWeights } from '../problem';

export interface HighsAnswer {
  status: string;
  objectiveValue: number;
  /** Offer index per student read from the primal solution (x > 0.5), -1 when none. */
  offerOf: Int32Array;
  fractional: number;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Highs = any;

export async function loadHighs(): Promise<Highs> {
  const load = require('highs');
  return load();
}

export function solveWithHighs(
  highs: Highs,
  problem: CoreProblem,
  weights: ObjectiveWeights,
  options: Record<string, unknown> = {},
): HighsAnswer {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const capRow = new Int32Array(nC).fill(-1);
  let rows = nS + nO;
  for (let c = 0; c < nC; c++) if (problem.companyCap[c] >= 0) capRow[c] = rows++;
  const E = problem.edgeStart[nS];
  // HiGHS refuses a model without columns; its optimum is trivially 0 (nobody placed).
  if (E === 0)
    return {
      status: 'empty',
      objectiveValue: 0,
      offerOf: new Int32Array(nS).fill(-1),
      fractional: 0,
    };
  const starts = new Int32Array(E + 1);
  const indices: number[] = [];
  const colCost = new Float64Array(E);
  const studentOfEdge = new Int32Array(E);
  for (let s = 0; s < nS; s++) {
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++) {
      studentOfEdge[e] = s;
      starts[e] = indices.length;
      const o = problem.edgeOffer[e];
      indices.push(s, nS + o);
      const cr = capRow[problem.offerCompany[o]];
      if (cr >= 0) indices.push(cr);
      colCost[e] =
        weights.placedWeight + problem.priority[s] * weights.priorityWeight + problem.edgeScore[e];
    }
  }
  starts[E] = indices.length;
  const rowUpper = new Float64Array(rows);
  for (let s = 0; s < nS; s++) rowUpper[s] = 1;
  for (let o = 0; o < nO; o++) rowUpper[nS + o] = problem.offerSeats[o];
  for (let c = 0; c < nC; c++) if (capRow[c] >= 0) rowUpper[capRow[c]] = problem.companyCap[c];
  const model = highs.createModel({
    numCols: E,
    numRows: rows,
    sense: highs.constants.objectiveSense.maximize,
    colCost,
    colLower: new Float64Array(E),
    colUpper: new Float64Array(E).fill(1),
    rowLower: new Float64Array(rows),
    rowUpper,
    matrix: {
      format: 'csc',
      numRows: rows,
      numCols: E,
      starts,
      indices: Int32Array.from(indices),
      values: new Float64Array(indices.length).fill(1),
    },
  });
  try {
    model.options.set({ output_flag: false, ...options });
    model.run();
    const status = String(model.getModelStatus?.() ?? '');
    const x: Float64Array = model.getSolution().colValue;
    const offerOf = new Int32Array(nS).fill(-1);
    let fractional = 0;
    for (let e = 0; e < E; e++) {
      if (x[e] > 1e-6 && x[e] < 1 - 1e-6) fractional++;
      if (x[e] > 0.5) offerOf[studentOfEdge[e]] = problem.edgeOffer[e];
    }
    return { status, objectiveValue: model.getObjectiveValue(), offerOf, fractional };
  } finally {
    model.dispose();
  }
}
