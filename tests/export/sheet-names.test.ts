import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateState } from '../helpers/store-writes.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

describe('台账 sheet names (#33 req 6)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
    t.deps.clock.set('2019-06-20T10:00:00+08:00');
  });
  afterAll(async () => t.close());

  it("units named like other sheets, equal in their first 31 characters or edged with ' give unique, legal names", async () => {
    const long = '越城区某某某某某某某某某某某某某某某某某某某某某某某某某某某某';
    await updateState(t.store, (d) => {
      const names = ['任务1', '总表', `${long}甲`, `${long}乙`, "'边缘单位'", 'History'];
      const carrying = d.units.filter((u) => d.assignments.some((a) => a.unitId === u.id && a.status === 'active'));
      names.forEach((n, i) => (carrying[i]!.name = n));
    });
    const res = await t.inject('/api/exports/ledger.xlsx?year=2019');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer); // exceljs reads the file back
    const names = wb.worksheets.map((w) => w.name);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const n of names) {
      expect(n.length).toBeLessThanOrEqual(31);
      expect(n).not.toMatch(/[[\]:*?/\\]|^'|'$/);
      expect(n.toLowerCase()).not.toBe('history');
    }
    expect(names.filter((n) => n.startsWith(long.slice(0, 20))).length).toBe(2);
  });
});
