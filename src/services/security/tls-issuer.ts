import { networkInterfaces } from 'node:os';
import type { InstanceRow } from '../../db/schema.js';
import type { ModuleCa } from './tls-ca.js';
import type { TlsMaterial } from './tls-material.js';

/** The host's own non-loopback addresses, for instances published on 0.0.0.0 (external_access). */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces()).flat()
    .filter((a): a is NonNullable<typeof a> => !!a && !a.internal && !a.address.startsWith('fe80:'))
    .map((a) => a.address);
}

/**
 * Certificates for instances from the module's CA, naming every address a client may use:
 * 127.0.0.1, ::1 and localhost (the published port), the container's name (other containers on
 * its network), the VNet IP where it has one, and the host's addresses when it is published
 * beyond loopback.
 */
export class InstanceCertificates {
  constructor(private readonly ca: ModuleCa, private readonly external: () => string[] = hostAddresses) {}

  namesOf(row: Pick<InstanceRow, 'container_name' | 'vnet_ip' | 'external_access'>): string[] {
    return [
      '127.0.0.1', '::1', 'localhost', row.container_name,
      ...(row.vnet_ip ? [row.vnet_ip] : []),
      ...(row.external_access ? this.external() : []),
    ];
  }

  issue(row: Pick<InstanceRow, 'container_name' | 'vnet_ip' | 'external_access'>): Promise<TlsMaterial> {
    return this.ca.issue({ commonName: row.container_name, names: this.namesOf(row) });
  }

  caCertificate(): Promise<string> {
    return this.ca.certificatePem();
  }
}
