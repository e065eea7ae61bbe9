/**
 * Minimum-cost flow by cost scaling (Goldberg's push–relabel "refine" with ε-scaling),
 * on a residual network stored in typed arrays (CSR by tail node).
 *
 * Costs are integers. Internally every cost is multiplied by `scale` (> number of nodes), so
 * that a flow which is 1-optimal for the scaled costs is exactly optimal for the original
 * ones: every residual cycle has at most n arcs, so its reduced cost is > -n·(1/scale) > -1,
 * and being an integer it is >= 0 (no negative cycle = optimal).
 *
 * All arithmetic is on integers stored in doubles; `assertSafe` guards the 2^53 limit.
 */

export class FlowNetwork {
  readonly nodeCount: number;
  /** CSR: arcs of node v are first[v] .. first[v+1]-1 (forward and reverse arcs). */
  readonly first: Int32Array;
  readonly head: Int32Array;
  readonly rev: Int32Array;
  /** Residual capacity of every arc. */
  readonly rcap: Int32Array;
  /** Scaled cost of every arc (reverse arc = -forward). */
  readonly cost: Float64Array;
  /** Position in the CSR arrays of forward arc i (in the order they were added). */
  readonly forwardPos: Int32Array;
  /** Original capacity of forward arc i. */
  readonly capacity: Int32Array;
  readonly scale: number;

  constructor(
    nodeCount: number,
    tail: Int32Array,
    headIn: Int32Array,
    cap: Int32Array,
    costIn: Float64Array,
    arcCount: number,
    scale: number,
  ) {
    this.nodeCount = nodeCount;
    this.scale = scale;
    const total = 2 * arcCount;
    const first = new Int32Array(nodeCount + 1);
    for (let i = 0; i < arcCount; i++) {
      first[tail[i] + 1]++;
      first[headIn[i] + 1]++;
    }
    for (let v = 0; v < nodeCount; v++) first[v + 1] += first[v];
    const fill = first.slice(0, nodeCount);
    const head = new Int32Array(total);
    const rev = new Int32Array(total);
    const rcap = new Int32Array(total);
    const cost = new Float64Array(total);
    const forwardPos = new Int32Array(arcCount);
    for (let i = 0; i < arcCount; i++) {
      const u = tail[i];
      const v = headIn[i];
      const a = fill[u]++;
      const b = fill[v]++;
      head[a] = v;
      head[b] = u;
      rev[a] = b;
      rev[b] = a;
      rcap[a] = cap[i];
      rcap[b] = 0;
      const c = costIn[i] * scale;
      cost[a] = c;
      cost[b] = -c;
      forwardPos[i] = a;
    }
    this.first = first;
    this.head = head;
    this.rev = rev;
    this.rcap = rcap;
    this.cost = cost;
    this.forwardPos = forwardPos;
    this.capacity = cap.slice(0, arcCount);
  }

  /** Flow on forward arc i. */
  flow(i: number): number {
    return this.capacity[i] - this.rcap[this.forwardPos[i]];
  }
}

/** Collects forward arcs, then freezes them into a {@link FlowNetwork}. */
export class FlowNetworkBuilder {
  private tail: Int32Array;
  private headArr: Int32Array;
  private cap: Int32Array;
  private costArr: Float64Array;
  private count = 0;
  private maxAbsCost = 0;

  constructor(
    readonly nodeCount: number,
    expectedArcs: number,
  ) {
    const n = Math.max(16, expectedArcs);
    this.tail = new Int32Array(n);
    this.headArr = new Int32Array(n);
    this.cap = new Int32Array(n);
    this.costArr = new Float64Array(n);
  }

  /** Adds a forward arc and returns its index. Capacity >= 0, integer cost. */
  addArc(from: number, to: number, capacity: number, cost: number): number {
    if (this.count === this.tail.length) this.grow();
    const i = this.count++;
    this.tail[i] = from;
    this.headArr[i] = to;
    this.cap[i] = capacity;
    this.costArr[i] = cost;
    const abs = cost < 0 ? -cost : cost;
    if (abs > this.maxAbsCost) this.maxAbsCost = abs;
    return i;
  }

  get arcCount(): number {
    return this.count;
  }

  /** Scale used for costs: a power of two strictly above the node count (at least `minScale`). */
  build(minScale = 0): FlowNetwork {
    const scale = Math.max(costScaleFor(this.nodeCount), minScale);
    assertSafe(this.maxAbsCost * scale * 4, 'cost range');
    return new FlowNetwork(
      this.nodeCount,
      this.tail,
      this.headArr,
      this.cap,
      this.costArr,
      this.count,
      scale,
    );
  }

  private grow(): void {
    const n = this.tail.length * 2;
    const grow32 = (a: Int32Array) => {
      const b = new Int32Array(n);
      b.set(a);
      return b;
    };
    this.tail = grow32(this.tail);
    this.headArr = grow32(this.headArr);
    this.cap = grow32(this.cap);
    const c = new Float64Array(n);
    c.set(this.costArr);
    this.costArr = c;
  }
}

/** Cost multiplier that makes 1-optimality exact: a power of two above the node count. */
export function costScaleFor(nodeCount: number): number {
  let scale = 1;
  while (scale <= nodeCount) scale *= 2;
  return scale;
}

export function assertSafe(value: number, what: string): void {
  if (!(Math.abs(value) < Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`min-cost flow: ${what} exceeds exact integer arithmetic (${value})`);
  }
}

export interface FlowSolveStats {
  phases: number;
  pushes: number;
  relabels: number;
}

/**
 * Solves min-cost flow for the given node supplies (positive = supply, negative = demand,
 * summing to 0; a feasible flow must exist). Mutates `net.rcap`, returns the node prices
 * (scaled units), which certify optimality and serve as a warm start.
 *
 * Warm start: pass `prices` from a previous solve of a similar network and `excess` already
 * holding supply + inflow - outflow of the current flow (i.e. the caller has loaded the old
 * flow into `rcap`). Then only arcs that violate 1-optimality are repaired.
 */
export function solveMinCostFlow(
  net: FlowNetwork,
  excess: Int32Array,
  options: { prices?: Float64Array; warm?: boolean; alpha?: number } = {},
): { prices: Float64Array; stats: FlowSolveStats } {
  const n = net.nodeCount;
  const { first, head, rev, rcap, cost } = net;
  const price = options.prices ?? new Float64Array(n);
  const alpha = options.alpha ?? 16;
  const cur = new Int32Array(n);
  const queue = new Int32Array(n + 1);
  const inQueue = new Uint8Array(n);
  const stats: FlowSolveStats = { phases: 0, pushes: 0, relabels: 0 };
  let qHead = 0;
  let qTail = 0;

  const refine = (eps: number, threshold: number): void => {
    stats.phases++;
    // Make the pseudoflow eps-optimal: saturate every residual arc whose reduced cost is below -threshold.
    for (let v = 0; v < n; v++) {
      const pv = price[v];
      const end = first[v + 1];
      for (let a = first[v]; a < end; a++) {
        const r = rcap[a];
        if (r > 0 && cost[a] + pv - price[head[a]] < -threshold) {
          rcap[a] = 0;
          rcap[rev[a]] += r;
          excess[v] -= r;
          excess[head[a]] += r;
        }
      }
    }
    qHead = qTail = 0;
    for (let v = 0; v < n; v++) {
      cur[v] = first[v];
      if (excess[v] > 0) {
        queue[qTail++] = v;
        inQueue[v] = 1;
      }
    }
    const qSize = n + 1;
    while (qHead !== qTail) {
      const v = queue[qHead];
      qHead = qHead + 1 === qSize ? 0 : qHead + 1;
      inQueue[v] = 0;
      let ev = excess[v];
      const end = first[v + 1];
      while (ev > 0) {
        const pv = price[v];
        let a = cur[v];
        for (; a < end; a++) {
          const r = rcap[a];
          if (r > 0) {
            const w = head[a];
            if (cost[a] + pv - price[w] < 0) {
              const d = ev < r ? ev : r;
              rcap[a] = r - d;
              rcap[rev[a]] += d;
              ev -= d;
              const ew = excess[w] + d;
              excess[w] = ew;
              stats.pushes++;
              if (ew > 0 && inQueue[w] === 0) {
                inQueue[w] = 1;
                queue[qTail] = w;
                qTail = qTail + 1 === qSize ? 0 : qTail + 1;
              }
              if (ev === 0) break;
            }
          }
        }
        if (ev === 0) {
          cur[v] = a;
          break;
        }
        // Relabel: lower the price just enough to make the best residual arc admissible.
        let best = -Infinity;
        for (let b = first[v]; b < end; b++) {
          if (rcap[b] > 0) {
            const c = price[head[b]] - cost[b];
            if (c > best) best = c;
          }
        }
        if (best === -Infinity)
          throw new Error(
            'min-cost flow: infeasible supplies (node with excess and no residual arc)',
          );
        price[v] = best - eps;
        cur[v] = first[v];
        stats.relabels++;
      }
      excess[v] = ev;
    }
  };

  let eps: number;
  if (options.warm) {
    // Start the scaling at the worst violation of the loaded flow: a few phases that only
    // touch the neighbourhood of the changes (a single phase at eps = 1 can start price wars).
    let worst = 1;
    for (let v = 0; v < n; v++) {
      const pv = price[v];
      for (let a = first[v]; a < first[v + 1]; a++) {
        if (rcap[a] > 0) {
          const rc = cost[a] + pv - price[head[a]];
          if (-rc > worst) worst = -rc;
        }
      }
    }
    for (let v = 0; v < n; v++) if (excess[v] > 0) worst = Math.max(worst, net.scale);
    eps = worst * alpha;
  } else {
    let maxCost = 0;
    for (let a = 0; a < cost.length; a++) if (cost[a] > maxCost) maxCost = cost[a];
    eps = Math.max(1, maxCost);
  }
  {
    do {
      eps = Math.max(1, Math.floor(eps / alpha));
      refine(eps, 0);
    } while (eps > 1);
  }
  return { prices: price, stats };
}
