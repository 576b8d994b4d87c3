import { randomBytes } from 'node:crypto';
import { badRequest } from '../../errors.js';
import { DEFAULT_SKU } from '../orchestration/skus.js';
import { resolveSku, type Sizing } from '../orchestration/sku-resources.js';
import type { EngineAdapter } from '../adapters/types.js';
import { operatorMaterial } from '../security/tls-material.js';

/** Patterns every name must match before it reaches a path, a container name or an engine. */
export const PATTERNS = {
  instanceName: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  databaseName: '^[a-z][a-z0-9_]{0,62}$',
  vnetName: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  version: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
} as const;
export const MAX_INSTANCE_NAME = 40;
export const MAX_VNET_NAME = 30;

/** The original's POST /databases body, plus an engine version. */
export interface CreateInstanceRequest {
  engine: string;
  version?: string;
  name?: string;
  database_name?: string;
  sku?: string;
  memory_limit_mb?: number;
  cpu_limit?: number;
  storage_limit_gb?: number;
  external_access?: boolean;
  tls_enabled?: boolean;
  tls_cert?: string;
  tls_key?: string;
  vnet_name?: string;
}

/** 400 naming the field unless `value` matches `pattern` and fits `max`. */
export function checkName(value: string, pattern: string, max: number, field: string): string {
  if (value.length > max || !new RegExp(pattern).test(value)) {
    throw badRequest(`${field} must match ${pattern} and be at most ${max} characters`);
  }
  return value;
}

/** SKU id to resources (a preset ignores client-sent sizes, as the original did), checked against the engine's minimum. */
export function resolveSizing(req: CreateInstanceRequest, adapter: EngineAdapter): Sizing {
  const sizing = resolveSku(req.sku ?? DEFAULT_SKU, { memoryMb: req.memory_limit_mb, cpus: req.cpu_limit, storageGb: req.storage_limit_gb });
  if (sizing.memoryMb < adapter.minMemoryMb) {
    throw badRequest(`${adapter.displayName} needs at least ${adapter.minMemoryMb} MB of memory; SKU ${sizing.sku} gives ${sizing.memoryMb} MB`);
  }
  if (sizing.cpus < adapter.minCpus) {
    throw badRequest(`${adapter.displayName} needs at least ${adapter.minCpus} vCPU; SKU ${sizing.sku} gives ${sizing.cpus}`);
  }
  return sizing;
}

/** A create request after every check that needs no I/O. */
export interface CheckedCreate {
  name: string;
  version: string;
  databaseName: string;
  vnetName: string | null;
  sizing: Sizing;
  tlsEnabled: boolean;
  /** The operator's material; absent with tlsEnabled: the module's CA issues a certificate at provisioning. */
  tls?: { cert: string; key: string };
}

/** Validates a create against the engine: version, names, sizing, TLS, exposure. 400 naming the field otherwise. */
export function checkCreateRequest(req: CreateInstanceRequest, adapter: EngineAdapter): CheckedCreate {
  const version = req.version ?? adapter.defaultVersion;
  if (!adapter.versions.includes(version)) {
    throw badRequest(`${adapter.displayName} version '${version}' is not supported; choose one of: ${adapter.versions.join(', ')}`);
  }
  const name = checkName(req.name ?? `${adapter.engine}-${randomBytes(3).toString('hex')}`, PATTERNS.instanceName, MAX_INSTANCE_NAME, 'name');
  const databaseName = checkName(req.database_name ?? 'app', PATTERNS.databaseName, 63, 'database_name');
  const vnetName = req.vnet_name === undefined ? null : checkName(req.vnet_name, PATTERNS.vnetName, MAX_VNET_NAME, 'vnet_name');
  const sizing = resolveSizing(req, adapter);
  if (req.external_access && !adapter.capabilities.hasAuthentication) {
    throw badRequest(`${adapter.displayName} runs without authentication here; it cannot be exposed beyond 127.0.0.1`);
  }
  // Every container on a VNet reaches its members' ports directly: an open server must not join one.
  if (vnetName !== null && !adapter.capabilities.hasAuthentication) {
    throw badRequest(`${adapter.displayName} runs without authentication here; it cannot join a VNet (vnet_name)`);
  }
  return { name, version, databaseName, vnetName, sizing, tlsEnabled: req.tls_enabled === true, tls: checkTls(req, adapter) };
}

/** The operator's certificate and key (checked: PEM, matching, valid now), or none: the module's CA issues one. */
function checkTls(req: CreateInstanceRequest, adapter: EngineAdapter): { cert: string; key: string } | undefined {
  if (!req.tls_enabled) {
    if (req.tls_cert !== undefined || req.tls_key !== undefined) throw badRequest('tls_cert and tls_key need tls_enabled: true');
    return undefined;
  }
  if (!adapter.capabilities.supportsTls) throw badRequest(`TLS is not supported for ${adapter.displayName} yet`);
  return operatorMaterial(req) ?? undefined;
}
