import { browserHost } from './browser';
import type { Host } from './types';

/**
 * Opened from the emulator console: the console put a fresh auth code, issued by the emulator as
 * DingTalk (or, for an official seen on 浙政钉, its gateway) would, in the URL. It is used once and
 * removed from the address bar.
 */
export function emulatorHost(code: string, platform: 'dingtalk' | 'zzd' = 'dingtalk'): Host {
  let pending: string | undefined = code;
  return {
    ...browserHost(),
    kind: 'emulator',
    platform,
    authCode: async () => {
      const c = pending;
      pending = undefined;
      return c;
    },
  };
}
