import { Card, Tag } from 'antd-mobile';
import type { ChainLink } from '../../../../shared/schemas/org.js';
import { api } from '../../api/client';
import { useLoad } from '../../lib/load';
import { useApp } from '../../context';

const STATUS: Record<string, string> = { active: '办理中', closed: '已办结' };

function Link({ link }: { link: ChainLink }) {
  return (
    <div className="chain-link">
      <div className="chain-org">
        <strong>{link.org.name}</strong> <span className="muted">{link.task.label}</span>
        {link.toDesignate && (
          <Tag color="warning" fill="outline">
            待分解
          </Tag>
        )}
      </div>
      {link.parts.map((p) => (
        <div key={p.unitName} className="chain-part">
          <span>{p.unitName}</span>
          <Tag color={p.status === 'closed' ? 'success' : p.overdue > 0 ? 'danger' : 'primary'} fill="outline">
            {p.overdue > 0 && p.status !== 'closed' ? `逾期 ${p.overdue} 项` : (STATUS[p.status] ?? p.status)}
          </Tag>
          {p.lastReport && <div className="muted chain-report">{p.lastReport.text}</div>}
        </div>
      ))}
      {link.below.length > 0 && (
        <div className="chain-below">
          {link.below.map((b) => (
            <Link key={b.org.id} link={b} />
          ))}
        </div>
      )}
    </div>
  );
}

/**
 * 下级分解: the task in the organisations below (区县 → 镇街), each's units and their state — for
 * those who read the overview; nothing where the task went to no organisation below.
 */
export function ChainCard({ taskId }: { taskId: string }) {
  const { me } = useApp();
  const reads = me.can.includes('overview.read');
  const { data } = useLoad(() => (reads ? api.taskChain(taskId) : Promise.resolve({ links: [] })), [taskId, reads]);
  if (!data || data.links.length === 0) return null;
  return (
    <Card className="card chain-card" title={`下级分解(${data.links.length} 个组织)`}>
      {data.links.map((l) => (
        <Link key={l.org.id} link={l} />
      ))}
    </Card>
  );
}
