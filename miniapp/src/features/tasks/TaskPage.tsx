import { Button, Card, Ellipsis, Tag } from 'antd-mobile';
import { UnitsCard } from './UnitsCard';
import { ChainCard } from './ChainCard';
import { PullToRefresh } from '../../components/PullToRefresh';
import { useState } from 'react';
import { api, type TaskOverview } from '../../api/client';
import { LightDot } from '../../components/Light';
import { LoadState, useLoad } from '../../lib/load';
import { NavBar } from '../../components/NavBar';
import { Timeline } from './Timeline';
import { useAcknowledge } from './useAcknowledge';
import { go, href } from '../../router';
import { cnDate as cn, taskName } from '../../format';

type Mine = TaskOverview['mine'][number];
const STATUS = { done: '已完成', open: '待办', notYet: '未到时间' } as const;

function UnitCard({
  m,
  taskId,
  today,
  roleName,
  onAck,
}: {
  m: Mine;
  taskId: string;
  today: string;
  roleName: string;
  onAck: (m: Mine) => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <Card
      className="card mine"
      title={
        <span>
          {m.unit.name} <Tag color={roleName === '牵头单位' ? 'danger' : 'default'}>{roleName.replace('单位', '')}</Tag>
        </span>
      }
      extra={
        m.closed ? (
          <Tag color="success">已办结</Tag>
        ) : m.acknowledged === 'done' ? (
          <Tag color="success">已签收</Tag>
        ) : m.acknowledged === 'open' ? (
          <Tag color="warning">未签收</Tag>
        ) : undefined
      }
    >
      {m.closed && <div className="closed">督考办已同意办结,本单位这项任务不再提醒。</div>}
      {m.decisions.map((d) => (
        <div key={d.id} className={`decision decision-${d.state}`}>
          <b>{d.label}</b>:{d.result}
          {d.comment && <div>督考办意见:{d.comment}</div>}
        </div>
      ))}
      {m.pending.closure && <div className="pending">办结申请待督考办审核</div>}
      {m.pending.extensionUntil && <div className="pending">延期申请(至 {m.pending.extensionUntil})待督考办审核</div>}
      <ul className="obligations">
        {m.obligations.map((o) => (
          <li key={o.obligationId} className={`ob ob-${o.status}`}>
            {o.light ? <LightDot light={o.light} /> : <span className={`dot dot-${o.status}`} />}
            <span className="ob-label">{o.label}</span>
            <span className="muted ob-due">
              {o.status === 'open' && o.reason ? o.reason : `${cn(o.due, today)}截止 · ${STATUS[o.status]}`}
            </span>
          </li>
        ))}
      </ul>
      {m.canAct && !m.closed && (
        <div className="actions">
          {m.acknowledged === 'open' && (
            <Button
              block
              color="primary"
              size="large"
              loading={busy}
              onClick={async () => {
                setBusy(true);
                await onAck(m).finally(() => setBusy(false));
              }}
            >
              签收
            </Button>
          )}
          <Button
            block
            color={m.acknowledged === 'open' ? 'default' : 'primary'}
            size="large"
            onClick={() => go(href.act(taskId, m.assignmentId, 'report'))}
          >
            填报进展
          </Button>
          <div className="row">
            <Button fill="outline" onClick={() => go(href.act(taskId, m.assignmentId, 'closure'))}>
              申请办结
            </Button>
            <Button fill="outline" onClick={() => go(href.act(taskId, m.assignmentId, 'extension'))}>
              申请延期
            </Button>
          </div>
        </div>
      )}
    </Card>
  );
}

/** 任务详情: the task, my units' part in it, and its timeline. */
export default function TaskPage({ taskId }: { taskId: string }) {
  const loaded = useLoad(() => api.overview(taskId), [taskId]);
  const { data, reload: load } = loaded;

  const { acknowledge, bar } = useAcknowledge(load);
  const onAck = (m: Mine) => acknowledge(m.assignmentId, `${m.unit.name} 已签收`);

  const t = data?.task;
  const title = t ? taskName(t) : '任务详情';
  if (!data || !t)
    return (
      <div className="page">
        <NavBar title="任务详情" />
        <LoadState loaded={loaded}>
          <Button color="primary" onClick={() => go(href.my(), true)}>
            回到我的任务
          </Button>
        </LoadState>
      </div>
    );
  const named = t.assignments.filter((a) => a.status === 'active' || a.status === 'closed');
  const leads = named.filter((a) => a.role === 'lead');
  const cos = named.filter((a) => a.role === 'co');
  const placeholders = t.assignments.filter((a) => a.status === 'toDesignate');
  // no △ in the plan: each unit acts on its own (责任单位), none leads
  const leadName = leads[0]?.roleName ?? '牵头单位';
  return (
    <div className="page">
      <NavBar title={title} />
      <PullToRefresh onRefresh={load}>
        <Card className="card task">
          <div className="task-no">
            {title}
            {data.section && (
              <span className="muted">
                {' '}
                · {data.section.label}
                {data.section.title}
              </span>
            )}
          </div>
          <h2 className="task-title">{t.title}</h2>
          {t.body && t.body.replace(/[。.]$/, '') !== t.title && (
            <Ellipsis className="task-body" content={t.body} rows={3} expandText="展开" collapseText="收起" />
          )}
          {data.measure && (
            <div className="meta">
              所属主要任务:{data.measure.number}. {data.measure.title}
            </div>
          )}
          {t.upper && (
            <div className="meta upper">
              上级交办:{t.upper.orgName} {t.upper.label}(办理情况经本级督考办审核后报送{t.upper.orgName})
            </div>
          )}
          <div className="meta">时间要求:{t.schedule.text || '每年推进'}</div>
          {leads.length > 0 && (
            <div className="meta units">
              {leadName}:
              {leads.slice(0, 8).map((a) => (
                <Tag key={a.id} color={leadName === '牵头单位' ? 'danger' : 'primary'} fill="outline">
                  {a.unitName}
                </Tag>
              ))}
              {leads.length > 8 && <span className="muted">等 {leads.length} 个</span>}
            </div>
          )}
          {placeholders.length > 0 && (
            <div className="meta placeholder">
              待明确:{placeholders.map((a) => a.unitName).join('、')}(尚未明确具体责任单位,暂无人负责)
            </div>
          )}
          {cos.length > 0 && (
            <Ellipsis
              className="meta"
              content={`配合单位:${cos.map((a) => a.unitName).join('、')}`}
              rows={2}
              expandText="展开"
              collapseText="收起"
            />
          )}
        </Card>
        {data.mine.map((m) => (
          <UnitCard
            today={data.today}
            key={m.assignmentId}
            m={m}
            taskId={taskId}
            roleName={
              t.assignments.find((a) => a.id === m.assignmentId)?.roleName ??
              (m.role === 'lead' ? '牵头单位' : '配合单位')
            }
            onAck={onAck}
          />
        ))}
        <UnitsCard taskId={taskId} today={data.today} onChanged={load} />
        <ChainCard taskId={taskId} />
        <Card className="card" title="办理记录">
          <Timeline entries={data.timeline} />
          {data.timelineTotal > data.timeline.length && (
            <div className="muted pad">
              仅显示最近 {data.timeline.length} 条(共 {data.timelineTotal} 条),完整记录见台账。
            </div>
          )}
        </Card>
        <div className="footer-space" />
      </PullToRefresh>
      {bar}
    </div>
  );
}
