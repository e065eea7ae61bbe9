/**
 * Monotone priority queue for Dijkstra on non-negative integer keys (a radix heap, Ahuja et
 * al. 1990): a key goes to the bucket of the highest bit in which it differs from the last
 * minimum, so a push is O(1) and each entry moves down at most once per bit. Keys equal to the
 * current minimum — the plateaus of zero reduced cost, half of all labels in the assignment
 * searches — land in bucket 0 and come out without any comparison.
 *
 * Lazy: a node may be pushed again with a smaller key; the caller skips stale entries.
 * Keys must be integers below 2^53 and never below the last minimum returned.
 */
const BUCKETS = 55;
const TWO32 = 4294967296;

export class RadixQueue {
  private key: Float64Array;
  private val: Int32Array;
  private next: Int32Array;
  private readonly head = new Int32Array(BUCKETS).fill(-1);
  private free = -1;
  private used = 0;
  private nonEmpty = 0;
  private last = 0;
  private lastHi = 0;
  private lastLo = 0;

  constructor(capacity = 1024) {
    this.key = new Float64Array(capacity);
    this.val = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
  }

  /** Empties the queue; keys start again from 0. */
  reset(): void {
    this.head.fill(-1);
    this.free = -1;
    this.used = 0;
    this.nonEmpty = 0;
    this.last = this.lastHi = this.lastLo = 0;
  }

  push(v: number, k: number): void {
    let i = this.free;
    if (i >= 0) this.free = this.next[i];
    else {
      if (this.used === this.key.length) this.grow();
      i = this.used++;
    }
    this.key[i] = k;
    this.val[i] = v;
    const b = this.bucketOf(k);
    this.next[i] = this.head[b];
    this.head[b] = i;
    this.nonEmpty++;
  }

  /** The smallest key (Infinity when empty); afterwards `pop` returns a node with that key. */
  minKey(): number {
    if (this.head[0] >= 0) return this.last;
    if (this.nonEmpty === 0) return Infinity;
    let b = 1;
    while (this.head[b] < 0) b++;
    const { key, next } = this;
    let m = Infinity;
    for (let i = this.head[b]; i >= 0; i = next[i]) if (key[i] < m) m = key[i];
    this.last = m;
    this.lastHi = Math.floor(m / TWO32);
    this.lastLo = m >>> 0;
    // Every entry of bucket b now differs from the minimum in a lower bit.
    let i = this.head[b];
    this.head[b] = -1;
    while (i >= 0) {
      const nx = next[i];
      const t = this.bucketOf(key[i]);
      next[i] = this.head[t];
      this.head[t] = i;
      i = nx;
    }
    return m;
  }

  /** Removes and returns a node whose key is `minKey()` (call `minKey` first). */
  pop(): number {
    const i = this.head[0];
    this.head[0] = this.next[i];
    this.next[i] = this.free;
    this.free = i;
    this.nonEmpty--;
    return this.val[i];
  }

  private bucketOf(k: number): number {
    if (k < TWO32 && this.last < TWO32) return 32 - Math.clz32((k >>> 0) ^ this.lastLo);
    const x = Math.floor(k / TWO32) ^ this.lastHi;
    return x !== 0 ? 64 - Math.clz32(x) : 32 - Math.clz32((k >>> 0) ^ this.lastLo);
  }

  private grow(): void {
    const n = this.key.length * 2;
    const key = new Float64Array(n);
    key.set(this.key);
    const val = new Int32Array(n);
    val.set(this.val);
    const next = new Int32Array(n);
    next.set(this.next);
    this.key = key;
    this.val = val;
    this.next = next;
  }
}
