import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../server/src/bot/command-parser.js';

describe('bot command parser', () => {
  it.each([
    ['帮助', { kind: 'help' }],
    ['？', { kind: 'help' }],
    ['我的任务', { kind: 'myTasks' }],
    ['收到 8', { kind: 'ack', task: 8 }],
    ['收到８', { kind: 'ack', task: 8 }],
    ['确认  第十一项', { kind: 'ack', task: 11 }],
    ['签收:第8项', { kind: 'ack', task: 8 }],
    ['收到 8 区府办', { kind: 'ack', task: 8, unit: '区府办' }],
    ['全部收到', { kind: 'ackAll' }],
    ['进展 11 已完成试点申报', { kind: 'progress', task: 11, text: '已完成试点申报' }],
    ['进展１１：已完成试点申报，正在评审', { kind: 'progress', task: 11, text: '已完成试点申报,正在评审' }],
    ['进展 重点任务二十二 已召开联席会议', { kind: 'progress', task: 22, text: '已召开联席会议' }],
    ['无变化 22', { kind: 'noChange', task: 22 }],
    ['完成 29 已全面完成基层政务公开标准化', { kind: 'complete', task: 29, text: '已全面完成基层政务公开标准化' }],
    ['延期 8 6月30日 等待上级批复', { kind: 'extend', task: 8, dateText: '6月30日', reason: '等待上级批复' }],
    ['延期 8 2026-06-30 人手不足', { kind: 'extend', task: 8, dateText: '2026-06-30', reason: '人手不足' }],
    ['延期 8 下周五 等待批复', { kind: 'extend', task: 8, dateText: '下周五', reason: '等待批复' }],
    ['延期 8 本月底 等待批复', { kind: 'extend', task: 8, dateText: '本月底', reason: '等待批复' }],
    ['延期 8 下月底 等待批复', { kind: 'extend', task: 8, dateText: '下月底', reason: '等待批复' }],
    ['延期 8 年底 等待批复', { kind: 'extend', task: 8, dateText: '年底', reason: '等待批复' }],
    ['详情 22', { kind: 'detail', task: 22 }],
    ['@督办通 我的任务', { kind: 'myTasks' }],
  ])('%s', (input, expected) => {
    expect(parseCommand(input)).toEqual(expected);
  });

  it('asks back instead of guessing when something is missing', () => {
    expect(parseCommand('进展 11')).toMatchObject({
      kind: 'incomplete',
      hint: expect.stringContaining('进展 11 已完成试点申报'),
    });
    expect(parseCommand('延期 8')).toMatchObject({ kind: 'incomplete', command: '延期' });
    // 收到 with no (valid) task asks which, with buttons (#32)
    expect(parseCommand('收到 0')).toMatchObject({ kind: 'ackWhich' });
    expect(parseCommand('今天天气不错')).toEqual({ kind: 'unknown', text: '今天天气不错' });
  });

  it('survives 10,000 random and adversarial inputs without throwing', () => {
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const pieces = [
      '收到',
      '进展',
      '延期',
      '完成',
      '详情',
      '无变化',
      '全部收到',
      '第',
      '项',
      '十',
      '一',
      '8',
      '１１',
      ' ',
      ':',
      '：',
      ',',
      '<script>alert(1)</script>',
      "'; DROP TABLE ledger;--",
      '😀',
      '👍🏻',
      '\u0000',
      '\u202e',
      '\n',
      '\t',
      '𠮷',
      '%s%n',
      '../../etc/passwd',
      '${7*7}',
      '月底',
      '6月30日',
      '\\',
    ];
    const inputs: string[] = [
      '',
      ' ',
      'x'.repeat(20_000),
      '进展 8 ' + '长'.repeat(20_000),
      '\u0000'.repeat(1000),
      '😀'.repeat(5000),
    ];
    while (inputs.length < 10_000) {
      const n = Math.floor(rnd() * 12);
      let s = '';
      for (let i = 0; i < n; i += 1)
        s += rnd() < 0.7 ? pieces[Math.floor(rnd() * pieces.length)] : String.fromCharCode(Math.floor(rnd() * 0xffff));
      inputs.push(s);
    }
    const kinds = new Set([
      'help',
      'myTasks',
      'ack',
      'ackAll',
      'progress',
      'noChange',
      'complete',
      'extend',
      'detail',
      'incomplete',
      'unknown',
      'ackMany',
      'ackWhich',
      'whichTask',
      'withdraw',
    ]);
    for (const input of inputs) {
      const c = parseCommand(input);
      expect(kinds.has(c.kind)).toBe(true);
      if (c.kind === 'unknown') expect(c.text.length).toBeLessThanOrEqual(200);
      if (c.kind === 'progress') expect(c.text.length).toBeLessThanOrEqual(4000);
    }
  });
});
