import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

describe('loadConfig', () => {
  it('applies defaults and freezes the result', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', portRange: { low: 20000, high: 29999 }, autoInstallPodman: false, startPodmanService: true });
    expect(Object.isFrozen(c)).toBe(true);
    expect(c.databaseUrl).toBeUndefined();
  });

  it.each([
    ['PORT', 'abc'], ['PORT', '70000'], ['DATABASE_URL', 'mysql://x'], ['FLUX_ADMIN_TOKEN', 'short'],
    ['FLUX_READ_TOKEN', 'short'], ['LOG_LEVEL', 'loud'], ['FLUX_DATABASES_PORT_RANGE', '30000-20000'],
    ['FLUX_DATABASES_PORT_RANGE', '80-90'], ['FLUX_DATABASES_HEALTH_INTERVAL_S', '1'],
    ['FLUX_DATABASES_AUTO_INSTALL_PODMAN', 'maybe'], ['FLUX_DATABASES_MASTER_KEY', 'dG9vIHNob3J0'],
    ['FLUX_DATABASES_IMAGE_POSTGRESQL', 'bad image!'],
  ])('rejects %s=%s naming the variable', (name, value) => {
    let error: unknown;
    try {
      loadConfig({ [name]: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as Error).message).toMatch(new RegExp(`^${name}: `));
  });

  it('treats empty values as unset and reads image overrides', () => {
    const c = loadConfig({ PORT: '', FLUX_DATABASES_IMAGE_POSTGRESQL: 'localhost/flux-standin-postgresql:15' });
    expect(c.port).toBe(8080);
    expect(c.imageOverrides).toEqual({ postgresql: 'localhost/flux-standin-postgresql:15' });
  });
});
