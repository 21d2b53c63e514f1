import { describe, expect, it } from 'vitest';
import { renderAnnualReport, type AnnualReportFacts } from '../../server/src/export/annual-report-page.js';

const facts = (over: Partial<AnnualReportFacts> = {}): AnnualReportFacts => ({
  unitName: '府山街道',
  year: 2019,
  district: '越城区',
  planTitle: '实施方案',
  asOf: '2019-06-20',
  today: '2019-06-20',
  sections: [
    {
      kind: 'key',
      number: 3,
      title: '任务<b>三</b>',
      role: '牵头单位',
      closed: false,
      rows: [
        {
          label: '年中督查报告',
          due: '2019-06-25',
          state: '未到期',
          reported: { on: '2019-06-20', text: '<script>alert("x")</script>&已完成' },
        },
      ],
    },
  ],
  assessment: undefined,
  noItems: false,
  openRectifications: [],
  noticeSheets: [{ number: '督办〔2019〕1号', level: '红色', items: 2, replyBy: '2019-06-25', answered: undefined }],
  instructions: [],
  exemptions: [],
  ...over,
});

describe('the annual report page', () => {
  it('escapes every text a unit wrote: a report is shown, never run', () => {
    const html = renderAnnualReport(facts());
    expect(html.startsWith('<!doctype html><html lang="zh-CN">')).toBe(true);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;已完成');
    expect(html).toContain('重点任务3 任务&lt;b&gt;三&lt;/b&gt;');
  });

  it('says why there is no score: not computed, or nothing was due', () => {
    expect(renderAnnualReport(facts())).toContain('本年度考评尚未计算。');
    expect(renderAnnualReport(facts({ noItems: true }))).toContain('本年度无考评事项');
  });

  it('lists open 整改 with their deadlines, or says there is none', () => {
    expect(renderAnnualReport(facts())).toContain('无未完成的整改事项。');
    const html = renderAnnualReport(facts({ openRectifications: [{ text: '补齐台账', due: '2019-07-05' }] }));
    expect(html).toContain('尚未完成的整改(1)');
    expect(html).toContain('补齐台账(整改期限 2019-07-05)');
  });
});

describe('the annual report’s 督办通知单', () => {
  it('lists each sheet the unit received with its answer, or says there was none', () => {
    const html = renderAnnualReport(facts());
    expect(html).toContain('督办通知单(1)');
    expect(html).toContain('<td>督办〔2019〕1号</td><td>红色</td><td class="num">2 项</td>');
    expect(html).toContain('<td class="s-未完成">未回复</td>');
    expect(renderAnnualReport(facts({ noticeSheets: [] }))).toContain('本年度未收到督办通知单。');
  });
});

describe('the annual report’s 批示件 and 容错免责', () => {
  it('lists the unit’s 批示件 and its claims when there are any, and leaves the sections out when not', () => {
    const html = renderAnnualReport(
      facts({
        instructions: [
          {
            label: '批示件1',
            title: '加装电梯',
            leader: '区长 钱建国',
            role: '牵头',
            due: '2019-03-27',
            state: '已办结',
          },
        ],
        exemptions: [{ about: '通报批评:未按期开展', ground: '先行先试、改革探索', state: '予以免责' }],
      }),
    );
    expect(html).toContain('领导批示件(1)');
    expect(html).toContain('<td>批示件1</td><td>加装电梯</td><td>区长 钱建国</td><td>牵头</td>');
    expect(html).toContain('通报批评:未按期开展(情形:先行先试、改革探索):予以免责');
    const none = renderAnnualReport(facts());
    expect(none).not.toContain('领导批示件(');
    expect(none).not.toContain('容错免责(');
  });
});
