import { describe, expect, it } from 'vitest';
import {
  namedItem,
  periodEnd,
  pickExtensionTarget,
  pickReportTarget,
  type ReportItem,
} from '../../shared/report-target.js';

const item = (id: string, kind: string, opensOn: string, due: string, label: string, period?: string): ReportItem => ({
  id,
  kind,
  ...(period ? { period } : {}),
  year: Number(due.slice(0, 4)),
  label,
  opensOn,
  due,
});

const Q1 = item('q1', 'progress', '2019-03-18', '2019-03-25', '第一季度进展', 'Q1');
const MID = item('mid', 'midYear', '2019-06-18', '2019-06-25', '年中督查报告');
const END = item('end', 'yearEnd', '2019-12-13', '2019-12-20', '年末自评报告');
const END18 = item('end18', 'yearEnd', '2018-12-13', '2018-12-20', '年末自评报告');
const PLAN = item('plan', 'prose', '2018-11-13', '2018-11-20', '组织制订重点任务专项工作计划', 'o1');
const URGE = item('urge', 'manual', '2019-04-02', '2019-04-12', '催办:请报送试点进展', 'h3');

describe('which item a report answers (#31 req 2)', () => {
  it('a plain note on 1 November 2018 does not fulfil the year-end report that opens in December', () => {
    expect(pickReportTarget([END18], '已完成试点申报', '2018-11-01')).toBeUndefined();
  });
  it('words that name 年中/年末 choose that item, the named year first', () => {
    expect(pickReportTarget([Q1, MID, END], '已完成2019年年中自查,报告已上传', '2019-06-14')?.id).toBe('mid');
    expect(pickReportTarget([END18, END], '2018年自评报告已报', '2019-01-08')?.id).toBe('end18');
    expect(pickReportTarget([END18, END], '全年工作总结已报', '2019-01-08')?.id).toBe('end18');
  });
  it('the current period’s progress item is the default while its period runs; after it, a free 进展', () => {
    expect(pickReportTarget([Q1, MID, END], '公职律师已选聘', '2019-03-20')?.id).toBe('q1');
    expect(pickReportTarget([Q1, MID, END], '公职律师已选聘', '2019-03-29')?.id).toBe('q1');
    expect(pickReportTarget([Q1, MID, END], '公职律师已选聘', '2019-04-10')).toBeUndefined();
    expect(pickReportTarget([Q1, MID, END], '补报一季度进展:已选聘', '2019-04-10')?.id).toBe('q1');
    expect(pickReportTarget([Q1, MID, END], '公职律师已选聘', '2019-02-20')).toBeUndefined();
  });
  it('an item whose own name the words carry; a 催办 that has opened', () => {
    expect(pickReportTarget([PLAN, END18], '已制定专项工作计划', '2018-11-01')?.id).toBe('plan');
    expect(pickReportTarget([MID, URGE], '试点进展如下', '2019-04-08')?.id).toBe('urge');
    expect(pickReportTarget([MID, URGE], '试点进展如下', '2019-03-29')).toBeUndefined();
  });
  it('reads quarters and months, and each period’s last day', () => {
    expect(namedItem('第三季度进展')).toEqual({ period: 'Q3' });
    expect(namedItem('11月份进展:无')).toEqual({ period: 'M11' });
    expect(periodEnd(Q1)).toBe('2019-03-31');
    expect(periodEnd({ period: 'M02', year: 2020, due: '2020-02-25' })).toBe('2020-02-29');
  });
  it('a 延期 takes the task’s own deadline, the only item, or asks', () => {
    const deadline = item('d', 'deadline', '2021-12-20', '2021-12-31', '完成时限(2021年底前完成)');
    expect(pickExtensionTarget([END18, MID, deadline])?.id).toBe('d');
    expect(pickExtensionTarget([MID])?.id).toBe('mid');
    expect(pickExtensionTarget([END18, MID, END])).toBeUndefined();
  });
});
