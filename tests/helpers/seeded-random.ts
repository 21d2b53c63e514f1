/**
 * Seeded pseudo-random numbers for tests (mulberry32): a run is reproduced by its seed. Tests take
 * their seed from TEST_SEED when set, otherwise from a fixed default, and print it in failures.
 */
export interface Rng {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
}

export function seededRandom(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { seed, next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** The seed a test uses: TEST_SEED when given (to replay a failure), else `fallback`. */
export function testSeed(fallback: number): number {
  const given = process.env.TEST_SEED;
  return given !== undefined && /^\d+$/.test(given) ? Number(given) : fallback;
}
