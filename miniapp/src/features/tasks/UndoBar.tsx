import { useEffect, useState } from 'react';

/** "已签收 · 撤销 (5)" at the bottom of the screen for a few seconds after a one-tap action. */
export function UndoBar({
  text,
  seconds = 5,
  onUndo,
  onDone,
}: {
  text: string;
  seconds?: number;
  onUndo: () => void;
  onDone: () => void;
}) {
  const [left, setLeft] = useState(seconds);
  useEffect(() => {
    if (left <= 0) {
      onDone();
      return;
    }
    const t = window.setTimeout(() => setLeft((n) => n - 1), 1000);
    return () => window.clearTimeout(t);
  }, [left, onDone]);
  return (
    <div className="undo-bar" role="status">
      <span>{text}</span>
      <button type="button" onClick={onUndo}>
        撤销({left})
      </button>
    </div>
  );
}
