import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { InstanceRow } from '../../db/schema.js';
import { conflict, ModuleError, notImplemented } from '../../errors.js';
import type { ModuleLogger } from '../../module-contract.js';
import { getAdapter } from '../adapters/registry.js';
import { adapterInput } from '../drivers/container-support.js';
import type { InstanceActions } from '../instances/actions.js';
import { MEANT_TO_RUN } from '../instances/instance-state.js';
import type { InstanceSupport } from '../instances/support.js';
import { setTimeout as sleep } from 'node:timers/promises';
import type { VolumeService } from '../volume-service.js';
import type { InstanceCertificates } from './tls-issuer.js';
import { certificateFacts, issuedBy, operatorMaterial, type CertificateFacts, type TlsMaterial } from './tls-material.js';
import { TLS_RELOADERS, type TlsReloader } from './tls-reload.js';
import { servedFingerprint } from './tls-served.js';

export interface TlsServiceDeps {
  support: InstanceSupport;
  actions: InstanceActions;
  volumes: Pick<VolumeService, 'paths' | 'writeTls'>;
  certificates: InstanceCertificates;
  logger: ModuleLogger;
  /** How long a reloaded engine may take to serve the new certificate (default 15 s). */
  servedWithinMs?: number;
}

/** An instance's certificate as GET /databases/{id}/tls shows it. */
export interface InstanceTls extends CertificateFacts {
  /** `module`: issued by the module's CA (GET /tls/ca verifies it); `operator`: supplied by the operator. */
  origin: 'module' | 'operator';
  certificate: string;
}

/** How a new certificate reached the engine. */
export type TlsApplied = 'reloaded' | 'restarted' | 'at_next_start';

/**
 * TLS of the instances: what each serves, and replacing it (PUT /databases/{id}/tls) without
 * losing data. The new files are written under the instance's lock, then the engine reloads them
 * where it can (PostgreSQL, MySQL/MariaDB, the Redis family) or restarts (ClickHouse, InfluxDB);
 * either way the call answers once a TLS handshake of our own sees the new certificate. When
 * that fails the previous files are put back and applied again, and the answer says so.
 */
export class TlsService {
  constructor(private readonly d: TlsServiceDeps) {}

  caCertificate(): Promise<string> {
    return this.d.certificates.caCertificate();
  }

  /** The certificate an instance serves (its files), or null without TLS. */
  async describe(row: InstanceRow): Promise<InstanceTls | null> {
    if (!row.tls_enabled) return null;
    const { cert } = await this.current(row);
    const ca = await this.caCertificate();
    return { ...certificateFacts(cert), origin: issuedBy(cert, ca) ? 'module' : 'operator', certificate: cert };
  }

  /** Replaces the certificate with the operator's (checked first: nothing changes on a 400) or a new one from the CA. */
  async replace(id: number, body: { tls_cert?: string; tls_key?: string }): Promise<{ tls: InstanceTls; applied: TlsApplied }> {
    const operator = operatorMaterial(body);
    const { support } = this.d;
    const first = await support.get(id);
    if (!first.tls_enabled) throw conflict(`Instance ${first.name} was created without TLS; its container has no TLS files to replace (create it with tls_enabled)`);
    if (!TLS_RELOADERS[first.engine]) throw notImplemented(`Replacing the certificate is not offered for ${getAdapter(first.engine).displayName}`);
    return support.lock.run(id, async () => {
      const row = await support.get(id);
      if (!MEANT_TO_RUN.has(row.status) && row.status !== 'stopped') {
        throw new ModuleError('INSTANCE_BUSY', `Instance is ${row.status}; its certificate can be replaced while it runs or is stopped`);
      }
      const material = operator ?? await this.d.certificates.issue(row);
      const previous = await this.current(row);
      const owner = await this.ownerOf(row);
      await this.d.volumes.writeTls(row.container_name, material.cert, material.key, owner);
      let applied: TlsApplied = 'at_next_start';
      if (MEANT_TO_RUN.has(row.status)) {
        try {
          applied = await this.apply(row, material);
        } catch (err) {
          const why = (err as Error).message.split('\n')[0];
          await this.d.volumes.writeTls(row.container_name, previous.cert, previous.key, owner);
          const back = await this.apply(await support.get(id), previous).then(() => 'the previous certificate was put back and is served again',
            (e: Error) => `the previous certificate's files were put back, but applying them failed too: ${e.message.split('\n')[0]}`);
          this.d.logger.warn({ instanceId: id, err: why }, 'certificate replacement failed');
          throw new ModuleError('ENGINE_REFUSED', `The engine did not take the new certificate (${why}); ${back}`, { cause: err });
        }
      }
      this.d.logger.info({ instanceId: id, applied, fingerprint: certificateFacts(material.cert).fingerprint256 }, 'certificate replaced');
      return { tls: (await this.describe(row))!, applied };
    });
  }

  private async apply(row: InstanceRow, material: TlsMaterial): Promise<TlsApplied> {
    const reloader = TLS_RELOADERS[row.engine]!;
    let applied: TlsApplied = 'reloaded';
    if (reloader.reload) {
      await reloader.reload(await this.d.support.driverOf(row).endpoint(row));
    } else {
      await this.d.actions.runLocked(row, 'restart', { recovering: !MEANT_TO_RUN.has(row.status) });
      applied = 'restarted';
    }
    await this.servedNow(row, reloader, certificateFacts(material.cert).fingerprint256);
    return applied;
  }

  /** Polls a TLS handshake until the engine serves `fingerprint` (a reload is asynchronous in some engines). */
  private async servedNow(row: InstanceRow, reloader: TlsReloader, fingerprint: string): Promise<void> {
    const ep = await this.d.support.driverOf(row).endpoint(row);
    const deadline = Date.now() + (this.d.servedWithinMs ?? 15_000);
    let seen = '';
    for (;;) {
      seen = await servedFingerprint(ep.host, ep.port(reloader.containerPort), reloader.start).catch((err: Error) => `none (${err.message})`);
      if (seen === fingerprint) return;
      if (Date.now() > deadline) throw new Error(`the engine still serves ${seen}, not the new certificate ${fingerprint}`);
      await sleep(200);
    }
  }

  private async current(row: InstanceRow): Promise<TlsMaterial> {
    const dir = this.d.volumes.paths(row.container_name).tls;
    const [cert, key] = await Promise.all([readFile(path.join(dir, 'server.crt'), 'utf8'), readFile(path.join(dir, 'server.key'), 'utf8')]);
    return { cert, key };
  }

  /** The container user the engine reads its key as (the plan's --user). */
  private async ownerOf(row: InstanceRow): Promise<string | undefined> {
    const password = await this.d.support.adminPassword(row.id);
    if (!password) throw new ModuleError('CREDENTIALS_MISSING', `Instance ${row.id} has no stored credentials`);
    return getAdapter(row.engine).plan(adapterInput(row, password)).user;
  }
}
