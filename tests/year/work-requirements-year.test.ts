import ExcelJS from 'exceljs';
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { checkStateAgainstLedger } from '../../server/src/domain/integrity/state-check.js';
import { readLedgerDir, verifyDataDir } from '../../server/src/store/ledger/verify.js';
import { readStateReadOnly } from '../../server/src/store/read-state.js';
import { openStore } from '../../server/src/store/open-store.js';
import { replay } from '../helpers/replay.js';
import { runTs } from '../helpers/run-node.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { tempDir } from '../helpers/temp-dir.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';
import { storedObligations } from '../../server/src/domain/obligations/obligation-table.js';

const FS = 'p-fsjd-c';
const TASK = 'yc-lqstg-2018.k1';

/** Every 工作要求 of #37 once, at one moment of the year, as the office and a unit do them over HTTP. */
async function theWorkRequirements(t: TestApp): Promise<void> {
  const ok = async (r: Promise<{ statusCode: number; body: string }>) => {
    const res = await r;
    expect(res.statusCode, res.body).toBe(200);
    return JSON.parse(res.body) as Record<string, unknown> & { id: string };
  };
  const post = (url: string, payload: object, personId?: string) =>
    ok(t.inject({ method: 'POST', url, payload }, personId));
  // 督办通知单 on the unit's most pressing open item, signed and answered
  const late = storedObligations(t.store.state.get())
    .filter((o) => o.unitId === 'fsjd' && o.status === 'open')
    .sort((a, b) => a.due.localeCompare(b.due))[0]!;
  const sheet = await post('/api/notice-sheets', {
    unitId: 'fsjd',
    obligationIds: [late.id],
    text: '请抓紧办理并回复',
    replyBy: '2019-07-10',
  });
  await post(`/api/notice-sheets/${sheet.id}/sign`, {}, FS);
  await post(`/api/notice-sheets/${sheet.id}/answer`, { text: '已完成并报送' }, FS);
  // a 通报批评 and its 容错免责, accepted
  const b = await post('/api/bulletins', {
    kind: 'criticism',
    unitIds: ['fsjd'],
    taskId: TASK,
    text: '府山街道未按期开展专项工作',
    rectifyBy: '2019-07-20',
  });
  const e = await post(
    '/api/exemptions',
    {
      target: { kind: 'bulletin', bulletinId: b.id },
      ground: '先行先试、改革探索',
      text: '按试点方案先行探索,节点与通报所据文件不一致。',
    },
    FS,
  );
  await post(`/api/exemptions/${e.id}/decide`, { accept: true, comment: '符合先行先试情形' });
  // a 领导批示件, registered
  await post('/api/instructions', {
    leader: '区长 钱建国',
    leaderPersonId: 'p-qzf-l1',
    text: '请府山街道研究加装电梯推进办法',
    docTitle: '关于加装电梯的报告',
    date: '2019-07-01',
    urgency: 'urgent',
    workingDays: 5,
    leadUnitIds: ['fsjd'],
  });
  // a pilot approved and an experience adopted as 越城样本, published
  await post(
    '/api/pilots',
    { level: 'city', name: '市级督查改革试点', status: 'approved', doc: '绍市办〔2019〕8号', taskIds: [TASK] },
    FS,
  );
  const x = await post(
    '/api/experiences',
    {
      title: '督查闭环管理',
      text: '清单、督查、考评、激励、问责五位一体,年初有清单、年中有督查、年末有考核。',
      taskIds: [TASK],
    },
    FS,
  );
  await post(`/api/experiences/${x.id}/decide`, { adopt: true, sample: true });
  await post('/api/experiences/publish', { year: 2019 });
  // a 第三方评估 with a finding that needs 整改
  const v = await post('/api/evaluations', {
    title: '年中第三方评估',
    org: '某某评估研究院',
    period: { from: '2019-07-01', to: '2019-08-31' },
    taskIds: [TASK],
    unitIds: ['fsjd'],
    evaluatorIds: ['p-eval-1'],
  });
  await post(
    `/api/evaluations/${v.id}/findings`,
    { unitId: 'fsjd', taskId: TASK, text: '台账不全', rectifyBy: '2019-08-15' },
    'p-eval-1',
  );
}

describe('the 工作要求 through a replayed year (#37 acceptance)', () => {
  it('2018-11-01 → 2020-01-31 with every one of them: the 台账 and the annual report show them, and the ledger verifies', async () => {
    const dir = tempDir();
    const open = (clock: () => Date) => openStore(dir, { clock });
    await replay(SEEDS_DIR, '2018-11-01', '2019-06-30', open);
    const t = await seededApp({ dataDir: dir });
    t.deps.clock.set('2019-07-01T10:00:00+08:00');
    await theWorkRequirements(t);
    await t.close();
    await replay(SEEDS_DIR, '2019-07-01', '2020-01-31', open);

    const after = await seededApp({ dataDir: dir });
    after.deps.clock.set('2020-01-31T10:00:00+08:00');
    const res = await after.inject('/api/exports/ledger.xlsx?year=2019');
    expect(res.statusCode).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    for (const name of ['总表', '督办通知单', '领导批示件', '容错免责', '试点示范', '第三方评估'])
      expect(wb.getWorksheet(name), name).toBeDefined();
    expect(String(wb.getWorksheet('督办通知单')!.getRow(4).getCell(10).value)).toContain('已完成并报送');
    const report = (await after.inject('/api/reports/annual?year=2019&unitId=fsjd')).body;
    for (const s of ['督办通知单(1)', '领导批示件(1)', '容错免责(1)', '予以免责']) expect(report).toContain(s);
    // 考评 holds the pilot, the sample and the lifted criticism
    expect((await after.inject({ method: 'POST', url: '/api/assessments/2019/compute' })).statusCode).toBe(200);
    const lines = (await after.inject('/api/assessments/2019/units/fsjd')).json().lines as Array<{
      rule: string;
      effective: number;
      exempted?: object;
    }>;
    expect(
      lines
        .filter((l) => l.rule === 'pilot' || l.rule === 'sample')
        .map((l) => l.rule)
        .sort(),
    ).toEqual(['pilot', 'sample']);
    expect(lines.find((l) => l.rule === 'criticism')).toMatchObject({ effective: 0, exempted: expect.any(Object) });
    await after.close();
    // what npm run ledger:verify checks: the chain, and the state as the ledger implies it
    const verified = await verifyDataDir(dir);
    expect(verified.ok).toBe(true);
    expect(await checkStateAgainstLedger(await readStateReadOnly(dir), readLedgerDir(join(dir, 'ledger')))).toEqual([]);
    // and the command itself
    const cli = await runTs('server/src/cli/ledger-verify.ts', ['--data', dir], {});
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain('台账校验通过');
  }, 300_000);
});
