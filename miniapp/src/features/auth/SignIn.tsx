import { Button, List, NoticeBar, SearchBar, Tag } from 'antd-mobile';
import { Blank } from '../../components/Blank';
import { useEffect, useMemo, useState } from 'react';
import type { z } from 'zod';
import type { DevPeople, Session } from '../../../../shared/schemas/miniapp.js';
import { api, type AuthConfig } from '../../api/client';
import type { Host } from '../../host';

const ROLE: Record<string, string> = {
  contact: '联络员',
  leader: '领导',
  supervisor: '督考办',
  admin: '管理员',
  evaluator: '第三方评估',
};

/**
 * Shown when there is no auth code: in local mode a dev sign-in (pick a sample official); with
 * real DingTalk, the page must be opened inside 政务钉钉.
 */
export default function SignIn({
  host,
  config,
  message,
  onSignedIn,
}: {
  host: Host;
  config: AuthConfig;
  message?: string | undefined;
  onSignedIn: (s: Session) => void;
}) {
  const [people, setPeople] = useState<z.infer<typeof DevPeople>['items']>([]);
  const [q, setQ] = useState('');
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    host.setTitle('登录督办通');
    if (config.devSignIn)
      void api.devPeople().then(
        (r) => setPeople(r.items),
        (e: Error) => setError(e.message),
      );
  }, [config.devSignIn, host]);
  const shown = useMemo(
    () => people.filter((p) => !q || `${p.name}${p.title ?? ''}${p.units.join('')}`.includes(q.trim())),
    [people, q],
  );

  if (!config.devSignIn) {
    return (
      <Blank
        icon="📱"
        title="请在政务钉钉中打开"
        description={message ?? '督办通需要通过政务钉钉登录:请从工作台或消息中的链接打开。'}
      />
    );
  }
  return (
    <div className="page">
      <div className="hero">
        <h1>督办通</h1>
        <p className="muted">本地模式:选择一位示例人员登录(正式环境通过政务钉钉免登)</p>
      </div>
      {(message || error) && <NoticeBar content={message ?? error} color="alert" wrap />}
      <SearchBar placeholder="搜索姓名或单位" value={q} onChange={setQ} style={{ margin: '8px 12px' }} />
      <List>
        {shown.slice(0, 60).map((p) => (
          <List.Item
            key={p.id}
            description={`${p.units.join('、') || '—'}${p.title ? ` · ${p.title}` : ''}`}
            extra={
              <Button
                size="small"
                color="primary"
                fill="outline"
                loading={busy === p.id}
                onClick={async () => {
                  setBusy(p.id);
                  try {
                    onSignedIn(await api.devSignIn(p.id));
                  } catch (e) {
                    setError((e as Error).message);
                    setBusy(undefined);
                  }
                }}
              >
                登录
              </Button>
            }
          >
            {p.name}{' '}
            {p.roles.map((r) => (
              <Tag key={r} color="primary" fill="outline" style={{ marginLeft: 4 }}>
                {ROLE[r] ?? r}
              </Tag>
            ))}
          </List.Item>
        ))}
      </List>
    </div>
  );
}
