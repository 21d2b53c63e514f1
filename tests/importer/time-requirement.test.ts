import { describe, expect, it } from 'vitest';
import { findDateExpression } from '../../server/src/naming/date-expression.js';
import { deadlineInText, parseTimeRequirement } from '../../server/src/importer/time-requirement.js';

describe('time requirement → schedule rule', () => {
  it.each([
    ['每年推进', 'annual'],
    ['每年开展', 'annual'],
    ['逐年推进', 'annual'],
    ['持续推进', 'continuous'],
    ['定期开展', 'periodic'],
    ['每季度', 'periodic'],
    ['落实上级和区委部署', 'superior'],
    ['执行上级和区委规定', 'superior'],
    ['执行上级有关规定', 'superior'],
    ['适时实施', 'asNeeded'],
    ['根据实际需要制订', 'asNeeded'],
    ['实施制定', 'oneOff'],
  ])('%s → %s', (text, type) => {
    expect(parseTimeRequirement(text, 2018)).toEqual({ rule: { type, text, source: 'document' } });
  });

  it.each([
    ['2021年底前完成', '2021-12-31'],
    ['2019年6月底前', '2019-06-30'],
    ['2020年2月底前', '2020-02-29'],
    ['2018年11月中旬前', '2018-11-20'],
    ['2018年11月上旬前', '2018-11-10'],
    ['2019年3月下旬', '2019-03-31'],
    ['2020年上半年', '2020-06-30'],
    ['2020年下半年完成', '2020-12-31'],
    ['2019年第三季度', '2019-09-30'],
    ['2019年一季度前', '2019-03-31'],
    ['2019年3月15日前', '2019-03-15'],
    ['2019-06-30', '2019-06-30'],
    ['２０２１年底前完成', '2021-12-31'],
  ])('deadline %s → %s', (text, due) => {
    const { rule, warning } = parseTimeRequirement(text, 2018);
    expect(rule).toMatchObject({ type: 'deadline', due });
    expect(warning).toBeUndefined();
  });

  it('resolves a deadline without a year to the context year, and says so', () => {
    const { rule, warning } = parseTimeRequirement('年底前完成', 2019);
    expect(rule).toMatchObject({ type: 'deadline', due: '2019-12-31' });
    expect(warning).toContain('按2019年理解');
  });

  it('keeps unknown wording verbatim, flags it and treats it as annual', () => {
    expect(parseTimeRequirement('视工作进展而调整', 2018).rule).toEqual({
      type: 'annual',
      text: '视工作进展而调整',
      flagged: true,
      source: 'document',
    });
    expect(parseTimeRequirement('', 2018).rule).toMatchObject({ type: 'annual', flagged: true });
  });

  it('rejects impossible dates instead of inventing one', () => {
    expect(findDateExpression('2019年2月30日前')).toBeUndefined();
    expect(findDateExpression('2019年13月底前')).toBeUndefined();
  });
});

describe('a deadline written in the task’s own sentence', () => {
  it.each([
    ['2022年10月底前完成老旧小区改造', 2022, '2022-10-31'],
    ['新建公办幼儿园2所,9月投入使用', 2022, '2022-09-30'],
    ['5月底前动工,年底前建成主体工程', 2022, '2022-12-31'],
    ['上半年出台实施办法', 2023, '2023-06-30'],
    ['12月中旬前完成验收', 2021, '2021-12-20'],
    ['2023年3月15日前上线运行', 2022, '2023-03-15'],
  ])('%s → %s', (text, year, due) => {
    expect(deadlineInText(text, year)?.rule).toMatchObject({ type: 'deadline', due, source: 'document' });
  });

  it.each(['实现2022年预期目标', '推进2021年度重点项目建设', '完善一体化智能化公共数据平台', '全年举办培训12期'])(
    '%s → none (a date in passing, or none)',
    (text) => {
      expect(deadlineInText(text, 2022)).toBeUndefined();
    },
  );

  it('says when the year was assumed from the plan', () => {
    expect(deadlineInText('9月投入使用', 2016)!.warning).toContain('未写年份,按2016年理解');
    expect(deadlineInText('2016年9月投入使用', 2015)!.warning).not.toContain('未写年份');
  });
});

describe('milestones: the dated steps before a deadline', () => {
  it('in a task’s sentence: the latest date is the deadline, each earlier step an item in its own words', () => {
    expect(deadlineInText('5月底前动工建设城南小学,年底前完成主体工程', 2016)!.rule).toEqual({
      type: 'deadline',
      text: '年底前完成主体工程',
      due: '2016-12-31',
      source: 'document',
      milestones: [{ due: '2016-05-31', text: '5月底前动工建设城南小学' }],
    });
  });

  it('in a 完成时限 cell of several dates: the cell’s words kept, its steps as milestones', () => {
    expect(parseTimeRequirement('2023年6月底前完成方案,9月底前试点,12月底前全面推开', 2023)).toEqual({
      rule: {
        type: 'deadline',
        text: '2023年6月底前完成方案,9月底前试点,12月底前全面推开',
        due: '2023-12-31',
        source: 'document',
        milestones: [
          { due: '2023-06-30', text: '2023年6月底前完成方案' },
          { due: '2023-09-30', text: '9月底前' },
        ],
      },
    });
  });

  it('one date stays a plain deadline', () => {
    expect(parseTimeRequirement('2022年9月底', 2022).rule).toEqual({
      type: 'deadline',
      text: '2022年9月底',
      due: '2022-09-30',
      source: 'document',
    });
  });
});
