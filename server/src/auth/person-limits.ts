import { AppError } from '../errors.js';

/**
 * Token buckets keyed by person (never by IP: officials sit behind one government NAT). A bucket
 * holds `capacity` tokens and refills evenly over `perMs`; each action takes one.
 */
export class Buckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    private readonly now: () => number,
  ) {}

  /** Takes a token for `key`, or throws 429 RATE_LIMITED with `message`. */
  /** Refuses (429) when `key` has no token left, without spending one (see `spend`). */
  check(key: string, message: string): void {
    const now = this.now();
    const b = this.buckets.get(key);
    if (!b) return;
    const tokens = Math.min(this.capacity, b.tokens + ((now - b.at) * this.capacity) / this.perMs);
    if (tokens < 1) throw new AppError('RATE_LIMITED', message);
  }

  /** Spends one token of `key` (a failure counted after the fact). */
  spend(key: string): void {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    b.tokens = Math.max(0, Math.min(this.capacity, b.tokens + ((now - b.at) * this.capacity) / this.perMs) - 1);
    b.at = now;
    this.buckets.set(key, b);
  }

  take(key: string, message: string): void {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.capacity, at: now };
    b.tokens = Math.min(this.capacity, b.tokens + ((now - b.at) * this.capacity) / this.perMs);
    b.at = now;
    if (b.tokens < 1) {
      this.buckets.set(key, b);
      throw new AppError('RATE_LIMITED', message);
    }
    b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 50_000)
      for (const [k, v] of this.buckets) if (v.tokens >= this.capacity - 1) this.buckets.delete(k);
  }
}

/** Bytes uploaded per unit per day (Asia/Shanghai), against a daily quota. */
export class DailyQuota {
  private day = '';
  private readonly used = new Map<string, number>();

  constructor(
    private readonly bytesPerDay: number,
    private readonly today: () => string,
  ) {}

  private roll(): void {
    const d = this.today();
    if (d !== this.day) {
      this.day = d;
      this.used.clear();
    }
  }

  /** Throws 429 when the unit has used its quota today. */
  check(unitId: string): void {
    this.roll();
    if ((this.used.get(unitId) ?? 0) >= this.bytesPerDay)
      throw new AppError(
        'RATE_LIMITED',
        `本单位今天上传的文件已达 ${Math.round(this.bytesPerDay / 1024 / 1024)} MB 的上限,请明天再传,或联系区督考办`,
      );
  }

  /**
   * Holds `bytes` of the unit's quota before an upload is written (refused with 429 once the day's
   * quota is used, counting what uploads in flight hold): parallel uploads cannot all pass a check
   * made before any of them is counted. `settle` replaces the hold by what was stored (0 when the
   * upload failed or the file was already there).
   */
  reserve(unitId: string, bytes: number): { settle(stored: number): void } {
    this.check(unitId);
    const day = this.day;
    this.used.set(unitId, (this.used.get(unitId) ?? 0) + bytes);
    let settled = false;
    return {
      settle: (stored: number) => {
        if (settled) return;
        settled = true;
        this.roll();
        if (this.day !== day) return; // a new day: yesterday's hold went with it
        this.used.set(unitId, Math.max(0, (this.used.get(unitId) ?? 0) - bytes + stored));
      },
    };
  }

  add(unitId: string, bytes: number): void {
    this.roll();
    this.used.set(unitId, (this.used.get(unitId) ?? 0) + bytes);
  }
}

/**
 * Expensive reads (the 台账 export, the annual report): one at a time per person and a few at
 * once in all, past which the next is refused at once (429 / 503) rather than queued — twenty
 * parallel exports by one evaluator must not hold the event loop for everyone.
 */
export class ExpensiveReads {
  private readonly running = new Map<string, number>();
  private total = 0;

  constructor(
    private readonly perPerson = 1,
    private readonly atOnce = 2,
  ) {}

  /** Takes a place for `person`; call the returned function when done (exactly once). */
  enter(person: string): () => void {
    const mine = this.running.get(person) ?? 0;
    if (mine >= this.perPerson) throw new AppError('RATE_LIMITED', '您上一份导出还在生成,请等它下载完成后再导出');
    if (this.total >= this.atOnce) throw new AppError('UNAVAILABLE', '正在生成的导出较多,请稍后再试');
    this.running.set(person, mine + 1);
    this.total += 1;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.total -= 1;
      const left = (this.running.get(person) ?? 1) - 1;
      if (left > 0) this.running.set(person, left);
      else this.running.delete(person);
    };
  }
}
