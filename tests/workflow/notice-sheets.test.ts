import JSZip from 'jszip';
import ExcelJS from 'exceljs';
import { parseCommand } from '../../server/src/bot/command-parser.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedObligations } from '../../server/src/domain/obligations/obligation-table.js';
import type { LedgerEvent } from '../../server/src/model/ledger.js';
import { FakeChannel } from '../helpers/fake-channel.js';
import { seededApp, type TestApp } from '../helpers/test-app.js';

const FS_CONTACT = 'p-fsjd-c';
const BH_CONTACT = 'p-bhjd-c';

/** 府山街道's open items due before the day, oldest first. */
const overdue = (t: TestApp, before: string) =>
  storedObligations(t.store.state.get())
    .filter((o) => o.unitId === 'fsjd' && o.status === 'open' && o.due < before)
    .sort((a, b) => a.due.localeCompare(b.due) || a.id.localeCompare(b.id));

async function events(t: TestApp, type: string): Promise<LedgerEvent[]> {
  const out: LedgerEvent[] = [];
  for await (const e of t.store.ledger.read()) if (e.type === type) out.push(e);
  return out;
}

describe('督办通知单 (#37 req 5)', () => {
  let t: TestApp;
  let channel: FakeChannel;
  beforeAll(async () => {
    channel = new FakeChannel(() => t.deps.clock.now());
    t = await seededApp({ channel });
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
  });
  afterAll(async () => t.close());

  it('is refused to a unit, for another unit’s items, for done items or a past reply date — changing nothing', async () => {
    const items = overdue(t, '2019-03-20').slice(0, 2);
    const body = { unitId: 'fsjd', obligationIds: items.map((o) => o.id), text: '请抓紧办理', replyBy: '2019-03-27' };
    const head = t.store.ledger.head().seq;
    expect((await t.inject({ method: 'POST', url: '/api/notice-sheets', payload: body }, FS_CONTACT)).statusCode).toBe(
      403,
    );
    const other = await t.inject({ method: 'POST', url: '/api/notice-sheets', payload: { ...body, unitId: 'bhjd' } });
    expect(other.statusCode).toBe(400);
    expect(other.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(other.json().message).toContain('不是北海街道的事项');
    const past = await t.inject({
      method: 'POST',
      url: '/api/notice-sheets',
      payload: { ...body, replyBy: '2019-03-01' },
    });
    expect(past.json().message).toContain('回复期限不能早于今天');
    const empty = await t.inject({
      method: 'POST',
      url: '/api/notice-sheets',
      payload: { ...body, obligationIds: [] },
    });
    expect(empty.json().message).toContain('请至少选择一个事项');
    expect(t.store.ledger.head().seq).toBe(head);
    expect(t.store.state.get().noticeSheets ?? {}).toEqual({});
  });

  it('a red sheet is numbered, delivered to the unit’s contacts and leaders, signed, answered, and its Word document says so', async () => {
    const items = overdue(t, '2019-03-20').slice(0, 2);
    const r = await t.inject({
      method: 'POST',
      url: '/api/notice-sheets',
      payload: {
        unitId: 'fsjd',
        obligationIds: items.map((o) => o.id),
        text: '请于一周内补签收,并报送年终总结。',
        replyBy: '2019-03-27',
      },
    });
    expect(r.statusCode).toBe(200);
    const sheet = r.json();
    expect(sheet).toMatchObject({
      number: '督办〔2019〕1号',
      level: 'red',
      unit: { id: 'fsjd', name: '府山街道' },
      status: 'unsigned',
      replyBy: '2019-03-27',
    });
    expect(sheet.items).toHaveLength(2);
    expect(sheet.items[0].state).toMatch(/^已逾期 \d+ 个工作日/);
    // one notice each to the unit's contacts and leaders, opening the sheet
    const rows = t.store.state.get().outbox.filter((x) => x.key.startsWith(`sheet:${sheet.id}:`));
    const people = t.store.state
      .get()
      .people.filter((p) => p.unitIds.includes('fsjd') && (p.roles.includes('contact') || p.roles.includes('leader')));
    expect(rows.map((x) => x.personId).sort()).toEqual(people.map((p) => p.id).sort());
    const card =
      rows[0]!.kind === 'notice' ? (rows[0]!.payload.message as { title: string; markdown: string }) : undefined;
    expect(card?.title).toBe('督办通知单 督办〔2019〕1号(红色)');
    expect(card?.markdown).toContain('请**签收**,并于 **3月27日** 前回复办理情况');
    expect(JSON.stringify(rows[0]!.payload)).toContain(`/app/#/sheets/${sheet.id}`);

    // another unit sees nothing of it; the 督考办 and the unit do
    expect((await t.inject(`/api/notice-sheets/${sheet.id}`, BH_CONTACT)).statusCode).toBe(404);
    expect((await t.inject('/api/notice-sheets', BH_CONTACT)).json().items).toEqual([]);
    expect((await t.inject('/api/notice-sheets', FS_CONTACT)).json().items.map((x: { id: string }) => x.id)).toEqual([
      sheet.id,
    ]);
    expect((await t.inject(`/api/notice-sheets/${sheet.id}/document.docx`, BH_CONTACT)).statusCode).toBe(404);

    const signed = await t.inject({ method: 'POST', url: `/api/notice-sheets/${sheet.id}/sign` }, FS_CONTACT);
    expect(signed.json()).toMatchObject({ status: 'signed', signed: { by: FS_CONTACT, channel: 'miniapp' } });
    const answered = await t.inject(
      { method: 'POST', url: `/api/notice-sheets/${sheet.id}/answer`, payload: { text: '已补签收,年终总结已报送' } },
      FS_CONTACT,
    );
    expect(answered.json()).toMatchObject({ status: 'answered', answer: { text: '已补签收,年终总结已报送' } });
    expect((await events(t, 'sheet.issued')).map((e) => e.payload)).toEqual([
      expect.objectContaining({ number: '督办〔2019〕1号', level: 'red', unitId: 'fsjd', replyBy: '2019-03-27' }),
    ]);
    expect(await events(t, 'sheet.signed')).toHaveLength(1);
    expect(await events(t, 'sheet.answered')).toHaveLength(1);

    const doc = await t.inject(`/api/notice-sheets/${sheet.id}/document.docx`, FS_CONTACT);
    expect(doc.statusCode).toBe(200);
    expect(doc.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const xml = await (await JSZip.loadAsync(doc.rawPayload)).file('word/document.xml')!.async('string');
    const words = xml.replace(/<[^>]+>/g, '');
    for (const s of [
      '督办通知单',
      '督办〔2019〕1号',
      '红色督办',
      '府山街道:',
      '请于一周内补签收',
      '回    执',
      '签收人:石刚',
    ])
      expect(words).toContain(s);
    expect(words).toContain(sheet.items[1].name);
    // the PDF needs LibreOffice on the server: without it, a clear refusal that points to the Word document
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    const pdf = await t.inject(`/api/notice-sheets/${sheet.id}/document.pdf`, FS_CONTACT).finally(() => {
      process.env.PATH = path;
    });
    expect(pdf.statusCode).toBe(503);
    expect(pdf.json()).toMatchObject({
      code: 'UNAVAILABLE',
      message: '服务器未能生成 PDF(需安装 LibreOffice),请下载 Word 版本后打印',
    });
  });

  it('escalates to the unit’s leaders once when left unsigned the next working day, and once more when unanswered past its date', async () => {
    t.deps.clock.set('2019-03-20T10:00:00+08:00');
    const items = overdue(t, '2019-03-20').slice(2, 3);
    const sheet = (
      await t.inject({
        method: 'POST',
        url: '/api/notice-sheets',
        payload: { unitId: 'fsjd', obligationIds: items.map((o) => o.id), text: '请尽快办理', replyBy: '2019-03-22' },
      })
    ).json();
    expect(sheet.number).toBe('督办〔2019〕2号');
    const leaders = t.store.state
      .get()
      .people.filter((p) => p.unitIds.includes('fsjd') && p.roles.includes('leader'))
      .map((p) => p.id);
    expect(leaders.length).toBeGreaterThan(0);
    const toLeaders = () =>
      t.store.state
        .get()
        .outbox.filter((x) => x.key.startsWith(`sheet:${sheet.id}:un`))
        .map((x) => `${x.key.split(':')[2]}→${x.personId}`)
        .sort();
    // the same day: nothing yet
    await t.core.scheduler.tick(new Date('2019-03-20T16:00:00+08:00'));
    expect(toLeaders()).toEqual([]);
    // the next working day from 09:00: not signed
    t.deps.clock.set('2019-03-21T09:00:00+08:00');
    await t.core.scheduler.tick(new Date('2019-03-21T09:00:00+08:00'));
    await t.core.scheduler.tick(new Date('2019-03-21T09:01:00+08:00'));
    expect(toLeaders()).toEqual(leaders.map((p) => `unsigned→${p}`).sort());
    // signed, not answered by 3月22日: on the 25th (Monday), once
    await t.core.sheets.sign(
      t.store.state.get().people.find((p) => p.id === FS_CONTACT)!,
      sheet.id,
      'miniapp',
    );
    t.deps.clock.set('2019-03-25T09:00:00+08:00');
    await t.core.scheduler.tick(new Date('2019-03-25T09:00:00+08:00'));
    await t.core.scheduler.tick(new Date('2019-03-25T09:05:00+08:00'));
    expect(toLeaders()).toEqual(
      [...leaders.map((p) => `unsigned→${p}`), ...leaders.map((p) => `unanswered→${p}`)].sort(),
    );
    expect((await t.inject(`/api/notice-sheets/${sheet.id}`)).json()).toMatchObject({
      status: 'late',
      escalated: { unsigned: '2019-03-21', unanswered: '2019-03-25' },
    });
    expect((await events(t, 'sheet.escalated')).map((e) => (e.payload as { reasons: string[] }).reasons)).toEqual([
      ['unsigned'],
      ['unanswered'],
    ]);
  });

  it('the year’s 台账 lists them on a sheet of their own; a unit’s 台账 only its own', async () => {
    const read = async (personId?: string) => {
      const res = await t.inject('/api/exports/ledger.xlsx?year=2019', personId);
      expect(res.statusCode).toBe(200);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
      return wb.getWorksheet('督办通知单');
    };
    const ws = (await read())!;
    expect(ws.getCell('A2').value).toContain('共 2 份 · 红色 2 份 · 已回复 1 份');
    const rows = [4, 5].map((r) => ws.getRow(r).values as unknown[]);
    expect(rows.map((r) => r.slice(2, 5))).toEqual([
      ['督办〔2019〕1号', '红色', '府山街道'],
      ['督办〔2019〕2号', '红色', '府山街道'],
    ]);
    expect(String(rows[0]![10])).toContain('已补签收,年终总结已报送');
    expect(String(rows[1]![10])).toBe('逾期未回复');
    expect(String(rows[1]![11])).toContain('2019-03-21 未签收告知领导');
    expect((await read(FS_CONTACT))?.rowCount).toBe(5);
    expect(await read(BH_CONTACT)).toBeUndefined();
  });
});

describe('the bot reads 督办通知单 replies as officials write them', () => {
  it.each([
    ['回执', { kind: 'signSheet' }],
    ['收到督办单', { kind: 'signSheet' }],
    ['督办通知单已收到', { kind: 'signSheet' }],
    ['签收督办单 3号', { kind: 'signSheet', n: 3 }],
    ['收到督办〔2019〕12号', { kind: 'signSheet', n: 12 }],
    ['回复督办单 已完成整改', { kind: 'answerSheet', text: '已完成整改' }],
    ['回复督办单 3号:已完成整改并报送', { kind: 'answerSheet', n: 3, text: '已完成整改并报送' }],
    ['督办单回复 2号 已补签收', { kind: 'answerSheet', n: 2, text: '已补签收' }],
    // not a sheet: the task commands stay as they were
    ['收到 3', { kind: 'ack', task: 3 }],
  ])('%s', (text, command) => expect(parseCommand(text)).toEqual(command));
});
