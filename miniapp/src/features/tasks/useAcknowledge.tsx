import { act } from '../../lib/load';
import { useState, type ReactNode } from 'react';
import { api } from '../../api/client';
import { UndoBar } from './UndoBar';

/**
 * One-tap 签收 with a few seconds to take it back: `acknowledge` signs for an assignment, reloads
 * the page's data, then shows the undo bar (`bar`, to render at the end of the page).
 */
export function useAcknowledge(reload: () => Promise<void>): {
  acknowledge: (assignmentId: string, done: string) => Promise<void>;
  bar: ReactNode;
} {
  const [undo, setUndo] = useState<{ assignmentId: string; text: string }>();
  const acknowledge = async (assignmentId: string, done: string) => {
    const r = await act(() => api.acknowledge(assignmentId));
    if (!r) return;
    await reload();
    if (!r.already) setUndo({ assignmentId, text: done });
  };
  const bar = undo && (
    <UndoBar
      text={undo.text}
      onDone={() => setUndo(undefined)}
      onUndo={async () => {
        setUndo(undefined);
        await act(() => api.undoAcknowledge(undo.assignmentId), '已撤销签收');
        await reload();
      }}
    />
  );
  return { acknowledge, bar };
}
