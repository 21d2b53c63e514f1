/**
 * The `k` smallest values offered, by key, ties in the order offered: a bounded max-heap. What a
 * unit's digest lists as "also open" is its 50 most urgent records; keeping only those while the
 * records are read (instead of every open record, sorted afterwards) is what lets a province's
 * 1.6M records pass without being copied into lists.
 */
export class Smallest<T> {
  // at most k: made at their size once (grown one by one, lists of 50 took room for 89, and 12,000
  // units' heaps copied themselves four times each)
  private keys: number[] = [];
  private seqs: number[] = [];
  private values: T[] = [];
  private size = 0;
  private offered = 0;

  constructor(private readonly k: number) {}

  /** How many were offered in all (kept or not). */
  get count(): number {
    return this.offered;
  }

  offer(key: number, value: T): void {
    const seq = this.offered;
    this.offered += 1;
    const n = this.size;
    if (n < this.k) {
      if (n === 0) {
        this.keys = new Array<number>(this.k).fill(0);
        this.seqs = new Array<number>(this.k).fill(0);
        this.values = new Array<T>(this.k).fill(value);
      }
      this.keys[n] = key;
      this.seqs[n] = seq;
      this.values[n] = value;
      this.size += 1;
      this.up(n);
      return;
    }
    // later offers lose ties: only a smaller key displaces the largest kept
    if (this.k === 0 || !(key < this.keys[0]!)) return;
    this.keys[0] = key;
    this.seqs[0] = seq;
    this.values[0] = value;
    this.down(0);
  }

  /** What was kept, smallest first (ties in the order offered), with each one's key. */
  sorted(): Array<{ key: number; value: T }> {
    return this.order().map((i) => ({ key: this.keys[i]!, value: this.values[i]! }));
  }

  /** The same as two lists (no object per value). */
  sortedColumns(): { keys: number[]; values: T[] } {
    const order = this.order();
    return { keys: order.map((i) => this.keys[i]!), values: order.map((i) => this.values[i]!) };
  }

  private order(): number[] {
    const order = Array.from({ length: this.size }, (_, i) => i);
    return order.sort((x, y) => this.keys[x]! - this.keys[y]! || this.seqs[x]! - this.seqs[y]!);
  }

  private above(i: number, j: number): boolean {
    const d = this.keys[i]! - this.keys[j]!;
    return d > 0 || (d === 0 && this.seqs[i]! > this.seqs[j]!);
  }

  private swap(i: number, j: number): void {
    const keys = this.keys;
    const seqs = this.seqs;
    const values = this.values;
    const key = keys[i]!;
    keys[i] = keys[j]!;
    keys[j] = key;
    const seq = seqs[i]!;
    seqs[i] = seqs[j]!;
    seqs[j] = seq;
    const value = values[i]!;
    values[i] = values[j]!;
    values[j] = value;
  }

  private up(i: number): void {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(i: number): void {
    const n = this.size;
    for (;;) {
      const [l, r] = [2 * i + 1, 2 * i + 2];
      let top = i;
      if (l < n && this.above(l, top)) top = l;
      if (r < n && this.above(r, top)) top = r;
      if (top === i) return;
      this.swap(i, top);
      i = top;
    }
  }
}
