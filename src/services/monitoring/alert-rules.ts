import type { InstanceRow } from '../../db/schema.js';
import { ModuleError } from '../../errors.js';
import type { MetricSample } from './metric-sample.js';

export type Severity = 'warning' | 'critical';

/** A built-in rule: what it watches, how bad a breach is, and its default threshold (percent). */
export interface RuleDefinition {
  severity: Severity;
  /** Percent at which it fires; null for a rule that is a state, not a threshold. */
  threshold: number | null;
  description: string;
}

/**
 * The built-in rules. Disk has two, so a volume at 96 % shows both the warning and the
 * critical alert, each firing and resolving on its own, one per instance and rule.
 */
export const BUILT_IN_RULES = {
  unhealthy: { severity: 'critical', threshold: null, description: 'the instance is unhealthy: failed health checks, or its container died' },
  disk_warning: { severity: 'warning', threshold: 80, description: 'volume use in percent of storage_limit_gb' },
  disk_critical: { severity: 'critical', threshold: 95, description: 'volume use in percent of storage_limit_gb' },
  memory: { severity: 'warning', threshold: 90, description: 'container memory in use in percent of the instance\'s memory limit' },
  connections: { severity: 'warning', threshold: 90, description: 'connections in use in percent of the engine\'s maximum' },
} as const satisfies Record<string, RuleDefinition>;

export type BuiltInRule = keyof typeof BUILT_IN_RULES;
export const RULE_NAMES = Object.keys(BUILT_IN_RULES) as BuiltInRule[];
export const THRESHOLD_RULES = RULE_NAMES.filter((r) => BUILT_IN_RULES[r].threshold !== null) as Exclude<BuiltInRule, 'unhealthy'>[];
export const isBuiltIn = (rule: string): rule is BuiltInRule => Object.hasOwn(BUILT_IN_RULES, rule);

/**
 * A threshold alert resolves only this many points below its threshold, so a figure hovering
 * at the line does not fire and resolve every cycle.
 */
export const RESOLVE_MARGIN = 2;

/** What an instance overrides (instances.alert_rules). */
export type RuleOverrides = Partial<Record<BuiltInRule, { enabled?: boolean; threshold?: number }>>;

/** A rule as it applies to one instance. */
export interface EffectiveRule {
  rule: BuiltInRule;
  enabled: boolean;
  severity: Severity;
  threshold: number | null;
  default_threshold: number | null;
  overridden: boolean;
  description: string;
}

export function effectiveRules(overrides: RuleOverrides | Record<string, unknown> | null | undefined): EffectiveRule[] {
  const o = (overrides ?? {}) as RuleOverrides;
  return RULE_NAMES.map((rule) => {
    const def: RuleDefinition = BUILT_IN_RULES[rule];
    const own = o[rule];
    return {
      rule, enabled: own?.enabled ?? true, severity: def.severity,
      threshold: def.threshold === null ? null : own?.threshold ?? def.threshold,
      default_threshold: def.threshold, overridden: own !== undefined && Object.keys(own).length > 0, description: def.description,
    };
  });
}

export const ruleOf = (row: Pick<InstanceRow, 'alert_rules'>, rule: BuiltInRule): EffectiveRule =>
  effectiveRules(row.alert_rules).find((r) => r.rule === rule)!;

/**
 * Checks overrides beyond their schema (which already holds each field's type and range): a
 * threshold only where the rule has one, and a warning below its critical. Throws BAD_REQUEST.
 */
export function checkOverrides(body: Record<string, unknown>): RuleOverrides {
  const out: RuleOverrides = {};
  for (const [rule, value] of Object.entries(body)) {
    if (!isBuiltIn(rule)) throw new ModuleError('BAD_REQUEST', `body/${rule}: no such rule (rules: ${RULE_NAMES.join(', ')})`);
    const v = (value ?? {}) as { enabled?: unknown; threshold?: unknown };
    for (const key of Object.keys(v)) {
      if (key !== 'enabled' && key !== 'threshold') throw new ModuleError('BAD_REQUEST', `body/${rule}/${key}: unknown field`);
    }
    if (v.enabled !== undefined && typeof v.enabled !== 'boolean') throw new ModuleError('BAD_REQUEST', `body/${rule}/enabled: must be a boolean`);
    if (v.threshold !== undefined) {
      if (BUILT_IN_RULES[rule].threshold === null) throw new ModuleError('BAD_REQUEST', `body/${rule}/threshold: the ${rule} rule has no threshold`);
      if (typeof v.threshold !== 'number' || !Number.isFinite(v.threshold) || v.threshold <= RESOLVE_MARGIN || v.threshold > 100) {
        throw new ModuleError('BAD_REQUEST', `body/${rule}/threshold: must be a percent above ${RESOLVE_MARGIN} and at most 100`);
      }
    }
    out[rule] = { ...(v.enabled === undefined ? {} : { enabled: v.enabled as boolean }), ...(v.threshold === undefined ? {} : { threshold: v.threshold as number }) };
  }
  const rules = effectiveRules(out);
  const warn = rules.find((r) => r.rule === 'disk_warning')!;
  const crit = rules.find((r) => r.rule === 'disk_critical')!;
  if (warn.enabled && crit.enabled && warn.threshold! >= crit.threshold!) {
    throw new ModuleError('BAD_REQUEST', `body/disk_warning/threshold: must be below disk_critical's (${crit.threshold}%)`);
  }
  return out;
}

/** One threshold rule's reading: the figure in percent and how to say it; null when the sample cannot tell. */
export interface Reading {
  rule: Exclude<BuiltInRule, 'unhealthy'>;
  percent: number;
  /** "the volume uses 85.1% of its 1 GB" */
  describe: string;
}

const MIB = 1024 ** 2;
const GIB = 1024 ** 3;
const pct = (used: number, limit: number) => Math.round((used / limit) * 1000) / 10;
const size = (bytes: number) => (bytes >= GIB ? `${Math.round((bytes / GIB) * 10) / 10} GB` : `${Math.round(bytes / MIB)} MB`);

export function diskReadings(usedBytes: number, limitBytes: number): Reading[] {
  if (!(limitBytes > 0) || !(usedBytes >= 0)) return [];
  const percent = pct(usedBytes, limitBytes);
  const describe = `the volume uses ${percent}% of its ${size(limitBytes)}`;
  return [{ rule: 'disk_warning', percent, describe }, { rule: 'disk_critical', percent, describe }];
}

/**
 * The sample's readings. Memory is measured against the instance's own limit: where the host
 * cannot enforce it (rootless on cgroup v1) Podman reports the host's memory as the limit.
 */
export function sampleReadings(row: Pick<InstanceRow, 'memory_limit_mb'>, s: MetricSample): Reading[] {
  const out: Reading[] = [];
  if (s.disk) out.push(...diskReadings(s.disk.usedBytes, s.disk.limitBytes));
  if (s.container) {
    const limits = [s.container.memoryLimitBytes, row.memory_limit_mb * MIB].filter((n) => n > 0);
    const limit = Math.min(...limits);
    if (limits.length && s.container.memoryUsedBytes >= 0) {
      const percent = pct(s.container.memoryUsedBytes, limit);
      out.push({ rule: 'memory', percent, describe: `${size(s.container.memoryUsedBytes)} of the ${size(limit)} memory limit in use (${percent}%)` });
    }
  }
  if (s.connections && s.connections.max > 0) {
    const percent = pct(s.connections.current, s.connections.max);
    out.push({ rule: 'connections', percent, describe: `${s.connections.current} of ${s.connections.max} connections in use (${percent}%)` });
  }
  return out;
}

/** What a reading means for its rule: fire, resolve, or leave as it is (within the margin). */
export function verdict(rule: EffectiveRule, percent: number): 'fire' | 'resolve' | 'hold' {
  if (!rule.enabled || rule.threshold === null) return 'resolve';
  if (percent >= rule.threshold) return 'fire';
  return percent < rule.threshold - RESOLVE_MARGIN ? 'resolve' : 'hold';
}
