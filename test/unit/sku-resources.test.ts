import { describe, expect, it } from 'vitest';
import { ModuleError } from '../../src/errors.js';
import { checkHostCapacity, resolveSku, skuResources } from '../../src/services/orchestration/sku-resources.js';
import { SKUS } from '../../src/services/orchestration/skus.js';

const MB = 1024 * 1024;

describe('SKU -> resources (the seed table)', () => {
  it.each([
    ['b1', { memoryBytes: 1024 * MB, nanoCpus: 500_000_000, cpuShares: 512 }],
    ['b2', { memoryBytes: 2048 * MB, nanoCpus: 1e9, cpuShares: 512 }],
    ['d2', { memoryBytes: 4096 * MB, nanoCpus: 2e9, cpuShares: 1024 }],
    ['e2', { memoryBytes: 8192 * MB, nanoCpus: 2e9, cpuShares: 1024, memorySwappiness: 0, oomScoreAdj: -500 }],
    ['f2', { memoryBytes: 2048 * MB, nanoCpus: 2e9, cpuShares: 2048, memorySwapBytes: 2048 * MB }],
  ])('%s', (id, want) => {
    expect(skuResources(resolveSku(id), 100)).toEqual({ ...want, pidsLimit: 100 });
  });

  it('maps every preset with memory and NanoCpus straight from the table', () => {
    for (const sku of SKUS) {
      const r = skuResources(resolveSku(sku.id), 10);
      expect(r.memoryBytes).toBe(sku.memoryMb * MB);
      expect(r.nanoCpus).toBe(Math.round(sku.cpus * 1e9));
      expect(r.cpuShares).toBe({ B: 512, D: 1024, E: 1024, F: 2048, custom: 1024 }[sku.series]);
    }
  });

  it('custom gets D shares and nothing else', () => {
    expect(skuResources(resolveSku('custom', { memoryMb: 512, cpus: 0.5, storageGb: 1 }), 5)).toEqual({
      memoryBytes: 512 * MB, nanoCpus: 500_000_000, cpuShares: 1024, pidsLimit: 5,
    });
  });

  it('ignores case and refuses unknown SKUs with a 400', () => {
    expect(resolveSku('D4').sku).toBe('d4');
    expect(() => resolveSku('b1s')).toThrow(ModuleError);
    expect(() => resolveSku('b1s')).toThrow(/Invalid SKU tier: b1s. Must be one of: b1, b2/);
  });

  it.each([
    [{ memoryMb: 511, cpus: 1, storageGb: 1 }, /memory must be between 512/],
    [{ memoryMb: 1024, cpus: 0.4, storageGb: 1 }, /cpus must be between 0.5/],
    [{ memoryMb: 1024, cpus: 1, storageGb: 0.5 }, /storage must be between 1/],
    [{ memoryMb: 1024, cpus: 65, storageGb: 1 }, /cpus must be between 0.5 and 64/],
    [{ memoryMb: 1024, storageGb: 1 }, /needs cpus/],
  ])('validates custom %o', (custom, message) => {
    const err = (() => { try { resolveSku('custom', custom); } catch (e) { return e as ModuleError; } return null; })();
    expect(err?.statusCode).toBe(400);
    expect(err?.message).toMatch(message);
  });
});

describe('host capacity', () => {
  const host = { cpus: 2, memoryBytes: 24 * 1024 * MB };
  it('accepts what fits', () => {
    expect(() => checkHostCapacity(resolveSku('e2'), host)).not.toThrow();
  });
  it('refuses more CPUs or memory than the host has, with a clear 400', () => {
    expect(() => checkHostCapacity(resolveSku('d4'), host)).toThrow(/needs 4 vCPU but this host has 2/);
    expect(() => checkHostCapacity(resolveSku('custom', { memoryMb: 32768, cpus: 1, storageGb: 1 }), host)).toThrow(/needs 32768 MB of memory but this host has 24576 MB/);
    try {
      checkHostCapacity(resolveSku('d64'), host);
    } catch (e) {
      expect((e as ModuleError).statusCode).toBe(400);
    }
  });
});
