import { Toast } from 'antd-mobile';
import { useCallback, useEffect, useRef, useState, type DependencyList, type ReactNode } from 'react';
import { ApiError } from '../api/client';
import { Blank } from '../components/Blank';
import { Loading } from '../components/Loading';

/** What a page loaded: the data, the failure, and a reload (for pull-to-refresh and after an action). */
export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  reload: () => Promise<void>;
  setData: (data: T) => void;
}

function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError('NETWORK', (e as Error).message || '网络不通,请稍后重试', 0);
}

/**
 * Loads a page's data when `deps` change and again on `reload()`. A failure keeps the data that
 * was shown (a pull that fails does not blank the list) and is cleared by the next success; an
 * answer that arrives after the page moved on (deps changed) is dropped.
 */
export function useLoad<T>(fetch: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<ApiError>();
  const generation = useRef(0);
  const load = useCallback(fetch, deps);
  const reload = useCallback(async () => {
    const mine = ++generation.current;
    try {
      const value = await load();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (e) {
      if (mine === generation.current) setError(asApiError(e));
    }
  }, [load]);
  useEffect(() => {
    void reload();
  }, [reload]);
  return { data, error, reload, setData };
}

/**
 * The failed or loading state of a page part, or nothing once there is data. `pull` says the
 * part sits in a pull-to-refresh (the message then tells how to retry).
 */
export function LoadState({
  loaded,
  pull = false,
  icon = '📡',
  title = '没有加载成功',
  children,
}: {
  loaded: { data: unknown; error: ApiError | undefined };
  pull?: boolean;
  icon?: string;
  title?: string;
  /** What to offer beside the failure (a way back). */
  children?: ReactNode;
}) {
  const { data, error } = loaded;
  if (error && (pull || data === undefined)) {
    const forbidden = error.code === 'FORBIDDEN';
    return (
      <Blank
        icon={forbidden ? '🔒' : icon}
        title={forbidden ? '无权查看' : title}
        description={pull && !forbidden ? `${error.message} 下拉可重试。` : error.message}
      >
        {children}
      </Blank>
    );
  }
  return data === undefined ? <Loading /> : null;
}

/**
 * Runs one action the person asked for: on success the toast says what was done (when `done`
 * says anything), on failure the server's message is shown and `undefined` returned. Every
 * button in the app goes through here, so a failure always reads the same way.
 */
export async function act<T>(
  run: () => Promise<T>,
  done?: string | ((result: T) => string | undefined),
  options: { duration?: number } = {},
): Promise<T | undefined> {
  try {
    const result = await run();
    const text = typeof done === 'function' ? done(result) : done;
    if (text) Toast.show({ content: text, icon: 'success' });
    return result;
  } catch (e) {
    Toast.show({ content: asApiError(e).message, icon: 'fail', duration: options.duration ?? 3000 });
    return undefined;
  }
}

/** A refusal before anything is sent (a missing reason, a file too big): the same toast as a failed action. */
export function refuse(message: string): void {
  Toast.show({ content: message, icon: 'fail' });
}
