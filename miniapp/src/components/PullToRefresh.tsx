import { useRef, useState, type ReactNode } from 'react';

const THRESHOLD = 64;

/**
 * Pull down at the top of the page to refresh. Hand-written (touch events, ~50 lines) because
 * antd-mobile's version brings a gesture and animation library that alone would put the first
 * screen over its 150 KB budget.
 */
export function PullToRefresh({ onRefresh, children }: { onRefresh: () => Promise<unknown>; children: ReactNode }) {
  const [pull, setPull] = useState(0);
  const [busy, setBusy] = useState(false);
  const start = useRef<number | undefined>(undefined);
  const label = busy ? '正在刷新…' : pull >= THRESHOLD ? '松开刷新' : '下拉刷新';
  return (
    <div
      className="ptr"
      onTouchStart={(e) => {
        start.current = window.scrollY <= 0 && !busy ? e.touches[0]!.clientY : undefined;
      }}
      onTouchMove={(e) => {
        if (start.current === undefined) return;
        const dy = e.touches[0]!.clientY - start.current;
        setPull(dy > 0 ? Math.min(96, dy * 0.5) : 0);
      }}
      onTouchEnd={async () => {
        const go = pull >= THRESHOLD;
        start.current = undefined;
        setPull(0);
        if (!go) return;
        setBusy(true);
        await onRefresh().finally(() => setBusy(false));
      }}
    >
      <div className="ptr-head" style={{ height: busy ? 40 : pull }} aria-live="polite">
        {(busy || pull > 8) && <span className="muted">{label}</span>}
      </div>
      {children}
    </div>
  );
}
