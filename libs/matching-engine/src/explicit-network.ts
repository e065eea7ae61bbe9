/**
 * The assignment solved as a plain min-cost flow on an explicit network (flow-network.ts) by
 * cost scaling (flow/cost-scaling.ts), cold or warm from a previous flow and its potentials:
 * the independent second solver of the tests, slower than the shortest paths and the auction.
 */
import { FlowNetworkBuilder } from './flow/flow-network';
import { solveCostScaling } from './flow/cost-scaling';
import { CoreProblem, CoreSolution, CoreWarmStart, ObjectiveWeights, evaluate } from './problem';

/** Min-cost flow on the explicit network (cost scaling, or a warm repair from a previous flow). */
export function solveNetwork(
  problem: CoreProblem,
  weights: ObjectiveWeights,
  scale: number,
  warm: CoreWarmStart | undefined,
): CoreSolution {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const offerBase = nS;
  const companyBase = nS + nO;
  const sink = nS + nO + nC;
  const nodeCount = sink + 1;
  const edgeCount = problem.edgeStart[nS];
  const builder = new FlowNetworkBuilder(nodeCount, edgeCount + nS + nO + nC);
  // Arc indices: pairs first (arc e = edge e), then unplaced arcs, offer arcs, company arcs.
  for (let s = 0; s < nS; s++) {
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++)
      builder.addArc(s, offerBase + problem.edgeOffer[e], 1, -problem.edgeScore[e]);
  }
  for (let s = 0; s < nS; s++)
    builder.addArc(s, sink, 1, weights.placedWeight + problem.priority[s] * weights.priorityWeight);
  const seatsTotalOf = new Float64Array(nC);
  for (let o = 0; o < nO; o++) {
    builder.addArc(offerBase + o, companyBase + problem.offerCompany[o], problem.offerSeats[o], 0);
    seatsTotalOf[problem.offerCompany[o]] += problem.offerSeats[o];
  }
  for (let c = 0; c < nC; c++) {
    const cap = problem.companyCap[c];
    builder.addArc(companyBase + c, sink, cap < 0 ? Math.min(seatsTotalOf[c], 2 ** 30) : cap, 0);
  }
  const net = builder.build(scale);
  const excess = new Int32Array(nodeCount);
  let prices: Float64Array | undefined;
  if (warm) {
    if (warm.scale !== net.scale) throw new Error('warm start scale mismatch');
    prices = loadWarmStart(problem, warm, net, excess, { offerBase, companyBase, sink, edgeCount });
  } else {
    for (let s = 0; s < nS; s++) excess[s] = 1;
    excess[sink] = -nS;
  }
  const { prices: finalPrices, stats } = solveCostScaling(net, excess, { prices, warm: !!warm });
  const offerOf = new Int32Array(nS).fill(-1);
  const edgeOf = new Int32Array(nS).fill(-1);
  for (let s = 0; s < nS; s++) {
    for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++) {
      if (net.flow(e) > 0) {
        offerOf[s] = problem.edgeOffer[e];
        edgeOf[s] = e;
        break;
      }
    }
  }
  return {
    offerOf,
    edgeOf,
    objective: evaluate(problem, offerOf, weights),
    weights,
    prices: finalPrices,
    scale: net.scale,
    stats: { ...stats, warm: !!warm },
  };
}

function loadWarmStart(
  problem: CoreProblem,
  warm: CoreWarmStart,
  net: ReturnType<FlowNetworkBuilder['build']>,
  excess: Int32Array,
  layout: { offerBase: number; companyBase: number; sink: number; edgeCount: number },
): Float64Array {
  const { studentCount: nS, offerCount: nO, companyCount: nC } = problem;
  const { offerBase, companyBase, sink, edgeCount } = layout;
  const price = new Float64Array(net.nodeCount);
  price[sink] = warm.sinkPrice;
  for (let c = 0; c < nC; c++)
    price[companyBase + c] = Number.isNaN(warm.companyPrice[c])
      ? warm.sinkPrice
      : warm.companyPrice[c];
  for (let o = 0; o < nO; o++)
    price[offerBase + o] = Number.isNaN(warm.offerPrice[o])
      ? price[companyBase + problem.offerCompany[o]]
      : warm.offerPrice[o];
  const { rcap, forwardPos, rev, first, head, cost } = net;
  const pushForward = (arc: number, amount: number) => {
    const a = forwardPos[arc];
    rcap[a] -= amount;
    rcap[rev[a]] += amount;
  };
  const offerIn = new Int32Array(nO);
  for (let s = 0; s < nS; s++) {
    excess[s] = 1;
    const prev = warm.previousOfferOf[s];
    if (prev >= 0) {
      for (let e = problem.edgeStart[s]; e < problem.edgeStart[s + 1]; e++) {
        if (problem.edgeOffer[e] === prev) {
          pushForward(e, 1);
          excess[s] = 0;
          offerIn[prev]++;
          break;
        }
      }
    } else if (prev === -1) {
      pushForward(edgeCount + s, 1);
      excess[s] = 0;
      excess[sink]++;
    }
    if (Number.isNaN(warm.studentPrice[s])) {
      // New node: the highest price keeping all its arcs with non-negative reduced cost.
      let p = -Infinity;
      for (let a = first[s]; a < first[s + 1]; a++)
        if (rcap[a] > 0) p = Math.max(p, price[head[a]] - cost[a]);
      price[s] = p;
    } else {
      price[s] = warm.studentPrice[s];
    }
  }
  const companyIn = new Int32Array(nC);
  for (let o = 0; o < nO; o++) {
    const f = Math.min(offerIn[o], problem.offerSeats[o]);
    pushForward(edgeCount + nS + o, f);
    excess[offerBase + o] = offerIn[o] - f;
    companyIn[problem.offerCompany[o]] += f;
  }
  for (let c = 0; c < nC; c++) {
    const arc = edgeCount + nS + nO + c;
    const f = Math.min(companyIn[c], net.capacity[arc]);
    pushForward(arc, f);
    excess[companyBase + c] = companyIn[c] - f;
    excess[sink] += f;
  }
  excess[sink] -= nS;
  return price;
}
