import { NavBar as Bar } from 'antd-mobile';
import { useEffect, type ReactNode } from 'react';
import { useApp } from '../context';
import { back } from '../router';

/** The page title: DingTalk's native bar inside DingTalk, our own bar elsewhere. */
export function NavBar({ title, onBack, right }: { title: string; onBack?: (() => void) | false; right?: ReactNode }) {
  const { host } = useApp();
  useEffect(() => host.setTitle(title), [host, title]);
  if (!host.ownNavBar) return null;
  return (
    <Bar
      className="nav"
      backIcon={onBack !== false}
      back={onBack === false ? null : '返回'}
      onBack={onBack === false ? undefined : (onBack ?? (() => back()))}
      right={right}
    >
      {title}
    </Bar>
  );
}
