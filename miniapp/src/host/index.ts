import { browserHost } from './browser';
import { emulatorHost } from './emulator';
import type { Host } from './types';

export type { Host, PickedFile } from './types';

/**
 * Where are we? The emulator console passes `emulatorAuthCode`; DingTalk's webview says
 * "DingTalk" in its user agent; 浙政钉 says "TaurusApp" (its gdt-jsapi host is a later issue and
 * falls back to the browser host until then). The DingTalk host is loaded only inside DingTalk.
 */
export async function detectHost(): Promise<Host> {
  const params = new URLSearchParams(window.location.search);
  const code = params.get('emulatorAuthCode');
  if (code) {
    params.delete('emulatorAuthCode');
    params.delete('corpId');
    const query = params.toString();
    window.history.replaceState(
      null,
      '',
      `${window.location.pathname}${query ? `?${query}` : ''}${window.location.hash}`,
    );
    return emulatorHost(code);
  }
  const ua = navigator.userAgent;
  if (/TaurusApp/i.test(ua)) return (await import('./zzd')).zzdHost();
  if (/DingTalk/i.test(ua)) return (await import('./dingtalk')).dingtalkHost();
  return browserHost();
}
