import { ASSESSMENT_RULE_NAME } from '../../../../shared/schemas/assessment.js';
import { Button, Card, Dialog, List, Popup, Tag, TextArea } from 'antd-mobile';
import { useState } from 'react';
import { api, type AssessmentData, type UnitAssessmentData } from '../../api/client';
import { Blank } from '../../components/Blank';
import { act, LoadState, useLoad } from '../../lib/load';
import { NavBar } from '../../components/NavBar';
import { useApp } from '../../context';
import { go, href } from '../../router';

const STATUS = { none: '未计算', draft: '草稿(仅督考办可见)', published: '已公布,申诉期中', final: '已定稿' } as const;
const RULE = ASSESSMENT_RULE_NAME;
const QUARTILE = ['', 'success', 'primary', 'warning', 'danger'] as const;

/** One unit's score and every line behind it; the unit appeals an item here. */
function UnitView({ year, unitId }: { year: number; unitId: string }) {
  const loaded = useLoad(() => api.unitAssessment(year, unitId), [year, unitId]);
  const { me } = useApp();
  const claims = me.can.includes('exemption.apply') && me.units.some((u) => u.id === unitId);
  const [appealing, setAppealing] = useState<string>();
  const [reason, setReason] = useState('');
  const data: UnitAssessmentData | undefined = loaded.data;
  if (!data) return <LoadState loaded={loaded} icon="📊" title="暂时不能查看" />;
  const submit = async () => {
    const after = await act(() => api.appeal(year, appealing!, reason), '申诉已提交,等督考办处理');
    if (!after) return;
    loaded.setData(after);
    setAppealing(undefined);
    setReason('');
  };
  return (
    <>
      <Card
        className="card"
        title={`${data.score.unitName} · ${year}年度考评`}
        extra={
          <Tag color={QUARTILE[data.score.quartile]}>
            {data.score.tied ? '并列' : ''}第 {data.score.rank} 名
          </Tag>
        }
      >
        <div className="score-big">{data.score.score}</div>
        <div className="muted">
          基础分 {data.base} 分,以下各项合计 {Math.round((data.score.raw - data.base) * 100) / 100} 分
          {data.score.raw !== data.score.score ? `(按封顶/保底计为 ${data.score.score} 分)` : ''}。
          {data.canAppeal && data.appealUntil ? `对某一项有异议,可在 ${data.appealUntil} 前申诉(每项一次)。` : ''}
        </div>
      </Card>
      <List className="score-lines">
        {data.lines.map((l, i) => (
          <List.Item
            key={`${l.obligationId ?? 'adj'}-${l.rule}-${i}`}
            description={
              <>
                <div>
                  {l.taskNumber ? `重点任务${l.taskNumber} · ` : ''}
                  {l.due ? `截止 ${l.due}` : ''}
                  {l.doneOn ? ` · 完成 ${l.doneOn}` : ''}
                </div>
                {l.exempted && (
                  <div className="decision decision-approved">
                    容错免责({l.exempted.ground}):扣分{l.exempted.points === 0 ? '取消' : `计为 ${l.exempted.points}`},
                    见 <a href={href.exemptions()}>{l.exempted.exemptionId}</a>
                  </div>
                )}
                {l.appeal && (
                  <div
                    className={`decision decision-${l.appeal.state === 'accepted' ? 'approved' : l.appeal.state === 'rejected' ? 'returned' : 'pending'}`}
                  >
                    申诉{l.appeal.state === 'pending' ? '待处理' : l.appeal.state === 'accepted' ? '已采纳' : '被驳回'}:
                    {l.appeal.reason}
                    {l.appeal.comment ? ` — 督考办:${l.appeal.comment}` : ''}
                  </div>
                )}
              </>
            }
            extra={
              <span className={l.effective < 0 ? 'num-red' : 'num-green'}>
                {l.effective > 0 ? '+' : ''}
                {l.effective}
                {l.effective !== l.points ? <s className="muted"> {l.points}</s> : null}
                {claims && data.status !== 'final' && l.obligationId && l.points < 0 && !l.exempted && (
                  <Button
                    size="mini"
                    fill="outline"
                    className="exempt-btn"
                    onClick={() => go(href.exemptions({ item: l.obligationId! }))}
                  >
                    容错免责
                  </Button>
                )}
                {data.canAppeal && l.obligationId && l.points < 0 && !l.appeal && (
                  <Button
                    size="mini"
                    fill="outline"
                    className="appeal-btn"
                    onClick={() => setAppealing(l.obligationId)}
                  >
                    申诉
                  </Button>
                )}
              </span>
            }
          >
            {RULE[l.rule]}:{l.label}
          </List.Item>
        ))}
      </List>
      <Popup visible={appealing !== undefined} onMaskClick={() => setAppealing(undefined)} bodyClassName="decide-sheet">
        <div className="sheet appeal">
          <div className="sheet-title">申诉:{data.lines.find((l) => l.obligationId === appealing)?.label}</div>
          <TextArea
            placeholder="申诉理由(必填),如报送时间、报送方式、可核实的材料"
            value={reason}
            onChange={setReason}
            rows={4}
            maxLength={1000}
            showCount
          />
          <div className="row">
            <Button onClick={() => setAppealing(undefined)}>取消</Button>
            <Button color="primary" disabled={reason.trim().length < 2} onClick={() => void submit()}>
              提交申诉
            </Button>
          </div>
        </div>
      </Popup>
    </>
  );
}

/** 年度考评: the rules in words, the ranking, and the 督考办's steps (计算 → 公布 → 定稿). */
export default function Assessment({ year, unitId }: { year: number; unitId?: string }) {
  if (unitId) return <UnitPage year={year} unitId={unitId} />;
  return <Ranking year={year} />;
}

/** A unit's own page: its score, the lines behind it, and its printable annual report. */
function UnitPage({ year, unitId }: { year: number; unitId: string }) {
  return (
    <div className="page wide">
      <NavBar title={`${year}年度考评`} />
      <UnitView year={year} unitId={unitId} />
      <div className="ack-all">
        <Button
          block
          fill="outline"
          onClick={() =>
            void act(() =>
              api.download(
                `/api/reports/annual?year=${year}&unitId=${encodeURIComponent(unitId)}`,
                `年度报告-${year}.html`,
              ),
            )
          }
        >
          年度落实情况报告(可打印)
        </Button>
      </div>
      <div className="footer-space" />
    </div>
  );
}

/** The district's ranking, the rules in words and the 督考办's steps. */
function Ranking({ year }: { year: number }) {
  const { me } = useApp();
  const loaded = useLoad(() => api.assessment(year), [year]);
  const data: AssessmentData | undefined = loaded.data;
  const setData = loaded.setData;
  const manage = me.can.includes('assessment.manage');
  const step = async (s: 'compute' | 'publish' | 'finalize', confirm?: string) => {
    if (confirm && !(await Dialog.confirm({ content: confirm, confirmText: '确定', cancelText: '取消' }))) return;
    const after = await act(
      () => api.assessmentStep(year, s),
      { compute: '已计算草稿', publish: '已公布,已通知各单位', finalize: '已定稿' }[s],
    );
    if (after) setData(after);
  };
  const decide = async (id: string, decision: 'accept' | 'reject') => {
    let comment = '';
    const ok = await Dialog.confirm({
      title: decision === 'accept' ? '采纳申诉:扣分取消' : '驳回申诉',
      content: (
        <TextArea
          placeholder={decision === 'accept' ? '意见(选填)' : '驳回理由(必填)'}
          onChange={(v) => (comment = v)}
          rows={3}
        />
      ),
      confirmText: '确定',
      cancelText: '取消',
    });
    if (!ok) return;
    const after = await act(
      () => api.decideAppeal(year, id, decision, comment.trim() || undefined),
      decision === 'accept' ? '已采纳,得分已重算' : '已驳回',
    );
    if (after) setData(after);
  };
  return (
    <div className="page wide">
      <NavBar title={`${year}年度考评`} />
      <LoadState loaded={loaded} />
      {data && (
        <>
          <Card
            className="card"
            title={`${year}年度考评 · ${STATUS[data.status]}`}
            extra={data.appeals.pending ? <Tag color="warning">{data.appeals.pending} 份申诉待处理</Tag> : undefined}
          >
            {manage && (
              <div className="row">
                {(data.status === 'none' || data.status === 'draft') && (
                  <Button onClick={() => void step('compute')}>{data.status === 'none' ? '计算' : '重新计算'}</Button>
                )}
                {data.status === 'draft' && (
                  <Button
                    color="primary"
                    onClick={() =>
                      void step('publish', '公布后各单位会收到得分通知并可申诉,草稿不能再重新计算。确定公布?')
                    }
                  >
                    公布
                  </Button>
                )}
                {data.status === 'published' && (
                  <Button
                    color="primary"
                    onClick={() => void step('finalize', '定稿后得分不再改变(之后只能记录更正)。确定定稿?')}
                  >
                    定稿
                  </Button>
                )}
              </div>
            )}
            <details className="rules">
              <summary>考评规则</summary>
              <ol>
                {data.rules.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ol>
            </details>
          </Card>
          {manage && data.pendingAppeals.length > 0 && (
            <List header={`待处理的申诉(${data.pendingAppeals.length})`} className="appeals">
              {data.pendingAppeals.map((a) => (
                <List.Item
                  key={a.id}
                  description={`${a.label}(${a.points} 分):${a.reason}`}
                  extra={
                    <span className="row">
                      <Button size="mini" color="primary" onClick={() => void decide(a.id, 'accept')}>
                        采纳
                      </Button>
                      <Button size="mini" color="danger" fill="outline" onClick={() => void decide(a.id, 'reject')}>
                        驳回
                      </Button>
                    </span>
                  }
                >
                  {a.unitName}
                </List.Item>
              ))}
            </List>
          )}
          {data.scores.length === 0 && (
            <Blank
              icon="📊"
              title="暂无得分"
              description={manage ? '点"计算"生成草稿。' : '考评结果公布后可在这里查看。'}
            />
          )}
          {data.scores.length > 0 && (
            <List header="排名(颜色为四分位:绿、蓝、橙、红;同分并列)" className="ranking">
              {data.scores.map((s) => (
                <List.Item
                  key={s.unitId}
                  prefix={<Tag color={QUARTILE[s.quartile]}>{s.tied ? `并列${s.rank}` : s.rank}</Tag>}
                  extra={<b>{s.score}</b>}
                  onClick={() => go(href.assessment(year, s.unitId))}
                  description={`${s.parts} 项分工`}
                >
                  {s.unitName}
                </List.Item>
              ))}
            </List>
          )}
        </>
      )}
      <div className="footer-space" />
    </div>
  );
}
