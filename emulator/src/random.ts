/** A small seeded PRNG (mulberry32) so fault injection is reproducible. */
export class Random {
  private state: number;
  constructor(seed = 1) {
    this.state = seed >>> 0;
  }
  reseed(seed: number): void {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  id(length = 16): string {
    const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
    let out = '';
    for (let i = 0; i < length; i += 1) out += chars[Math.floor(this.next() * chars.length)];
    return out;
  }
}
