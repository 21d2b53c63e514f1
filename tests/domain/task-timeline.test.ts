import { describe, expect, it } from 'vitest';
import { TaskTimeline } from '../../server/src/domain/progress/task-timeline.js';
import { seedStore } from '../../server/src/plan-import/seed-store.js';
import { loadSeeds } from '../../server/src/seeds/load-seeds.js';
import { MemoryStore } from '../../server/src/store/memory/memory-store.js';
import { SEEDS_DIR } from '../helpers/seeds.js';
import { JsonlLedger } from '../../server/src/store/ledger/jsonl-ledger.js';
import { tempDir } from '../helpers/temp-dir.js';

const person = { type: 'person' as const, id: 'p-fsjd-c', name: '石刚' };
const A = 'yc-lqstg-2018.k1.fsjd';
const SHA = 'a'.repeat(64);

describe('the task timeline projection', () => {
  it('places events from before and after it started, in order, and survives events of unexpected shape', async () => {
    const store = new MemoryStore(undefined, () => new Date('2019-03-01T01:00:00Z'));
    await seedStore(store, await loadSeeds(SEEDS_DIR), new Date('2019-03-01T01:00:00Z'));
    // events as an older release wrote them, straight into a ledger (no payload schemas then)
    const ledger = await JsonlLedger.open(tempDir(), { clock: () => new Date('2019-03-01T01:00:00Z') });
    const appendEvent = (_: unknown, e: Parameters<typeof ledger.append>[0]) => ledger.append(e);
    await appendEvent(store, {
      type: 'obligation.acknowledged',
      actor: person,
      subject: { type: 'assignment', id: A },
      channel: 'miniapp',
      payload: { obligationId: `${A}:2019:acknowledge` },
    });
    const timeline = new TaskTimeline(ledger, () => store.state.get());
    await timeline.start();
    // odd shapes (a number where a list belongs, a null payload) must neither throw into the append nor stop later events
    await appendEvent(store, {
      type: 'reminder.sent',
      actor: { type: 'scheduler' },
      subject: { type: 'outbox', id: 'x' },
      channel: 'scheduler',
      payload: { tasks: 5, obligations: 'oops' },
    });
    await appendEvent(store, {
      type: 'progress.reported',
      actor: person,
      subject: { type: 'assignment', id: A },
      channel: 'miniapp',
      payload: null,
    });
    await appendEvent(store, {
      type: 'evidence.uploaded',
      actor: person,
      subject: { type: 'evidence', id: SHA },
      channel: 'miniapp',
      payload: { sha256: SHA, name: '照片.jpg', mime: 'image/jpeg', size: 10 },
    });
    const report = await appendEvent(store, {
      type: 'progress.reported',
      actor: person,
      subject: { type: 'assignment', id: A },
      channel: 'miniapp',
      payload: {
        taskId: 'yc-lqstg-2018.k1',
        unitId: 'fsjd',
        text: '已完成',
        evidence: [{ sha256: SHA, name: '照片.jpg', mime: 'image/jpeg', size: 10 }],
      },
    });
    // the bot names tasks by number and attaches files to a report afterwards
    await appendEvent(store, {
      type: 'progress.reported',
      actor: person,
      subject: { type: 'botMessage', id: 'm1' },
      channel: 'bot',
      payload: { msgId: 'm1', task: 1, text: '机器人报送', obligations: [] },
    });
    const bot = ledger.last()!;
    await appendEvent(store, {
      type: 'evidence.attached',
      actor: person,
      subject: { type: 'botMessage', id: 'm2' },
      channel: 'bot',
      payload: {
        msgId: 'm2',
        sha256: 'b'.repeat(64),
        mime: 'image/png',
        size: 5,
        name: '图.png',
        task: 1,
        reportSeq: bot.seq,
      },
    });

    const items = await timeline.forTask('yc-lqstg-2018.k1');
    expect(items.map((i) => [i.type, i.text ?? ''])).toEqual([
      ['progress.reported', '机器人报送'],
      ['progress.reported', '已完成'],
      ['progress.reported', ''],
      ['obligation.acknowledged', ''],
    ]);
    expect(items[0]!.evidence.map((e) => e.sha256)).toEqual(['b'.repeat(64)]);
    expect(items[1]).toMatchObject({ seq: report.seq, unitId: 'fsjd', actorName: '石刚', evidence: [{ sha256: SHA }] });
    const access = await timeline.evidenceAccess(SHA);
    expect([...access.tasks]).toEqual(['yc-lqstg-2018.k1']);
    expect([...access.uploaders]).toEqual(['p-fsjd-c']);
    expect([...(await timeline.evidenceAccess('b'.repeat(64))).uploaders]).toEqual(['p-fsjd-c']);
    expect(await timeline.forTask('yc-lqstg-2018.k2')).toEqual([]);
  });
});
