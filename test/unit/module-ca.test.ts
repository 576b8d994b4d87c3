import { randomBytes, X509Certificate } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModuleCa } from '../../src/services/security/tls-ca.js';
import { InstanceCertificates } from '../../src/services/security/tls-issuer.js';
import { checkMaterial, issuedBy } from '../../src/services/security/tls-material.js';
import { tempDir } from '../helpers/host.js';

describe('the module CA', () => {
  it('is made once per directory (two starters agree on one), kept 0600 with its key sealed, and reloaded', async () => {
    const dir = await tempDir();
    try {
      const key = randomBytes(32);
      const [a, b] = [new ModuleCa({ dir: dir.path, moduleKey: async () => key }), new ModuleCa({ dir: dir.path, moduleKey: async () => key })];
      const [pa, pb] = await Promise.all([a.certificatePem(), b.certificatePem()]);
      expect(pa).toBe(pb);
      const file = path.join(dir.path, 'ca.json');
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const stored = await readFile(file, 'utf8');
      expect(stored).not.toMatch(/PRIVATE KEY/);
      expect(JSON.parse(stored).key).toMatch(/^v2:/);
      expect(new X509Certificate(pa).ca).toBe(true);
      expect(await new ModuleCa({ dir: dir.path, moduleKey: async () => key }).certificatePem()).toBe(pa);
      // Another module key cannot open it: the CA is of no use without the key file.
      await expect(new ModuleCa({ dir: dir.path, moduleKey: async () => randomBytes(32) }).issue({ commonName: 'x', names: ['127.0.0.1'] })).rejects.toThrow(/sealed with key/);
    } finally {
      await dir.remove();
    }
  });

  it('issues server certificates for every address a client uses, valid now, verifiable with the CA', async () => {
    const dir = await tempDir();
    try {
      const ca = new ModuleCa({ dir: dir.path, moduleKey: async () => Buffer.alloc(32, 7) });
      const certs = new InstanceCertificates(ca, () => ['192.0.2.10']);
      const m = await certs.issue({ container_name: 'db-orders', vnet_ip: '10.89.0.5', external_access: true });
      checkMaterial(m.cert, m.key);
      const leaf = new X509Certificate(m.cert);
      expect(leaf.subjectAltName!.split(', ')).toEqual(['IP Address:127.0.0.1', 'IP Address:0:0:0:0:0:0:0:1', 'DNS:localhost', 'DNS:db-orders', 'IP Address:10.89.0.5', 'IP Address:192.0.2.10']);
      expect(leaf.ca).toBe(false);
      expect(leaf.keyUsage).toContain('1.3.6.1.5.5.7.3.1');
      expect(issuedBy(m.cert, await ca.certificatePem())).toBe(true);
      expect(new Date(leaf.validTo).getTime() - Date.now()).toBeGreaterThan(390 * 86_400_000);
      // A loopback-only instance does not name the host's addresses.
      const local = new X509Certificate((await certs.issue({ container_name: 'db-x', vnet_ip: null, external_access: false })).cert);
      expect(local.subjectAltName).not.toContain('192.0.2.10');
    } finally {
      await dir.remove();
    }
  });
});
