import type { Log } from './deps.js';

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;

/** A plain console logger with a timestamp, for the process's own messages. */
export function consoleLog(level: (typeof LEVELS)[number] = 'info'): Log {
  const min = LEVELS.indexOf(level);
  const at = (l: (typeof LEVELS)[number]): boolean => LEVELS.indexOf(l) >= min;
  const stamp = (): string => new Date().toISOString();
  return {
    info: (m) => at('info') && console.log(`${stamp()} INFO  ${m}`),
    warn: (m) => at('warn') && console.warn(`${stamp()} WARN  ${m}`),
    error: (m) => at('error') && console.error(`${stamp()} ERROR ${m}`),
  } as Log;
}

/** Signed links carry a signature that opens a file, sign-in a one-time code: never write them to a log. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:sig|code|token)=)[^&]*/g, '$1[已隐去]');
}
