import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook delivery. */
export const SIGNATURE_HEADER = 'x-flux-signature';
export const TIMESTAMP_HEADER = 'x-flux-timestamp';

/** How far a delivery's timestamp may be from the receiver's clock before it is refused as a replay. */
export const DEFAULT_TOLERANCE_S = 300;

/**
 * The signature of one delivery: HMAC-SHA256 with the shared secret over `<timestamp>.<body>`,
 * the exact bytes sent, as `sha256=<hex>`. The timestamp (Unix seconds, its own header) is
 * inside the signed text, so a captured delivery cannot be replayed later with a new one.
 */
export function signWebhook(secret: string, timestampS: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`;
}

/** Why a delivery was refused; null when it is genuine and fresh. What a receiver runs (the tests do). */
export function verifyWebhook(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
  o: { nowS?: number; toleranceS?: number } = {},
): string | null {
  const one = (h: string) => { const v = headers[h]; return Array.isArray(v) ? v[0] : v; };
  const signature = one(SIGNATURE_HEADER);
  const stamp = one(TIMESTAMP_HEADER);
  if (!signature || !stamp) return 'missing signature or timestamp header';
  if (!/^\d{1,12}$/.test(stamp)) return 'malformed timestamp';
  const nowS = o.nowS ?? Math.floor(Date.now() / 1000);
  if (Math.abs(nowS - Number(stamp)) > (o.toleranceS ?? DEFAULT_TOLERANCE_S)) return 'timestamp outside the tolerance (a replay?)';
  const expected = Buffer.from(signWebhook(secret, Number(stamp), body));
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? null : 'signature does not match';
}
