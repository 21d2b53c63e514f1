import { createHmac, timingSafeEqual } from 'node:crypto';

/** sign = Base64(HmacSHA256(key = appSecret, message = timestamp + "\n" + appSecret)). */
export function callbackSign(timestamp: string, appSecret: string): string {
  return createHmac('sha256', appSecret).update(`${timestamp}\n${appSecret}`, 'utf8').digest('base64');
}

export type SignatureCheck = 'ok' | 'missing' | 'bad-sign' | 'stale';

/** Checks the `timestamp` and `sign` headers of a robot HTTP callback: both must pass. */
export function checkCallbackSignature(
  timestamp: string | undefined,
  sign: string | undefined,
  appSecret: string,
  now: number,
  maxSkewMs = 3600_000,
): SignatureCheck {
  if (!timestamp || !sign || !/^\d{10,16}$/.test(timestamp)) return 'missing';
  const expected = Buffer.from(callbackSign(timestamp, appSecret));
  const given = Buffer.from(sign);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'bad-sign';
  if (Math.abs(now - Number(timestamp)) > maxSkewMs) return 'stale';
  return 'ok';
}
