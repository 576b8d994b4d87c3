import { clamp, type PlanParts } from './base.js';
import { CassandraAdapter } from './cassandra.js';
import { bootstrapFiles } from './cql-bootstrap.js';
import type { AdapterInput, EngineId, SizingInput } from './types.js';

/**
 * ScyllaDB from docker.io/scylladb/scylla (CONTRACTS §15): Cassandra's CQL bootstrap (and its
 * verified lock-out of cassandra), but sized and configured through the flags the image's
 * entrypoint (commandlineparser.py) takes: --smp, --memory, --authenticator, --rpc-address ...
 */
export class ScylladbAdapter extends CassandraAdapter {
  override readonly engine: EngineId = 'scylladb';
  override readonly displayName = 'ScyllaDB';
  override readonly description = 'Cassandra-compatible wide-column store written in C++ (single node)';
  override readonly defaultImage = 'docker.io/scylladb/scylla';
  // 6.2 is the last open-source line (testcontainers pins 6.2.3).
  override readonly defaultVersion = '6.2.3';
  override readonly versions: readonly string[] = ['6.2.3', '6.2'];
  override readonly ports = [
    { name: 'cql', containerPort: 9042, primary: true },
    { name: 'internode', containerPort: 7000 },
    { name: 'rest', containerPort: 10000 },
    { name: 'prometheus', containerPort: 9180 },
  ];
  override readonly unsupported: Readonly<Record<string, string>> = {
    tls: 'client_encryption_options with PEM files is unverified; not wired',
    uri: 'CQL has no standard URI: contact point host:port, local datacenter datacenter1',
    readOnlyRootfs: 'the entrypoint writes /etc/scylla.d and io properties',
    rootless: 'needs the host fs.aio-max-nr raised; a rootless container cannot set it',
    backup: 'nodetool snapshot leaves hard links in the data directory, and a restore copies SSTables back for nodetool refresh: no stream, not offered',
  };
  override readonly minMemoryMb = 1536;
  override readonly startupTimeoutMs = 180_000;

  override memoryShares(s: SizingInput): Record<string, number> {
    // Seastar takes --memory up front; leave 25 % (at least 256 MB) for the supervisor, Python and the OS.
    return { memory: Math.max(768, s.memoryMb - Math.max(256, Math.floor(s.memoryMb / 4))) };
  }

  protected override containerPlan(input: AdapterInput): PlanParts {
    const smp = clamp(Math.floor(input.sizing.cpus), 1, 64);
    return {
      cmd: [
        '--smp', String(smp), '--memory', `${this.memoryShares(input.sizing).memory}M`, '--overprovisioned', '1',
        '--developer-mode', '1', '--authenticator', 'PasswordAuthenticator', '--authorizer', 'CassandraAuthorizer',
        // The entrypoint defaults the client address to the container IP, where the bootstrap's
        // cqlsh (127.0.0.1) cannot reach it; the wildcard needs a broadcast address beside it.
        '--rpc-address', '0.0.0.0', '--broadcast-rpc-address', '127.0.0.1',
      ],
      // Root entrypoint (python setup scripts, then supervisord; current builds run scylla itself as
      // root): it writes /etc/scylla.d and chowns; which capability each step needs is unverified,
      // so the step-down set stays.
      capAdd: ['SETUID', 'SETGID', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER'],
      dataDir: '/var/lib/scylla',
      files: bootstrapFiles(input),
      nofile: 200000,
      pidsLimit: 4096,
    };
  }
}
