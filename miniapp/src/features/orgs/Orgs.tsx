import { Button, Card, Input, List, Tag } from 'antd-mobile';
import { useState } from 'react';
import { LEVEL_NAME, type OrgLevel, type OrgTree } from '../../../../shared/schemas/org.js';
import { api } from '../../api/client';
import { NavBar } from '../../components/NavBar';
import { act, LoadState, useLoad } from '../../lib/load';

type Entry = OrgTree['orgs'][number];
const LEVELS = Object.keys(LEVEL_NAME) as OrgLevel[];

function LevelSelect({ label, value, onChange }: { label: string; value: OrgLevel; onChange: (l: OrgLevel) => void }) {
  return (
    <select
      className="native-select"
      aria-label={label}
      value={value}
      onChange={(e) => onChange(e.target.value as OrgLevel)}
    >
      {LEVELS.map((l) => (
        <option key={l} value={l}>
          {LEVEL_NAME[l]}
        </option>
      ))}
    </select>
  );
}

/** The tree, deepest last: each organisation under its parent, indented by its depth. */
function ordered(orgs: readonly Entry[]): Array<Entry & { depth: number }> {
  const out: Array<Entry & { depth: number }> = [];
  const walk = (parent: string | undefined, depth: number): void => {
    for (const o of orgs.filter((x) => x.parent === parent)) {
      out.push({ ...o, depth });
      walk(o.id, depth + 1);
    }
  };
  walk(undefined, 0);
  return out;
}

/**
 * 组织管理 (the deployment's admin): the organisations of this deployment — 市, its 区/县, their
 * 镇街 and 部门 — each with what it holds and where it opens; and 登记下级组织: it opens at once,
 * with its own 督考办 (the admin first), who then imports its directory and first plan there.
 */
export default function Orgs() {
  const loaded = useLoad(() => api.orgTree(), []);
  const { data, setData } = loaded;
  const [form, setForm] = useState({ id: '', name: '', level: 'district' as OrgLevel, parent: '', unit: '' });
  const [root, setRoot] = useState({ id: '', name: '', level: 'city' as OrgLevel });
  const first = data !== undefined && data.orgs.length === 0;
  const tree = ordered(data?.orgs ?? []);
  const submit = async () => {
    const done = await act(
      () =>
        api.orgAdd({
          id: form.id.trim(),
          name: form.name.trim(),
          level: form.level,
          ...(form.parent ? { parent: form.parent } : {}),
          ...(form.unit.trim() ? { unit: form.unit.trim() } : {}),
          ...(first ? { root: { id: root.id.trim(), name: root.name.trim(), level: root.level } } : {}),
        }),
      `已登记 ${form.name}`,
    );
    if (done) {
      setData(done);
      setForm({ id: '', name: '', level: form.level, parent: form.parent, unit: '' });
    }
  };
  return (
    <div className="page orgs-page">
      <NavBar title="组织管理" />
      <LoadState loaded={loaded} />
      {data && (
        <>
          <Card className="card" title="本部署的组织">
            {first ? (
              <div className="muted">本部署目前只有一个组织。登记第一个下级组织时,请同时写明本级组织。</div>
            ) : (
              <List className="org-tree">
                {tree.map((o) => (
                  <List.Item
                    key={o.id}
                    style={{ paddingLeft: 12 + o.depth * 18 }}
                    description={`${o.units} 个单位 · ${o.people} 名人员 · ${o.tasks} 项任务 · ${o.url}`}
                    extra={o.open ? <Tag color="success">已开通</Tag> : <Tag color="warning">未打开</Tag>}
                  >
                    {o.name}{' '}
                    <span className="muted">
                      ({LEVEL_NAME[o.level]},{o.id})
                    </span>
                  </List.Item>
                ))}
              </List>
            )}
          </Card>
          <Card className="card org-add" title="登记下级组织">
            {first && (
              <div className="org-root">
                <div className="muted">本级组织(本部署自己)</div>
                <Input placeholder="编号,如 shaoxing" value={root.id} onChange={(v) => setRoot({ ...root, id: v })} />
                <Input placeholder="名称,如 绍兴市" value={root.name} onChange={(v) => setRoot({ ...root, name: v })} />
                <LevelSelect
                  label="本级组织级别"
                  value={root.level}
                  onChange={(level) => setRoot({ ...root, level })}
                />
              </div>
            )}
            <Input
              placeholder="编号(小写字母、数字),如 keqiao"
              value={form.id}
              onChange={(v) => setForm({ ...form, id: v })}
            />
            <Input placeholder="名称,如 柯桥区" value={form.name} onChange={(v) => setForm({ ...form, name: v })} />
            <LevelSelect label="级别" value={form.level} onChange={(level) => setForm({ ...form, level })} />
            {!first && (
              <select
                className="native-select"
                aria-label="上级组织"
                value={form.parent}
                onChange={(e) => setForm({ ...form, parent: e.target.value })}
              >
                <option value="">上级:本级组织</option>
                {tree.map((o) => (
                  <option key={o.id} value={o.id}>
                    上级:{o.name}
                  </option>
                ))}
              </select>
            )}
            <Input
              placeholder="它在上级单位名录中的名称(上级交办的任务据此下达),如 柯桥区"
              value={form.unit}
              onChange={(v) => setForm({ ...form, unit: v })}
            />
            <div className="muted">
              登记后立即开通,您是它的第一位督考办人员:在它的督办通中导入单位名录、人员和首个计划,或同步钉钉通讯录。
            </div>
            <Button color="primary" block disabled={!form.id || !form.name} onClick={() => void submit()}>
              登记
            </Button>
          </Card>
        </>
      )}
    </div>
  );
}
