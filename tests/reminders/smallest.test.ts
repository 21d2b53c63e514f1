import { describe, expect, it } from 'vitest';
import { Smallest } from '../../server/src/domain/reminders/smallest.js';
import { seededRandom, testSeed } from '../helpers/seeded-random.js';

describe('Smallest (a digest\'s "also open" records, kept while reading)', () => {
  it('keeps the k smallest by key, ties in the order offered — as sorting everything and taking k would', () => {
    const rng = seededRandom(testSeed(5150));
    for (let round = 0; round < 300; round += 1) {
      const k = rng.int(0, 12);
      const n = rng.int(0, 80);
      // few distinct keys: many ties
      const offers = Array.from({ length: n }, (_, i) => ({ key: rng.int(0, rng.int(1, 20)), id: i }));
      const top = new Smallest<number>(k);
      for (const o of offers) top.offer(o.key, o.id);
      const expected = [...offers]
        .sort((x, y) => x.key - y.key || x.id - y.id)
        .slice(0, k)
        .map((o) => ({ key: o.key, value: o.id }));
      expect(top.sorted(), `round ${round} (seed ${rng.seed})`).toEqual(expected);
      expect(top.count).toBe(n);
    }
  });
});
