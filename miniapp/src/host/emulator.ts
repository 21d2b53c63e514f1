import { browserHost } from './browser';
import type { Host } from './types';

/**
 * Opened from the emulator console: the console put a fresh auth code, issued by the emulator as
 * DingTalk would, in the URL. It is used once and removed from the address bar.
 */
export function emulatorHost(code: string): Host {
  let pending: string | undefined = code;
  return {
    ...browserHost(),
    kind: 'emulator',
    authCode: async () => {
      const c = pending;
      pending = undefined;
      return c;
    },
  };
}
