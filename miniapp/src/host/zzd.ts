import { browserHost } from './browser';
import type { Host } from './types';

/**
 * 浙政钉 (Zhejiang's government DingTalk) — the seam for gdt-jsapi, which a later issue fills:
 * its 免登 goes through the 浙政钉 gateway, not DingTalk's requestAuthCode. Until then the page
 * explains that it must be opened from 政务钉钉.
 */
export function zzdHost(): Host {
  return { ...browserHost(), kind: 'zzd', ownNavBar: false };
}
