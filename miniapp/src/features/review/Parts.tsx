import { CapsuleTabs, List, Tag } from 'antd-mobile';
import { useState } from 'react';
import { api } from '../../api/client';
import { Blank } from '../../components/Blank';
import { LightDot } from '../../components/Light';
import { LoadState, useLoad } from '../../lib/load';
import { NavBar } from '../../components/NavBar';
import { PullToRefresh } from '../../components/PullToRefresh';
import { cnDate as cn, taskName } from '../../format';
import { go, href, type PartRouteFilter } from '../../router';

const ACK = { done: '已签收', open: '未签收', none: '' } as const;
const REVIEW = { report: '报告待审核', closure: '办结待审核', extension: '延期待审核' } as const;

/** 总览下钻: the parts a count on the overview counted, worst first, each opening its task. */
export default function Parts({ filter }: { filter: PartRouteFilter }) {
  const [light, setLight] = useState(filter.light ?? 'all');
  const loaded = useLoad(
    () =>
      api.parts({
        ...(filter.unitId ? { unitId: filter.unitId } : {}),
        ...(filter.sectionId ? { sectionId: filter.sectionId } : {}),
        ...(filter.minOverdueDays ? { minOverdueDays: filter.minOverdueDays } : {}),
      }),
    [filter.unitId, filter.sectionId, filter.minOverdueDays],
  );
  const { data, reload: load } = loaded;
  const shown = data?.items.filter((p) => light === 'all' || p.light === light) ?? [];
  const byUnit = Boolean(filter.unitId);

  return (
    <div className="page wide">
      <NavBar title={filter.title ?? '督办明细'} />
      {data && (
        <CapsuleTabs activeKey={light} onChange={setLight} className="sections">
          <CapsuleTabs.Tab title={`全部 ${data.total}`} key="all" />
          <CapsuleTabs.Tab title={`逾期 ${data.lights.red}`} key="red" />
          <CapsuleTabs.Tab title={`即将到期 ${data.lights.yellow}`} key="yellow" />
          <CapsuleTabs.Tab title={`正常 ${data.lights.green}`} key="green" />
        </CapsuleTabs>
      )}
      <PullToRefresh onRefresh={load}>
        <LoadState loaded={loaded} pull />
        {data && shown.length === 0 && <Blank icon="✅" title="没有这类分工" description="换一个灯色看看。" />}
        {shown.length > 0 && (
          <List className="parts">
            {shown.map((p) => (
              <List.Item
                key={p.assignmentId}
                prefix={<LightDot light={p.light} />}
                onClick={() => go(href.task(p.task.id))}
                description={
                  <>
                    <div className="ellipsis">{byUnit ? p.task.title : `${p.unit.name} · ${p.roleName}`}</div>
                    <div className={`reason reason-${p.light}`}>{p.reason}</div>
                    <div className="muted">
                      {p.acknowledged !== 'none' && <span>{ACK[p.acknowledged]} · </span>}
                      {p.lastReport ? `最近报送 ${cn(p.lastReport.at.slice(0, 10), data?.today)}` : '尚未报送进展'}
                      {p.pendingReview && (
                        <Tag color="warning" fill="outline" className="inline-tag">
                          {REVIEW[p.pendingReview]}
                        </Tag>
                      )}
                      {p.recovered && (
                        <Tag color="success" fill="outline" className="inline-tag">
                          已恢复
                        </Tag>
                      )}
                    </div>
                  </>
                }
              >
                <span className="item-title">
                  {taskName(p.task)}
                  {byUnit ? '' : ` ${p.task.title}`}
                </span>
              </List.Item>
            ))}
          </List>
        )}
        <div className="footer-space" />
      </PullToRefresh>
    </div>
  );
}
