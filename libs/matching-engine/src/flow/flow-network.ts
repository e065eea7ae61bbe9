/**
 * A flow network stored as a residual network in typed arrays (CSR by tail node: every arc
 * with its reverse), built from a list of arcs; costs multiplied by `scale` for cost scaling
 * (flow/cost-scaling.ts). The shape of OR-tools' `min_cost_flow.h` graph.
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
