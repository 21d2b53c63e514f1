import { afterEach, describe, expect, it, vi } from 'vitest';
import { consoleLog, shanghaiStamp } from '../../server/src/log.js';

describe('the console log', () => {
  afterEach(() => vi.restoreAllMocks());

  it('stamps lines in Asia/Shanghai, and in local mode with the simulated date', () => {
    expect(shanghaiStamp(Date.parse('2026-11-29T16:17:54.630Z'))).toBe('2026-11-30 00:17:54.630+08:00');
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((m: string) => void lines.push(m));
    const context: { simNow?: () => Date } = {};
    const log = consoleLog('info', context);
    log.info('启动中');
    context.simNow = () => new Date('2018-11-01T01:00:00Z');
    log.info('2018-11-01 周四:已安排 46 条提醒、46 条待办');
    expect(lines[0]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+08:00 INFO {2}启动中$/);
    expect(lines[1]).toMatch(
      /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\+08:00 \[模拟 2018-11-01\] INFO {2}2018-11-01 周四/,
    );
  });
});
