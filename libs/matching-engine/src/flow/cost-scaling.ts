/**
 * Minimum-cost flow by cost scaling: Goldberg's push–relabel "refine" with ε-scaling (Goldberg
 * & Tarjan 1990, "Finding minimum-cost circulations by successive approximation"), with the
 * global potential update of CS2 (Goldberg 1997, "An efficient implementation of a scaling
 * minimum-cost flow algorithm"). Terms as in ../core.ts (potential, reduced cost, ε-optimal).
 *
 * Costs are integers. Internally every cost is multiplied by `scale` (> number of nodes), so
 * that a flow which is 1-optimal for the scaled costs is exactly optimal for the original
 * ones: every residual cycle has at most n arcs, so its reduced cost is > -n·(1/scale) > -1,
 * and being an integer it is >= 0 (no negative cycle = optimal).
 *
 * Each phase ("refine") starts from an ε-optimal pseudoflow — arcs whose reduced cost is below
 * -ε are saturated — then pushes excess along admissible arcs (reduced cost < 0) and relabels
 * (lowers a node's potential to make its best residual arc admissible). The global update, at
 * the start of a phase and after every `updateEvery · n` relabels, sets every potential from
 * the distances to the nearest deficit in units of ε (a Dial search backwards).
 */
import type { FlowNetwork } from './flow-network';
import { RadixQueue } from './radix-queue';

export interface FlowSolveStats {
  phases: number;
  pushes: number;
  relabels: number;
}

export interface CostScalingStats extends FlowSolveStats {
  globalUpdates: number;
}

export interface CostScalingOptions {
  /**
   * Potentials of a previous solve (scaled units) for a warm start; `excess` then holds the
   * loaded flow's imbalances.
   */
  prices?: Float64Array;
  warm?: boolean;
  /** ε is divided by alpha at each phase (default 16). */
  alpha?: number;
  /** A global update after this many relabels times the node count (default 2). */
  updateEvery?: number;
}

export function solveCostScaling(
  net: FlowNetwork,
  excess: Int32Array,
  options: CostScalingOptions = {},
): { prices: Float64Array; stats: CostScalingStats } {
  const n = net.nodeCount;
  const { first, head, rev, rcap, cost } = net;
  const price = options.prices ?? new Float64Array(n);
  const alpha = options.alpha ?? 16;
  const updateAfter = Math.max(64, Math.floor(n * (options.updateEvery ?? 2)));
  const cur = new Int32Array(n);
  const queue = new Int32Array(n + 1);
  const inQueue = new Uint8Array(n);
  const dist = new Float64Array(n);
  const scanned = new Uint8Array(n);
  const buckets = new RadixQueue(1024);
  const stats: CostScalingStats = { phases: 0, pushes: 0, relabels: 0, globalUpdates: 0 };
  const qSize = n + 1;
  let qHead = 0;
  let qTail = 0;

  /**
   * Global potential update: distances to the nearest deficit in units of ε along residual arcs of
   * length floor(reduced cost / ε) + 1 (≥ 0 on an ε-optimal pseudoflow), each node's price
   * lowered by its distance·ε; nodes beyond the last excess node reached get that level.
   */
  const globalUpdate = (eps: number): void => {
    stats.globalUpdates++;
    let toReach = 0;
    buckets.reset();
    for (let v = 0; v < n; v++) {
      scanned[v] = 0;
      if (excess[v] < 0) {
        dist[v] = 0;
        buckets.push(v, 0);
      } else {
        dist[v] = Infinity;
        if (excess[v] > 0) toReach++;
      }
    }
    let level = 0;
    while (toReach > 0) {
      const d = buckets.minKey();
      if (d === Infinity) break;
      const w = buckets.pop();
      if (scanned[w] || d > dist[w]) continue;
      scanned[w] = 1;
      level = d;
      if (excess[w] > 0) toReach--;
      const pw = price[w];
      for (let a = first[w], end = first[w + 1]; a < end; a++) {
        const b = rev[a];
        if (rcap[b] === 0) continue;
        const x = head[a];
        if (scanned[x]) continue;
        const rc = cost[b] + price[x] - pw;
        let len = Math.floor(rc / eps) + 1;
        if (len < 0) len = 0;
        const nd = d + len;
        if (nd < dist[x]) {
          dist[x] = nd;
          buckets.push(x, nd);
        }
      }
    }
    for (let v = 0; v < n; v++) {
      const d = scanned[v] ? dist[v] : level;
      price[v] -= d * eps;
      cur[v] = first[v];
    }
  };

  const refine = (eps: number): void => {
    stats.phases++;
    // ε-optimal pseudoflow: saturate every residual arc whose reduced cost is below -ε.
    for (let v = 0; v < n; v++) {
      const pv = price[v];
      const end = first[v + 1];
      for (let a = first[v]; a < end; a++) {
        const r = rcap[a];
        if (r > 0 && cost[a] + pv - price[head[a]] < -eps) {
          rcap[a] = 0;
          rcap[rev[a]] += r;
          excess[v] -= r;
          excess[head[a]] += r;
        }
      }
    }
    globalUpdate(eps);
    let relabelsSinceUpdate = 0;
    qHead = qTail = 0;
    for (let v = 0; v < n; v++) {
      if (excess[v] > 0) {
        queue[qTail++] = v;
        inQueue[v] = 1;
      }
    }
    while (qHead !== qTail) {
      if (relabelsSinceUpdate >= updateAfter) {
        globalUpdate(eps);
        relabelsSinceUpdate = 0;
      }
      const v = queue[qHead];
      qHead = qHead + 1 === qSize ? 0 : qHead + 1;
      inQueue[v] = 0;
      let ev = excess[v];
      const start = first[v];
      const end = first[v + 1];
      let a = cur[v];
      while (ev > 0) {
        const pv = price[v];
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
        if (ev === 0) break;
        // Relabel: the price that makes the best residual arc admissible, which becomes current.
        let best = -Infinity;
        let bestArc = -1;
        for (let b = start; b < end; b++) {
          if (rcap[b] > 0) {
            const c = price[head[b]] - cost[b];
            if (c > best) {
              best = c;
              bestArc = b;
            }
          }
        }
        if (bestArc < 0)
          throw new Error(
            'min-cost flow: infeasible supplies (node with excess and no residual arc)',
          );
        price[v] = best - eps;
        a = bestArc;
        stats.relabels++;
        relabelsSinceUpdate++;
      }
      cur[v] = a < end ? a : start;
      excess[v] = ev;
    }
  };

  let eps: number;
  if (options.warm) {
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
  do {
    eps = Math.max(1, Math.floor(eps / alpha));
    refine(eps);
  } while (eps > 1);
  return { prices: price, stats };
}
