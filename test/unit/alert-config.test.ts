import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

const URL_VAR = 'FLUX_DATABASES_ALERT_WEBHOOK_URL';
const SECRET_VAR = 'FLUX_DATABASES_ALERT_WEBHOOK_SECRET';

describe('the alert webhook settings', () => {
  it('are off by default and take a URL, a secret and attempts together', () => {
    expect(loadConfig({}).alertWebhook).toBeUndefined();
    const c = loadConfig({ [URL_VAR]: 'https://hooks.example.com/flux', [SECRET_VAR]: 's3cret-s3cret-s3cret', FLUX_DATABASES_ALERT_WEBHOOK_ATTEMPTS: '3' });
    expect(c.alertWebhook).toEqual({ url: 'https://hooks.example.com/flux', secret: 's3cret-s3cret-s3cret', attempts: 3 });
    expect(Object.isFrozen(c.alertWebhook)).toBe(true);
    expect(loadConfig({ [URL_VAR]: 'http://127.0.0.1:9000/', [SECRET_VAR]: 'x'.repeat(16) }).alertWebhook?.attempts).toBe(8);
  });

  it.each([
    [{ [URL_VAR]: 'http://127.0.0.1:9000/' }, SECRET_VAR, /required with/],
    [{ [URL_VAR]: 'ftp://example.com/', [SECRET_VAR]: 'x'.repeat(16) }, URL_VAR, /http\(s\) URL/],
    [{ [URL_VAR]: 'not a url', [SECRET_VAR]: 'x'.repeat(16) }, URL_VAR, /http\(s\) URL/],
    [{ [URL_VAR]: 'http://127.0.0.1/', [SECRET_VAR]: 'short' }, SECRET_VAR, /at least 16/],
    [{ FLUX_DATABASES_ALERT_WEBHOOK_ATTEMPTS: '0' }, 'FLUX_DATABASES_ALERT_WEBHOOK_ATTEMPTS', /./],
  ])('refuses %o naming %s, and never echoes the secret', (env, variable, message) => {
    let err: unknown;
    try { loadConfig(env); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).variable).toBe(variable);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).not.toContain('short');
  });
});
