import { Card, List, Tag } from 'antd-mobile';
import { api } from '../../api/client';
import { useLoad } from '../../lib/load';

/**
 * 下级组织: each organisation directly below, what it was handed (上级交办) and how far it is —
 * waiting to be decomposed, its units' parts 办结, overdue. Nothing where there is none below.
 */
export function OrgsCard() {
  const { data } = useLoad(() => api.orgsSummary(), []);
  const orgs = (data?.orgs ?? []).filter((o) => o.handed > 0);
  if (orgs.length === 0) return null;
  return (
    <Card className="card orgs-card" title={`下级组织(${orgs.length})`}>
      <List>
        {orgs.map((o) => (
          <List.Item
            key={o.id}
            description={`交办 ${o.handed} 项 · 分解到 ${o.parts} 个单位分工 · 已办结 ${o.closed}`}
            extra={
              <span className="orgs-card-tags">
                {o.toDesignate > 0 && (
                  <Tag color="warning" fill="outline">
                    待分解 {o.toDesignate}
                  </Tag>
                )}
                {o.overdue > 0 && (
                  <Tag color="danger" fill="outline">
                    逾期 {o.overdue}
                  </Tag>
                )}
              </span>
            }
          >
            {o.name}
          </List.Item>
        ))}
      </List>
    </Card>
  );
}
