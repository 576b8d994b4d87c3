import { describe, expect, it } from 'vitest';
import {
  checkOverrides, diskReadings, effectiveRules, ruleOf, sampleReadings, verdict,
} from '../../src/services/monitoring/alert-rules.js';
import type { MetricSample } from '../../src/services/monitoring/metric-sample.js';
import { engineMetricName } from '../../src/services/monitoring/prometheus-names.js';

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const sample = (over: Partial<MetricSample>): MetricSample => ({ instanceId: 1, at: new Date(), container: null, disk: null, engine: {}, units: {}, ...over });
const container = (used: number, limit: number) => ({
  cpuPercent: 1, memoryUsedBytes: used, memoryLimitBytes: limit, netRxBytes: 0, netTxBytes: 0, blockReadBytes: 0, blockWriteBytes: 0, pids: 1,
});

describe('alert rules', () => {
  it('applies an instance\'s overrides over the defaults, rule by rule', () => {
    const rules = effectiveRules({ memory: { threshold: 75 }, unhealthy: { enabled: false } });
    expect(rules.map((r) => [r.rule, r.enabled, r.threshold, r.overridden])).toEqual([
      ['unhealthy', false, null, true], ['disk_warning', true, 80, false], ['disk_critical', true, 95, false],
      ['memory', true, 75, true], ['connections', true, 90, false],
    ]);
    expect(ruleOf({ alert_rules: {} }, 'disk_critical')).toMatchObject({ severity: 'critical', threshold: 95 });
  });

  it('checks overrides: known rules and fields, thresholds in range and only where a rule has one, warning below critical', () => {
    expect(checkOverrides({ memory: { threshold: 50, enabled: true }, unhealthy: { enabled: false } }))
      .toEqual({ memory: { threshold: 50, enabled: true }, unhealthy: { enabled: false } });
    expect(checkOverrides({ disk_warning: { enabled: false }, disk_critical: { threshold: 70 } })).toEqual({ disk_warning: { enabled: false }, disk_critical: { threshold: 70 } });
    for (const [body, message] of [
      [{ cpu: {} }, /body\/cpu: no such rule/],
      [{ unhealthy: { threshold: 10 } }, /unhealthy rule has no threshold/],
      [{ memory: { threshold: 2 } }, /above 2 and at most 100/],
      [{ memory: { threshold: Number.NaN } }, /at most 100/],
      [{ memory: { enabled: 1 } }, /enabled: must be a boolean/],
      [{ memory: { level: 3 } }, /memory\/level: unknown field/],
      [{ disk_critical: { threshold: 75 } }, /below disk_critical's \(75%\)/],
    ] as const) {
      expect(() => checkOverrides(body as Record<string, unknown>), JSON.stringify(body)).toThrow(message);
    }
  });

  it('fires at the threshold, resolves only past the margin below it, and always when the rule is off', () => {
    const memory = ruleOf({ alert_rules: {} }, 'memory');
    expect([95, 90, 89, 88.1, 88, 87.9].map((p) => verdict(memory, p))).toEqual(['fire', 'fire', 'hold', 'hold', 'hold', 'resolve']);
    expect(verdict(ruleOf({ alert_rules: { memory: { enabled: false } } }, 'memory'), 99)).toBe('resolve');
  });

  it('reads disk, memory against the smaller of the reported and the sized limit, and connections against the maximum', () => {
    expect(diskReadings(0.851 * GIB, GIB).map((r) => [r.rule, r.percent])).toEqual([['disk_warning', 85.1], ['disk_critical', 85.1]]);
    expect(diskReadings(5, 0)).toEqual([]);
    const row = { memory_limit_mb: 512 };
    const [unenforced] = sampleReadings(row, sample({ container: container(480 * MIB, 16 * GIB) }));
    expect(unenforced).toMatchObject({ rule: 'memory', percent: 93.8, describe: '480 MB of the 512 MB memory limit in use (93.8%)' });
    const [tighter] = sampleReadings({ memory_limit_mb: 1024 }, sample({ container: container(200 * MIB, 256 * MIB) }));
    expect(tighter!.percent).toBe(78.1);
    const readings = sampleReadings(row, sample({ connections: { current: 91, max: 100 }, disk: { usedBytes: GIB, limitBytes: 2 * GIB } }));
    expect(readings.map((r) => [r.rule, r.percent])).toEqual([['disk_warning', 50], ['disk_critical', 50], ['connections', 91]]);
    expect(sampleReadings(row, sample({ connections: { current: 3, max: 0 } }))).toEqual([]);
  });
});

describe('Prometheus names of engine figures', () => {
  it('puts each figure in base units with its unit as suffix', () => {
    expect(engineMetricName('database_size_bytes', 'bytes', 10)).toMatchObject({ name: 'fluxdb_engine_database_size_bytes', value: 10 });
    expect(engineMetricName('used_memory', 'bytes', 10)).toMatchObject({ name: 'fluxdb_engine_used_memory_bytes' });
    expect(engineMetricName('cache_hit_ratio', 'ratio', 0.99)).toMatchObject({ name: 'fluxdb_engine_cache_hit_ratio', value: 0.99 });
    expect(engineMetricName('hit_percent', 'percent', 50)).toMatchObject({ name: 'fluxdb_engine_hit_ratio', value: 0.5 });
    expect(engineMetricName('memory_used_percent_of_max', 'percent', 12)).toMatchObject({ name: 'fluxdb_engine_memory_used_ratio_of_max', value: 0.12 });
    expect(engineMetricName('buffer_fill', 'percent', 50)).toMatchObject({ name: 'fluxdb_engine_buffer_fill_ratio', value: 0.5 });
    expect(engineMetricName('query_latency_ms', 'ms', 250)).toMatchObject({ name: 'fluxdb_engine_query_latency_seconds', value: 0.25 });
    expect(engineMetricName('commits_per_second', 'per_second', 3)).toMatchObject({ name: 'fluxdb_engine_commits_per_second' });
    expect(engineMetricName('Slow-Queries', 'count', 2)).toMatchObject({ name: 'fluxdb_engine_slow_queries', value: 2 });
    expect(engineMetricName('---', 'count', 2)).toBeNull();
  });
});
