import { badRequest } from '../errors.js';
import { CUSTOM_MAX, CUSTOM_MIN, DEFAULT_SKU, findSku, SKUS, type SkuSeries } from './skus.js';
import type { EngineAdapter } from './adapters/types.js';

/** Patterns every name must match before it reaches a path, a container name or an engine. */
export const PATTERNS = {
  instanceName: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  databaseName: '^[a-z][a-z0-9_]{0,62}$',
  vnetName: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$',
  version: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
} as const;
export const MAX_INSTANCE_NAME = 40;
export const MAX_VNET_NAME = 30;
const MAX_PEM_BYTES = 16 * 1024;

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

export interface ResolvedSizing {
  sku: string;
  series: SkuSeries;
  memoryMb: number;
  cpus: number;
  storageGb: number;
}

export function checkName(value: string, pattern: string, max: number, field: string): string {
  if (value.length > max || !new RegExp(pattern).test(value)) {
    throw badRequest(`${field} must match ${pattern} and be at most ${max} characters`);
  }
  return value;
}

/** SKU id to resources; a preset ignores client-sent sizes, as the original did. */
export function resolveSizing(req: CreateInstanceRequest, adapter: EngineAdapter): ResolvedSizing {
  const skuId = (req.sku ?? DEFAULT_SKU).toLowerCase();
  let sizing: ResolvedSizing;
  if (skuId === 'custom') {
    const { memory_limit_mb: m, cpu_limit: c, storage_limit_gb: s } = req;
    if (m === undefined || c === undefined || s === undefined) {
      throw badRequest('sku "custom" needs memory_limit_mb, cpu_limit and storage_limit_gb');
    }
    if (m < CUSTOM_MIN.memoryMb || m > CUSTOM_MAX.memoryMb) throw badRequest(`memory_limit_mb must be between ${CUSTOM_MIN.memoryMb} and ${CUSTOM_MAX.memoryMb}`);
    if (c < CUSTOM_MIN.cpus || c > CUSTOM_MAX.cpus) throw badRequest(`cpu_limit must be between ${CUSTOM_MIN.cpus} and ${CUSTOM_MAX.cpus}`);
    if (s < CUSTOM_MIN.storageGb || s > CUSTOM_MAX.storageGb) throw badRequest(`storage_limit_gb must be between ${CUSTOM_MIN.storageGb} and ${CUSTOM_MAX.storageGb}`);
    sizing = { sku: 'custom', series: 'custom', memoryMb: Math.floor(m), cpus: Math.round(c * 100) / 100, storageGb: Math.floor(s) };
  } else {
    const sku = findSku(skuId);
    if (!sku) throw badRequest(`Invalid SKU tier: ${req.sku}. Must be one of: ${skuList()}, custom`);
    sizing = { sku: sku.id, series: sku.series, memoryMb: sku.memoryMb, cpus: sku.cpus, storageGb: sku.storageGb };
  }
  if (sizing.memoryMb < adapter.minMemoryMb) {
    throw badRequest(`${adapter.displayName} needs at least ${adapter.minMemoryMb} MB of memory; SKU ${sizing.sku} gives ${sizing.memoryMb} MB`);
  }
  if (sizing.cpus < adapter.minCpus) {
    throw badRequest(`${adapter.displayName} needs at least ${adapter.minCpus} vCPU; SKU ${sizing.sku} gives ${sizing.cpus}`);
  }
  return sizing;
}

const skuList = () => SKUS.map((s) => s.id).join(', ');

/** Base64 of a PEM block, as the original UI's FileReader sends it; strict decode, size-capped. */
export function decodePem(value: string, field: string, marker: RegExp): string {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) throw badRequest(`${field} must be base64`);
  const pem = Buffer.from(value, 'base64');
  if (pem.length > MAX_PEM_BYTES) throw badRequest(`${field} must be at most ${MAX_PEM_BYTES} bytes`);
  const text = pem.toString('utf8');
  if (!marker.test(text)) throw badRequest(`${field} is not a PEM block of the expected kind`);
  return text;
}
export const CERT_MARKER = /^-----BEGIN CERTIFICATE-----[\s\S]+-----END CERTIFICATE-----\s*$/;
export const KEY_MARKER = /^-----BEGIN ((RSA|EC) )?PRIVATE KEY-----[\s\S]+-----END ((RSA|EC) )?PRIVATE KEY-----\s*$/;
