import { Button, Card, Popup, Tabs, Tag, TextArea } from 'antd-mobile';
import { useState } from 'react';
import { api, type Review } from '../../api/client';
import { Blank } from '../../components/Blank';
import { act, LoadState, refuse, useLoad } from '../../lib/load';
import { NavBar } from '../../components/NavBar';
import { PullToRefresh } from '../../components/PullToRefresh';
import { useApp } from '../../context';
import { cnDate as cn, taskName } from '../../format';
import { go, href } from '../../router';

const KIND: Record<Review['kind'], { name: string; color: string; yes: string; no: string }> = {
  report: { name: '进展报告', color: 'primary', yes: '通过', no: '退回' },
  closure: { name: '办结申请', color: 'success', yes: '同意办结', no: '不同意' },
  extension: { name: '延期申请', color: 'warning', yes: '同意延期', no: '不同意' },
};
const STATUS: Record<Review['status'], string> = {
  leaderPending: '待分管领导确认',
  pending: '待审核',
  approved: '已通过',
  returned: '已退回',
  withdrawn: '已撤回',
};

function ReviewCard({
  r,
  today,
  canDecide,
  leader,
  onDecide,
}: {
  r: Review;
  today: string;
  canDecide: boolean;
  leader: boolean;
  onDecide: (r: Review, d: 'approve' | 'return') => void;
}) {
  const k = leader ? { ...KIND[r.kind], yes: '确认报送', no: '退回' } : KIND[r.kind];
  return (
    <Card
      className="card review"
      title={
        <span>
          <Tag color={k.color}>{k.name}</Tag> {r.unit.name}
        </span>
      }
      extra={<span className="muted">{cn(r.submittedAt.slice(0, 10), today)}提交</span>}
    >
      <a className="task-no" href={href.task(r.taskId)}>
        {taskName(r.task)} {r.task.title}
      </a>
      <div className="meta">
        {r.items.map((i) => (
          <div key={i.obligationId}>
            事项:{i.label}(截止 {cn(i.due, today)})
            {r.late && (
              <Tag color="danger" fill="outline">
                逾期提交
              </Tag>
            )}
          </div>
        ))}
        {r.kind === 'extension' && r.until && (
          <div>
            申请延至 <b>{cn(r.until, today)}</b>(原截止 {r.previousDue ? cn(r.previousDue, today) : '—'})
          </div>
        )}
        <div className="muted">
          {r.requester.name ?? r.requester.id} · {r.channel === 'bot' ? '机器人' : '督办通'}
        </div>
      </div>
      {r.text && <div className="tl-text">{r.text}</div>}
      {r.evidence.length > 0 && (
        <div className="evidence">
          {r.evidence.map((e) => (
            <a key={e.sha256} className="doc" href={e.url} target="_blank" rel="noreferrer">
              📎 {e.name}
            </a>
          ))}
        </div>
      )}
      {r.status === 'pending' || r.status === 'leaderPending' ? (
        canDecide && (
          <div className="row decide">
            <Button color="primary" onClick={() => onDecide(r, 'approve')}>
              {k.yes}
            </Button>
            <Button color="danger" fill="outline" onClick={() => onDecide(r, 'return')}>
              {k.no}
            </Button>
          </div>
        )
      ) : (
        <div className={`decision decision-${r.status}`}>
          {STATUS[r.status]}
          {r.decidedBy ? ` · ${r.decidedBy}` : ''}
          {r.decidedAt ? ` · ${cn(r.decidedAt.slice(0, 10), today)}` : ''}:{r.effect}
          {r.comment && <div>意见:{r.comment}</div>}
        </div>
      )}
      {(r.status === 'pending' || r.status === 'leaderPending') && <div className="muted effect">{r.effect}</div>}
    </Card>
  );
}

/** 审核:办结、延期申请和年中/年末报告,待审核的先到先审。 */
export default function Reviews({ status }: { status: 'pending' | 'decided' }) {
  const { me } = useApp();
  // a unit's 分管领导 (the policy's two steps) confirms what the unit submitted before the 督考办 sees it
  const leader = !me.can.includes('review.read') && me.can.includes('review.confirm');
  const [deciding, setDeciding] = useState<{ r: Review; d: 'approve' | 'return' }>();
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const loaded = useLoad(
    () => (leader ? api.unitReviews() : api.reviews(status === 'pending' ? 'pending' : 'all')),
    [status, leader],
  );
  const { reload: load } = loaded;
  const today = loaded.data?.today ?? '';
  const items = loaded.data?.items.filter(
    (r) => status === 'pending' || r.status === 'approved' || r.status === 'returned',
  );

  const verb = (x: { r: Review; d: 'approve' | 'return' }) =>
    leader ? (x.d === 'approve' ? '确认报送' : '退回') : KIND[x.r.kind][x.d === 'approve' ? 'yes' : 'no'];
  const submit = async () => {
    if (!deciding) return;
    if (deciding.d === 'return' && !comment.trim()) return refuse('请写明退回(不同意)的理由');
    setBusy(true);
    const done = await act(
      () =>
        leader
          ? api.confirm(deciding.r.id, deciding.d, comment.trim() || undefined)
          : api.decide(deciding.r.id, deciding.d, comment.trim() || undefined),
      (r) => `${r.unit.name}:${r.effect}`,
    );
    setBusy(false);
    if (!done) return;
    setDeciding(undefined);
    setComment('');
    await load();
  };

  return (
    <div className="page wide">
      <NavBar title={leader ? '待我确认' : '审核'} />
      {!leader && (
        <Tabs activeKey={status} onChange={(k) => go(href.reviews(k as 'pending' | 'decided'), true)} className="tabs">
          <Tabs.Tab title={`待审核${status === 'pending' && items ? `(${items.length})` : ''}`} key="pending" />
          <Tabs.Tab title="已审核" key="decided" />
        </Tabs>
      )}
      <PullToRefresh onRefresh={load}>
        <LoadState loaded={loaded} pull />
        {items && items.length === 0 && (
          <Blank
            icon="✅"
            title={leader ? '没有待您确认的事项' : status === 'pending' ? '没有待审核的事项' : '还没有审核记录'}
            description="单位提交办结、延期申请或年中、年末报告后会出现在这里。"
          />
        )}
        <div className="review-grid">
          {items?.map((r) => (
            <ReviewCard
              key={r.id}
              r={r}
              today={today}
              leader={leader}
              canDecide={leader || me.can.includes('review.decide')}
              onDecide={(x, d) => setDeciding({ r: x, d })}
            />
          ))}
        </div>
        <div className="footer-space" />
      </PullToRefresh>
      <Popup visible={deciding !== undefined} onMaskClick={() => setDeciding(undefined)} bodyClassName="decide-sheet">
        {deciding && (
          <div className="sheet">
            <div className="sheet-title">
              {verb(deciding)}:{deciding.r.unit.name} · {taskName(deciding.r.task)}
            </div>
            <TextArea
              placeholder={deciding.d === 'return' ? '退回理由(必填),单位据此修改' : '审核意见(选填)'}
              value={comment}
              onChange={setComment}
              rows={4}
              maxLength={500}
              showCount
            />
            <div className="row">
              <Button onClick={() => setDeciding(undefined)}>取消</Button>
              <Button
                color={deciding.d === 'approve' ? 'primary' : 'danger'}
                loading={busy}
                onClick={() => void submit()}
              >
                确定{verb(deciding)}
              </Button>
            </div>
          </div>
        )}
      </Popup>
    </div>
  );
}
