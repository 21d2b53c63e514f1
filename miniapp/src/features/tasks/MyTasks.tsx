import { takeFirstItems } from '../../state/first-items';
import { OrgSwitch } from '../../components/OrgSwitch';
import { isCalendarWarning, useHealthWarnings } from '../../components/HealthBanner';
import { Button, CapsuleTabs, List } from 'antd-mobile';
import { Blank } from '../../components/Blank';
import { PullToRefresh } from '../../components/PullToRefresh';
import { useEffect, useState } from 'react';
import { api, type MyItems } from '../../api/client';
import { LIGHT_NAME, LightDot } from '../../components/Light';
import { NavBar } from '../../components/NavBar';
import { useAcknowledge } from './useAcknowledge';
import { useApp } from '../../context';
import { go, href } from '../../router';
import { act, LoadState, useLoad } from '../../lib/load';
import { cnDate as cn, taskName } from '../../format';

type Item = MyItems['items'][number];

/** 我的任务: what my units owe, by light, with one-tap 签收. */
export function MyTasks() {
  const { me, host } = useApp();
  const [section, setSection] = useState('all');
  // no promise of a reminder while a year lacks 放假安排 (the banner says reminders would stop)
  const calendarMissing = useHealthWarnings().some(isCalendarWarning);
  const [acking, setAcking] = useState<string>();

  const [toConfirm, setToConfirm] = useState(0);
  useEffect(() => {
    // a unit leader, when the policy has them confirm first: how much waits for them
    if (me.can.includes('review.confirm'))
      void api.unitReviews().then(
        (r) => setToConfirm(r.total),
        () => undefined,
      );
  }, [me]);
  const loaded = useLoad<MyItems>(
    // the sign-in brought the first page (all sections): shown without asking again
    async () =>
      (section === 'all' ? takeFirstItems() : undefined) ?? api.myItems(section === 'all' ? undefined : section),
    [section],
  );
  const { data, reload: load } = loaded;

  const { acknowledge: sign, bar } = useAcknowledge(load);
  const acknowledge = async (item: Item) => {
    setAcking(item.assignmentId);
    await sign(item.assignmentId, `已签收 ${taskName(item.task)}`);
    setAcking(undefined);
  };

  const canAct = me.roles.some((r) => r === 'contact' || r === 'leader');
  const acks = !canAct
    ? []
    : [...new Set(data?.items.filter((i) => i.kind === 'acknowledge').map((i) => i.assignmentId) ?? [])];
  const acknowledgeAll = async () => {
    setAcking('all');
    await act(async () => {
      for (const id of acks) await api.acknowledge(id);
    }, `已全部签收,共 ${acks.length} 项`);
    setAcking(undefined);
    await load();
  };

  const groups = (['red', 'yellow', 'green'] as const)
    .map((light) => ({ light, items: data?.items.filter((i) => i.light === light) ?? [] }))
    .filter((g) => g.items.length > 0);

  return (
    <div className="page">
      <NavBar
        title="我的任务"
        onBack={false}
        right={
          me.can.includes('overview.read') ? (
            <a className="nav-link" href={href.office()}>
              督办总览
            </a>
          ) : (
            <a className="nav-link" href={href.list()}>
              任务清单
            </a>
          )
        }
      />
      <div className="summary">
        <div className="who">
          <strong>{me.name}</strong>
          <span className="muted">{me.units.map((u) => u.name).join('、') || (me.readsAll ? '督查全局' : '')}</span>
          <OrgSwitch />
        </div>
        {data && (
          <div className="counts">
            <span className="count red">
              <b>{data.counts.red}</b>逾期
            </span>
            <span className="count yellow">
              <b>{data.counts.yellow}</b>即将到期
            </span>
            <span className="count green">
              <b>{data.counts.green}</b>时间充裕
            </span>
            <span className="next">{data.nextDue ? `最近截止 ${cn(data.nextDue, data.today)}` : '暂无截止事项'}</span>
            {!host.ownNavBar && (
              <a className="list-link" href={href.list()}>
                任务清单 ›
              </a>
            )}
            {!host.ownNavBar && me.can.includes('overview.read') && (
              <a className="list-link" href={href.office()}>
                督办总览 ›
              </a>
            )}
            {me.can.includes('unit.act') && (
              <a className="list-link" href={href.instructions()}>
                批示件 ›
              </a>
            )}
            {me.can.includes('pilot.record') && (
              <a className="list-link" href={href.pilots()}>
                试点与经验 ›
              </a>
            )}
            {me.can.includes('sheet.sign') && (
              <a className="list-link" href={href.sheets()}>
                督办通知单 ›
              </a>
            )}
          </div>
        )}
      </div>
      {data && data.sections.length > 1 && (
        <CapsuleTabs activeKey={section} onChange={setSection} className="sections">
          <CapsuleTabs.Tab title="全部" key="all" />
          {data.sections.map((s) => (
            <CapsuleTabs.Tab title={`${s.label} ${s.count}`} key={s.id} />
          ))}
        </CapsuleTabs>
      )}
      {toConfirm > 0 && (
        <a className="confirm-banner" href={href.reviews()}>
          {toConfirm} 项本单位报送的事项待您确认 ›
        </a>
      )}
      {acks.length > 1 && (
        <div className="ack-all">
          <Button block color="primary" fill="outline" loading={acking === 'all'} onClick={acknowledgeAll}>
            全部签收({acks.length} 项)
          </Button>
        </div>
      )}
      <PullToRefresh onRefresh={load}>
        <LoadState loaded={loaded} pull />
        {data && data.items.length === 0 && (
          <Blank
            icon="✅"
            title="没有待办事项"
            description={
              data.upcoming
                ? `下一项:${data.upcoming.task} ${data.upcoming.label},${cn(data.upcoming.opensOn, data.today)}起办理。到时会在钉钉提醒您。`
                : calendarMissing
                  ? '本单位当前没有需要办理的事项。'
                  : '本单位当前没有需要办理的事项。有新任务时会在钉钉提醒您。'
            }
          />
        )}
        {groups.map((g) => (
          <List key={g.light} header={`${LIGHT_NAME[g.light]}(${g.items.length})`} className={`group group-${g.light}`}>
            {g.items.map((i) => (
              <List.Item
                key={i.obligationId}
                prefix={<LightDot light={i.light} />}
                onClick={() => go(href.task(i.task.id))}
                description={
                  <>
                    <div className="ellipsis">{i.task.title}</div>
                    <div className={`reason reason-${i.light}`}>
                      {i.reason}
                      {me.units.length > 1 ? ` · ${i.unit.name}` : ''}
                    </div>
                  </>
                }
                extra={
                  i.kind === 'acknowledge' && canAct ? (
                    <Button
                      size="small"
                      color="primary"
                      loading={acking === i.assignmentId}
                      onClick={(e) => {
                        e.stopPropagation();
                        void acknowledge(i);
                      }}
                    >
                      签收
                    </Button>
                  ) : undefined
                }
                arrow={i.kind !== 'acknowledge' || !canAct}
              >
                <span className="item-title">
                  {taskName(i.task)} · {i.label}
                </span>
              </List.Item>
            ))}
          </List>
        ))}
        <div className="footer-space" />
      </PullToRefresh>
      {bar}
    </div>
  );
}
