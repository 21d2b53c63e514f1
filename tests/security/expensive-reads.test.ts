import { describe, expect, it } from 'vitest';
import { seededApp } from '../helpers/test-app.js';

describe('expensive reads are limited per person (#33 req 2)', () => {
  it('twenty parallel 台账 exports by one person: one is made, the rest are refused at once; the next goes once it is done', async () => {
    const t = await seededApp();
    try {
      const answers = await Promise.all(
        Array.from({ length: 20 }, () => t.inject('/api/exports/ledger.xlsx?year=2019')),
      );
      const codes = answers.map((a) => a.statusCode).sort();
      expect(codes.filter((c) => c === 200)).toHaveLength(1);
      expect(codes.filter((c) => c === 429)).toHaveLength(19);
      expect(answers.find((a) => a.statusCode === 429)!.json()).toMatchObject({
        code: 'RATE_LIMITED',
        message: expect.stringContaining('上一份导出还在生成'),
      });
      // the place is given back when the download ends: the next export goes
      expect((await t.inject('/api/exports/ledger.xlsx?year=2019')).statusCode).toBe(200);
      expect((await t.inject('/api/reports/annual?year=2019&unitId=fsjd')).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});
