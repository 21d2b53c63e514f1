import { Button, Card, Dialog, List, Tag } from 'antd-mobile';
import { useState } from 'react';
import { api, type RoundData } from '../../api/client';
import { act, LoadState, useLoad } from '../../lib/load';
import { NavBar } from '../../components/NavBar';
import { PullToRefresh } from '../../components/PullToRefresh';
import { UrgeSheet } from '../../components/UrgeSheet';
import { useApp } from '../../context';
import { cnDate as cn, taskName } from '../../format';
import { go, href } from '../../router';

const STATE = {
  late: { name: '逾期未报', color: 'danger' },
  pending: { name: '未到期', color: 'default' },
  submitted: { name: '已报送', color: 'success' },
  waived: { name: '督查结束时未报', color: 'default' },
} as const;
type Row = RoundData['rows'][number];

/** One 督查 round: who has submitted, who is late (催办 them), and closing it. */
export default function RoundPage({ roundId }: { roundId: string }) {
  const { me } = useApp();
  const loaded = useLoad(async () => {
    const [round, list] = await Promise.all([api.round(roundId), api.rounds()]);
    return { ...round, today: list.today };
  }, [roundId]);
  const { data, reload: load } = loaded;
  const today = data?.today ?? '';
  const [urging, setUrging] = useState<Row>();
  const manage = me.can.includes('supervision.manage');
  const close = async () => {
    const ok = await Dialog.confirm({
      content: '结束后,未报送的单位不再收到这次督查的提醒(已报送的不受影响)。确定结束?',
      confirmText: '结束督查',
      cancelText: '取消',
    });
    if (!ok) return;
    const closed = await act(() => api.closeRound(roundId), '督查已结束');
    if (closed) loaded.setData({ ...closed, today });
  };
  if (!data) return <LoadState loaded={loaded} />;
  const r = data.round;
  const groups = (['late', 'pending', 'submitted', 'waived'] as const)
    .map((s) => ({ s, rows: data.rows.filter((x) => x.state === s) }))
    .filter((g) => g.rows.length > 0);
  return (
    <div className="page wide">
      <NavBar title={r.name} />
      <PullToRefresh onRefresh={load}>
        <Card
          className="card"
          title={r.name}
          extra={
            <Tag color={r.status === 'open' ? 'primary' : 'default'}>{r.status === 'open' ? '进行中' : '已结束'}</Tag>
          }
        >
          <div className="meta">
            报送要求:{r.submit}
            <br />
            截止日期:{cn(r.due, today)} · {r.taskIds.length} 项任务 · {r.total} 项分工
          </div>
          <div className="counts round-counts">
            <span className="num-red">逾期 {r.late}</span>
            <span>未到期 {r.pending}</span>
            <span className="num-green">已报送 {r.submitted}</span>
          </div>
          {manage && r.status === 'open' && (
            <Button block fill="outline" color="danger" onClick={() => void close()}>
              结束督查
            </Button>
          )}
        </Card>
        {groups.map((g) => (
          <List key={g.s} header={`${STATE[g.s].name}(${g.rows.length})`} className={`group round-${g.s}`}>
            {g.rows.map((x) => (
              <List.Item
                key={x.obligationId}
                onClick={() => go(href.task(x.task.id))}
                description={
                  <div className="ellipsis">
                    {taskName(x.task)} {x.task.title}
                  </div>
                }
                extra={
                  manage && r.status === 'open' && x.state !== 'submitted' ? (
                    <Button
                      size="small"
                      color="warning"
                      onClick={(e) => {
                        e.stopPropagation();
                        setUrging(x);
                      }}
                    >
                      催办
                    </Button>
                  ) : x.doneAt ? (
                    <span className="muted">{cn(x.doneAt.slice(0, 10), today)}</span>
                  ) : undefined
                }
              >
                {x.unit.name}
              </List.Item>
            ))}
          </List>
        ))}
        <div className="footer-space" />
      </PullToRefresh>
      <UrgeSheet
        key={urging?.obligationId}
        target={urging ? { taskId: urging.task.id, unitId: urging.unit.id, unitName: urging.unit.name } : undefined}
        today={today}
        defaultMessage={`请尽快报送"${r.name}"的${r.submit}`}
        onClose={() => setUrging(undefined)}
        onSent={() => void load()}
      />
    </div>
  );
}
