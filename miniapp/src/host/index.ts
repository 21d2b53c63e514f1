import { browserHost } from './browser';
import { emulatorHost } from './emulator';
import type { Host } from './types';

export type { Host, PickedFile } from './types';

/**
 * Where are we? The emulator console passes `emulatorAuthCode`; 浙政钉 says "TaurusApp" in its
 * user agent (with "DingTalk" too: it is checked first); DingTalk's webview says "DingTalk". Each
 * platform's JSAPI host is loaded only inside that platform.
 */
export async function detectHost(): Promise<Host> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('emulatorAuthCode');
  if (code) {
    const platform = params.get('emulatorPlatform') === 'zzd' ? 'zzd' : 'dingtalk';
    params.delete('emulatorAuthCode');
    params.delete('emulatorPlatform');
    params.delete('corpId');
    const query = params.toString();
    window.history.replaceState(
      null,
      '',
      `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`,
    );
    return emulatorHost(code, platform);
  }
  const ua = navigator.userAgent;
  if (/TaurusApp/i.test(ua)) return (await import('./zzd')).zzdHost();
  if (/DingTalk/i.test(ua)) return (await import('./dingtalk')).dingtalkHost();
  return browserHost();
}
