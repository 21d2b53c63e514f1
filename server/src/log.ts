import type { Log } from './model/runtime.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** An instant as the officials' wall clock reads it: `2026-11-30 00:17:54.630+08:00` (Asia/Shanghai has no DST). */
export function shanghaiStamp(ms: number = Date.now()): string {
  return new Date(ms + 8 * 3_600_000).toISOString().replace('T', ' ').replace('Z', '+08:00');
}

/** What a log line adds: local mode's simulated clock, once it is positioned. */
export interface LogContext {
  sim?: { readonly positioned: boolean; now(): Date };
}

/** The simulated date a line carries, if any. */
const simDay = (context: LogContext): string | undefined =>
  context.sim?.positioned ? shanghaiStamp(context.sim.now().getTime()).slice(0, 10) : undefined;

/**
 * A plain console logger, stamped in Asia/Shanghai. In local mode (`context.sim`, once the
 * simulated clock is positioned) each line also carries the simulated date, the date everything it
 * talks about happens on: `2026-11-30 00:17:54.630+08:00 [模拟 2018-11-01] INFO …`.
 */
export function consoleLog(level: (typeof LEVELS)[number] = 'info', context: LogContext = {}): Log {
  const min = LEVELS.indexOf(level);
  const at = (l: (typeof LEVELS)[number]): boolean => LEVELS.indexOf(l) >= min;
  const stamp = (): string => `${shanghaiStamp()}${simDay(context) ? ` [模拟 ${simDay(context)}]` : ''}`;
  return {
    info: (m) => at('info') && console.log(`${stamp()} INFO  ${m}`),
    warn: (m) => at('warn') && console.warn(`${stamp()} WARN  ${m}`),
    error: (m) => at('error') && console.error(`${stamp()} ERROR ${m}`),
  } as Log;
}

/**
 * One JSON object per line on stdout, for the platform's log collector (DUBAN_LOG_FORMAT=json):
 * `{"time":"2026-11-30 00:17:54.630+08:00","level":"info","msg":"…","sim":"2018-11-01"}`. The
 * same shape as the HTTP request lines Fastify's pino writes (`time`, `level`, `msg`).
 */
export function jsonLog(level: (typeof LEVELS)[number] = 'info', context: LogContext = {}): Log {
  const min = LEVELS.indexOf(level);
  const write = (l: 'info' | 'warn' | 'error', msg: string): void => {
    if (LEVELS.indexOf(l) < min) return;
    const line = {
      time: shanghaiStamp(),
      level: l,
      msg,
      ...(simDay(context) ? { sim: simDay(context) } : {}),
    };
    process.stdout.write(`${JSON.stringify(line)}\n`);
  };
  return { info: (m) => write('info', m), warn: (m) => write('warn', m), error: (m) => write('error', m) } as Log;
}

/** Signed links carry a signature that opens a file, sign-in a one-time code: never write them to a log. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:sig|code|token)=)[^&]*/g, '$1[已隐去]');
}
