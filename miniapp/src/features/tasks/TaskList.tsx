import { List, SearchBar } from 'antd-mobile';
import { useMemo, useState } from 'react';
import type { z } from 'zod';
import type { TaskList as TaskListSchema } from '../../../../shared/schemas/views.js';
import { api } from '../../api/client';
import { Blank } from '../../components/Blank';
import { LoadState, useLoad } from '../../lib/load';
import { NavBar } from '../../components/NavBar';
import { useApp } from '../../context';
import { go, href } from '../../router';
import { taskName } from '../../format';

type Tasks = z.infer<typeof TaskListSchema>['items'];

/** 任务清单: the key tasks this person may read (all of them for the 督考办 and leaders), searchable. */
export default function TaskList({ toDesignate = false }: { toDesignate?: boolean }) {
  const { me } = useApp();
  const loaded = useLoad(async () => (await api.tasks({ toDesignate })).items, [toDesignate]);
  const tasks: Tasks | undefined = loaded.data;
  const [q, setQ] = useState('');
  const shown = useMemo(
    () => (tasks ?? []).filter((t) => !q.trim() || `${t.number}${t.title}${t.unitsText}`.includes(q.trim())),
    [tasks, q],
  );
  return (
    <div className="page">
      <NavBar
        title={
          toDesignate
            ? `待明确责任单位的任务${tasks ? `(${tasks.length})` : ''}`
            : me.readsAll
              ? '全部重点任务'
              : '本单位承担的任务'
        }
      />
      {toDesignate && (
        <div className="muted list-hint">
          这些任务的责任单位写的是"区级有关部门"等,尚无人负责、不会提醒。点开任务,在"各单位情况"中明确具体单位。
        </div>
      )}
      <SearchBar placeholder="搜索任务或单位" value={q} onChange={setQ} style={{ margin: '8px 12px' }} />
      <LoadState loaded={loaded} />
      {tasks && shown.length === 0 && (
        <Blank icon="🔍" title="没有找到任务" description={q ? '换个关键词试试。' : '没有可查看的任务。'} />
      )}
      <List>
        {shown.map((t) => (
          <List.Item
            key={t.id}
            onClick={() => go(href.task(t.id))}
            description={
              <div className="ellipsis">
                {t.assignments
                  .filter((a) => a.role === 'lead')
                  .map((a) => a.unitName)
                  .slice(0, 4)
                  .join('、')}
                {t.assignments.length > 4 ? ` 等 ${t.assignments.length} 个单位` : ''}
              </div>
            }
            arrow
          >
            <span className="item-title">{taskName(t)}</span> <span className="ellipsis2">{t.title}</span>
          </List.Item>
        ))}
      </List>
    </div>
  );
}
