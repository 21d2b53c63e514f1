import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildApp } from '../../server/src/app.js';
import { consoleLog, jsonLog, shanghaiStamp } from '../../server/src/log.js';
import { seededApp } from '../helpers/test-app.js';

describe('the console log', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stamps lines in Asia/Shanghai, and in local mode with the simulated date', () => {
    expect(shanghaiStamp(Date.parse('2026-11-29T16:17:54.630Z'))).toBe('2026-11-30 00:17:54.630+08:00');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((m: string) => void lines.push(m));
    // the simulated clock as main builds it: not positioned until the store is open
    const sim = { positioned: false, now: () => new Date('2018-11-01T01:00:00Z') };
    const log = consoleLog('info', { sim });
    log.info('启动中');
    sim.positioned = true;
    log.info('2018-11-01 周四:已安排 46 条提醒、46 条待办');
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+08:00 INFO {2}启动中$/);
    expect(lines[1]).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+08:00 \[模拟 2018-11-01\] INFO {2}2018-11-01 周四/,
    );
  });
});

describe('structured logs (DUBAN_LOG_FORMAT=json)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('writes one JSON object per line: time, level, message, the simulated date', () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const log = jsonLog('info', { sim: { positioned: true, now: () => new Date('2018-11-01T01:00:00Z') } });
    log.info('2018-11-01 周四:已安排 46 条提醒');
    log.warn('没有 2019 年的节假日数据');
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([
      {
        time: expect.stringMatching(/\+08:00$/),
        level: 'info',
        msg: '2018-11-01 周四:已安排 46 条提醒',
        sim: '2018-11-01',
      },
      { time: expect.any(String), level: 'warn', msg: '没有 2019 年的节假日数据', sim: '2018-11-01' },
    ]);
  });

  it('logs each request (its id and url when it comes, its status and time when done, who acted and their units) — never what they sent', async () => {
    const t = await seededApp();
    const lines: string[] = [];
    const app = await buildApp(t.deps, {
      ...t.appOptions,
      logger: { level: 'info', stream: { write: (l: string) => void lines.push(l) } },
    });
    const secret = '本季度已完成试点申报,联系人手机13800000000';
    const r = await app.inject({
      method: 'POST',
      url: '/api/assignments/yc-lqstg-2018.k1.fsjd/reports',
      headers: { authorization: `Bearer ${t.token('p-fsjd-c')}` },
      payload: { text: secret },
    });
    expect(r.statusCode).toBe(200);
    const done = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'request completed')!;
    expect(done).toMatchObject({
      reqId: expect.any(String),
      person: 'p-fsjd-c',
      units: ['fsjd'],
      res: { statusCode: 200 },
      responseTime: expect.any(Number),
    });
    expect(lines.join('\n')).not.toContain('13800000000');
    await app.close();
    await t.close();
  });
});
