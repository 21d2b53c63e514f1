import { Card, List, NoticeBar } from 'antd-mobile';
import { OrgSwitch } from '../../components/OrgSwitch';
import { OrgsCard } from './OrgsCard';
import { api, type OverviewData } from '../../api/client';
import { act, LoadState, useLoad } from '../../lib/load';
import { NavBar } from '../../components/NavBar';
import { PullToRefresh } from '../../components/PullToRefresh';
import { useApp } from '../../context';
import { cnDate as cn } from '../../format';
import { go, href } from '../../router';
import { isDistrictLeader } from '../../roles';

type Counts = { red: number; yellow: number; green: number };
const total = (c: Counts) => c.red + c.yellow + c.green;

/** One stacked bar: the share of red, yellow and green parts. */
function LightBar({ c }: { c: Counts }) {
  const n = Math.max(1, total(c));
  return (
    <div className="lightbar" role="img" aria-label={`逾期 ${c.red},即将到期 ${c.yellow},正常 ${c.green}`}>
      {(['red', 'yellow', 'green'] as const).map((k) =>
        c[k] > 0 ? <span key={k} className={`seg seg-${k}`} style={{ width: `${(100 * c[k]) / n}%` }} /> : null,
      )}
    </div>
  );
}

/** The red count over the year, day by day (the history the day's plan records). */
function Trend({ history }: { history: OverviewData['history'] }) {
  if (history.length < 2) return <div className="muted">每个工作日记录一次,满两天后显示趋势。</div>;
  const w = 600;
  const h = 80;
  const max = Math.max(1, ...history.map((x) => x.red + x.yellow));
  const pts = (k: (x: Counts) => number) =>
    history
      .map((x, i) => `${((i / (history.length - 1)) * w).toFixed(1)},${(h - (k(x) / max) * (h - 4)).toFixed(1)}`)
      .join(' ');
  return (
    <div>
      <svg
        className="trend"
        viewBox={`0 0 ${w} ${h}`}
        preserveAspectRatio="none"
        role="img"
        aria-label="逾期与即将到期的变化"
      >
        <polyline points={pts((x) => x.red + x.yellow)} className="trend-yellow" />
        <polyline points={pts((x) => x.red)} className="trend-red" />
      </svg>
      <div className="trend-axis muted">
        <span>{cn(history[0]!.date)}</span>
        <span>
          <i className="dot dot-red" /> 逾期 <i className="dot dot-yellow" /> 逾期+即将到期
        </span>
        <span>{cn(history[history.length - 1]!.date)}</span>
      </div>
    </div>
  );
}

/**
 * 督办总览: the district (or a unit leader's units) at a glance — parts by light, what waits for
 * review, placeholders to name, and the rows by section and by unit, each opening the list it counts.
 */
export default function Office() {
  const { me } = useApp();
  const loaded = useLoad(() => api.districtOverview(), []);
  const { data, reload: load } = loaded;
  const actsForUnits = me.can.includes('unit.act');
  const reviews = me.can.includes('review.read');
  // a district leader lands here; their own unit's items are one tap away
  const mine = isDistrictLeader(me) && me.units.length > 0 && actsForUnits;

  return (
    <div className="page wide">
      <NavBar
        title="督办总览"
        onBack={actsForUnits ? undefined : false}
        right={
          <a className="nav-link" href={href.list()}>
            任务清单
          </a>
        }
      />
      <PullToRefresh onRefresh={load}>
        <LoadState loaded={loaded} pull />
        {data && (
          <>
            {data.ended && (
              <NoticeBar
                className="ended-bar"
                color="info"
                wrap
                content={`实施方案已于 ${cn(data.ended, data.today)}结束,不再提醒和督办。以下为截至结束时的最终结果;台账和年度报告仍可导出。`}
              />
            )}
            <div className="summary">
              <div className="who">
                <strong>{me.name}</strong>
                <span className="muted">
                  {data.scope === 'district' ? '全区' : me.units.map((u) => u.name).join('、')} · {data.year}年 ·{' '}
                  {cn(data.today)}
                </span>
                <OrgSwitch />
              </div>
              <div className="counts">
                <a className="count red" href={href.parts({ light: 'red', title: '全部逾期' })}>
                  <b>{data.lights.red}</b>逾期
                </a>
                <a className="count yellow" href={href.parts({ light: 'yellow', title: '全部即将到期' })}>
                  <b>{data.lights.yellow}</b>即将到期
                </a>
                <a className="count green" href={href.parts({ light: 'green', title: '全部正常' })}>
                  <b>{data.lights.green}</b>正常
                </a>
                <span className="next">
                  共 {total(data.lights)} 项分工{data.recovered ? ` · ${data.recovered} 项已恢复` : ''}
                  {data.closed ? ` · ${data.closed} 项已办结` : ''}
                </span>
              </div>
            </div>
            <div className="office-grid">
              <div>
                <OrgsCard />
                {(reviews || mine || data.placeholders.tasks > 0) && (
                  <List className="todo-list" header="待办">
                    {mine && (
                      <List.Item onClick={() => go(href.mine())} description={me.units.map((u) => u.name).join('、')}>
                        本单位事项
                      </List.Item>
                    )}
                    <List.Item
                      onClick={() => go(href.assessment(Number(data.today.slice(0, 4)) - 1))}
                      description={
                        me.can.includes('assessment.manage')
                          ? '年度考评:计算、公布、申诉、定稿'
                          : '年度考评:查看各单位得分和排名(只读)'
                      }
                    >
                      考评
                    </List.Item>
                    <List.Item
                      onClick={() => go(href.bulletins())}
                      description={
                        me.can.includes('bulletin.issue')
                          ? '通报表扬、通报批评(整改)、约谈'
                          : '查看通报表扬、通报批评与整改情况(只读)'
                      }
                    >
                      通报与整改
                    </List.Item>
                    <List.Item
                      onClick={() => go(href.instructions())}
                      description={
                        me.can.includes('instruction.register')
                          ? '登记领导批示,跟踪签收、进展、办结,办结后反馈领导'
                          : '领导批示件办理情况'
                      }
                    >
                      领导批示件
                    </List.Item>
                    <List.Item
                      onClick={() => go(href.sheets())}
                      description={
                        me.can.includes('sheet.issue')
                          ? '督办通知单:发出、签收回执、回复与逾期升级'
                          : '查看督办通知单及回复情况(只读)'
                      }
                    >
                      督办通知单
                    </List.Item>
                    {me.can.includes('evaluation.read') && (
                      <List.Item
                        onClick={() => go(href.evaluations())}
                        description={
                          me.can.includes('evaluation.record')
                            ? '记录评估发现、二次评估、导入公众满意度'
                            : '组织第三方评估,查看评估发现、整改和满意度'
                        }
                      >
                        第三方评估
                      </List.Item>
                    )}
                    <List.Item
                      onClick={() => go(href.pilots())}
                      description={
                        me.can.includes('pilot.review')
                          ? '试点示范、典型经验审阅、越城样本、经验汇编'
                          : '试点示范与典型经验'
                      }
                    >
                      试点示范
                    </List.Item>
                    <List.Item
                      onClick={() => go(href.exemptions())}
                      description={
                        me.can.includes('exemption.decide')
                          ? '容错免责:审核单位申请,检索案例库'
                          : '容错免责申请与案例库'
                      }
                    >
                      容错免责
                    </List.Item>
                    {me.can.includes('orgs.manage') && (
                      <List.Item
                        onClick={() => go(href.orgs())}
                        description="本部署的市、区(县)、镇街和部门;登记下级组织"
                      >
                        组织管理
                      </List.Item>
                    )}
                    {me.can.includes('calendar.manage') && (
                      <List.Item
                        onClick={() => go(href.calendar())}
                        description="各年度放假安排;粘贴国务院通知补充新的一年"
                      >
                        工作日历
                      </List.Item>
                    )}
                    {me.can.includes('plan.import') && (
                      <List.Item
                        onClick={() => go(href.importPlan())}
                        description="上传 Word、PDF、Excel 或文本,核对、更正后导入"
                      >
                        导入计划
                      </List.Item>
                    )}
                    <List.Item
                      onClick={() => {
                        const year = Number(data.today.slice(0, 4));
                        void act(() => api.download(`/api/exports/ledger.xlsx?year=${year}`, `督办台账-${year}.xlsx`));
                      }}
                      description="总表、一事一档、一单位一档(Excel)"
                    >
                      导出本年度台账
                    </List.Item>
                    {me.can.includes('supervision.read') && (
                      <List.Item
                        onClick={() => go(href.rounds())}
                        description={
                          me.can.includes('supervision.manage')
                            ? '年中、年末督查:发起、跟踪报送、催办'
                            : '查看督查及各单位报送情况(只读)'
                        }
                      >
                        督查
                      </List.Item>
                    )}
                    {reviews && (
                      <List.Item
                        onClick={() => go(href.reviews())}
                        extra={<b className={data.reviews.total ? 'badge' : 'muted'}>{data.reviews.total}</b>}
                        description={`进展报告 ${data.reviews.report} · 办结 ${data.reviews.closure} · 延期 ${data.reviews.extension}`}
                      >
                        待审核
                      </List.Item>
                    )}
                    {data.placeholders.tasks > 0 && (
                      <List.Item
                        onClick={() => go(href.list({ toDesignate: true }))}
                        extra={<b className="badge">{data.placeholders.tasks}</b>}
                        description={`${data.placeholders.assignments} 处"区级有关部门"等尚未明确责任单位,不会提醒任何人`}
                      >
                        待明确责任单位的任务
                      </List.Item>
                    )}
                  </List>
                )}
                <Card className="card" title="按工程">
                  {data.sections.map((s) => (
                    <a
                      key={s.sectionId}
                      className="row-link"
                      href={href.parts({ sectionId: s.sectionId, title: `${s.label}${s.title}` })}
                    >
                      <div className="row-head">
                        <span className="ellipsis">
                          {s.label}
                          {s.title}
                        </span>
                        <span className="muted">
                          <span className="num-red">{s.red}</span> / <span className="num-yellow">{s.yellow}</span> /{' '}
                          {s.green}
                        </span>
                      </div>
                      <LightBar c={s} />
                    </a>
                  ))}
                </Card>
                {data.scope === 'district' && (
                  <Card
                    className="card"
                    title="全年趋势"
                    extra={
                      <a className="nav-link" href={href.board()}>
                        领导看板(图表) ›
                      </a>
                    }
                  >
                    <Trend history={data.history} />
                  </Card>
                )}
              </div>
              <Card className="card" title="按单位(逾期多的在前)">
                {data.units.map((u) => (
                  <a key={u.unitId} className="row-link" href={href.parts({ unitId: u.unitId, title: u.unitName })}>
                    <div className="row-head">
                      <span className="ellipsis">{u.unitName}</span>
                      <span className="muted">
                        {u.red > 0 && <span className="num-red">逾期 {u.red} </span>}
                        {u.yellow > 0 && <span className="num-yellow">即将到期 {u.yellow} </span>}共 {total(u)}
                      </span>
                    </div>
                    <LightBar c={u} />
                  </a>
                ))}
              </Card>
            </div>
            <div className="footer-space" />
          </>
        )}
      </PullToRefresh>
    </div>
  );
}
