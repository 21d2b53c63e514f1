import { SpinLoading } from 'antd-mobile';

export function Loading({ text = '加载中…' }: { text?: string }) {
  return (
    <div className="center">
      <SpinLoading color="primary" />
      <div className="muted">{text}</div>
    </div>
  );
}
