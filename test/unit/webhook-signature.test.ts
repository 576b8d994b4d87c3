import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhook } from '../../src/services/monitoring/webhook-signature.js';

const SECRET = 'webhook-secret-for-the-unit-test';
const BODY = '{"delivery_id":"alert-7-fired","event":"alert.fired","alert":{"id":7,"message":"ünïcode ✓"}}';
const NOW = 1_800_000_000;
const headers = (signature: string, stamp = String(NOW)) => ({ 'x-flux-signature': signature, 'x-flux-timestamp': stamp });

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "<timestamp>.<body>", as openssl computes it', () => {
    const expected = execFileSync('openssl', ['dgst', '-sha256', '-hmac', SECRET, '-r'], { input: `${NOW}.${BODY}` }).toString().split(' ')[0];
    expect(signWebhook(SECRET, NOW, BODY)).toBe(`sha256=${expected}`);
  });

  it('accepts a genuine fresh delivery and refuses a tampered body, another secret, a replay and missing headers', () => {
    const sig = signWebhook(SECRET, NOW, BODY);
    expect(verifyWebhook(SECRET, headers(sig), BODY, { nowS: NOW + 10 })).toBeNull();
    expect(verifyWebhook(SECRET, headers(sig), BODY.replace('7', '8'), { nowS: NOW })).toBe('signature does not match');
    expect(verifyWebhook(`${SECRET}x`, headers(sig), BODY, { nowS: NOW })).toBe('signature does not match');
    // The same signature with a newer timestamp: the timestamp is signed too.
    expect(verifyWebhook(SECRET, headers(sig, String(NOW + 400)), BODY, { nowS: NOW + 400 })).toBe('signature does not match');
    expect(verifyWebhook(SECRET, headers(sig), BODY, { nowS: NOW + 301 })).toMatch(/replay/);
    expect(verifyWebhook(SECRET, { 'x-flux-signature': sig }, BODY, { nowS: NOW })).toMatch(/missing/);
    expect(verifyWebhook(SECRET, headers(sig, 'yesterday'), BODY, { nowS: NOW })).toBe('malformed timestamp');
    expect(verifyWebhook(SECRET, headers('sha256=00'), BODY, { nowS: NOW })).toBe('signature does not match');
  });
});
