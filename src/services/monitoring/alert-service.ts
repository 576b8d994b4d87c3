import type { Kysely } from 'kysely';
import * as alerts from '../../db/repositories/alerts.js';
import * as repo from '../../db/repositories/instances.js';
import type { Database, InstanceRow, InstanceStatus } from '../../db/schema.js';
import type { ModuleLogger } from '../../module-contract.js';
import { MEANT_TO_RUN } from '../instances/instance-state.js';
import type { Clock } from '../scheduler/clock.js';
import type { AlertSink } from './alert-sink.js';
import {
  checkOverrides, diskReadings, effectiveRules, isBuiltIn, ruleOf, RESOLVE_MARGIN, sampleReadings, THRESHOLD_RULES, verdict,
  type Reading, type Severity,
} from './alert-rules.js';
import { alertView, PENDING } from './alert-view.js';
import type { MetricSample } from './metric-sample.js';
import type { WebhookNotifier } from './webhook-notifier.js';
import type { AuditRecorder } from '../security/audit-log.js';

export interface AlertServiceDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: ModuleLogger;
  /** Delivers each change to the webhook; absent when none is configured. */
  notifier?: WebhookNotifier;
  /** Records each firing and resolution as the module's own action. */
  audit?: AuditRecorder;
}

const RULE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const GIB = 1024 ** 3;
const DISABLED = 'the rule is disabled for this instance';
const key = (instanceId: number, rule: string) => `${instanceId}/${rule}`;

/** Being started again: whether it recovered is known only once that ends, so its unhealthy alert waits. */
const AWAITING_OUTCOME: ReadonlySet<InstanceStatus> = new Set(['creating', 'starting', 'restarting', 'restoring']);

/**
 * The alerts: the built-in rules (alert-rules.ts) evaluated from the health monitor's status
 * changes, each metrics sample and each storage measurement, plus the module's own checks
 * through AlertSink. One firing alert per instance and rule (the store's unique index holds it);
 * each firing and resolution is recorded with its time and handed to the webhook's queue.
 * Evaluations of one instance run in order, off the caller's path: a sample listener or a
 * status hook returns at once.
 */
export class AlertService implements AlertSink {
  private readonly chains = new Map<number, Promise<void>>();
  /**
   * What is firing (instance/rule), as this service last read or wrote it, so a sample that
   * changes nothing costs no query. The store stays the truth: each sweep reloads it.
   */
  private known: Set<string> | null = null;

  constructor(private readonly d: AlertServiceDeps) {}

  /** The metrics collector's listener: disk, memory and connections from one sample. Returns at once. */
  readonly onSample = (row: InstanceRow, sample: MetricSample): void => {
    void this.later(row.id, () => this.apply(row, sampleReadings(row, sample)));
  };

  /** The health monitor's onTransition hook: unhealthy fires, running again resolves. */
  readonly onTransition = async (row: InstanceRow, to: InstanceStatus, reason: string): Promise<void> => {
    if (to === 'unhealthy') void this.later(row.id, () => this.fireUnhealthy(row, reason));
    else if (to === 'running') void this.later(row.id, () => this.close(row, 'unhealthy', `the instance runs again: ${reason}`));
  };

  async raise(instanceId: number, rule: string, severity: Severity, message: string, value?: number): Promise<void> {
    if (!RULE_NAME.test(rule)) throw new Error(`alert rule names are lower-case words joined by _: ${JSON.stringify(rule)}`);
    const row = await repo.findInstance(this.d.db, instanceId);
    if (!row || (isBuiltIn(rule) && !ruleOf(row, rule).enabled)) return;
    await this.later(row.id, () => this.open(row, rule, severity, value ?? null, null, message));
  }

  async resolve(instanceId: number, rule: string, message: string): Promise<void> {
    const row = await repo.findInstance(this.d.db, instanceId);
    if (row) await this.later(row.id, () => this.close(row, rule, message));
  }

  /**
   * Brings alerts in line with what the rows say, on the health interval: an instance made
   * `unhealthy` or `running` by another path (reconciliation, a restart) fires or resolves its
   * unhealthy alert; disk is read from the last storage measurement; memory and connections of
   * an instance that no longer runs resolve; so does every alert of a rule turned off.
   */
  async sweep(): Promise<void> {
    const firing = this.known = await this.loadFiring();
    await Promise.all((await repo.listInstances(this.d.db)).map((row) => this.later(row.id, () => this.sweepOne(row, firing))));
  }

  private async sweepOne(row: InstanceRow, firing: ReadonlySet<string>): Promise<void> {
    const unhealthy = ruleOf(row, 'unhealthy');
    const isFiring = (rule: string) => firing.has(key(row.id, rule));
    if (row.status === 'unhealthy' && unhealthy.enabled && !isFiring('unhealthy')) await this.fireUnhealthy(row, row.status_message ?? 'failed health checks');
    else if (isFiring('unhealthy') && ((row.status !== 'unhealthy' && !AWAITING_OUTCOME.has(row.status)) || !unhealthy.enabled)) {
      await this.close(row, 'unhealthy', unhealthy.enabled ? `the instance is ${row.status}` : DISABLED);
    }
    if (row.storage_used_bytes !== null) await this.apply(row, diskReadings(Number(row.storage_used_bytes), row.storage_limit_gb * GIB));
    for (const rule of THRESHOLD_RULES) {
      if (!isFiring(rule)) continue;
      if (!ruleOf(row, rule).enabled) await this.close(row, rule, DISABLED);
      else if ((rule === 'memory' || rule === 'connections') && !MEANT_TO_RUN.has(row.status)) await this.close(row, rule, `the instance is ${row.status}`);
    }
  }

  private async apply(row: InstanceRow, readings: Reading[]): Promise<void> {
    for (const r of readings) {
      const rule = ruleOf(row, r.rule);
      const v = verdict(rule, r.percent);
      if (v === 'fire') {
        await this.open(row, r.rule, rule.severity, r.percent, rule.threshold, `${r.describe}, at or above the ${rule.threshold}% ${rule.severity} threshold`);
      } else if (v === 'resolve') {
        await this.close(row, r.rule, rule.enabled ? `${r.describe}, below ${rule.threshold! - RESOLVE_MARGIN}%` : DISABLED);
      }
    }
  }

  private fireUnhealthy(row: InstanceRow, reason: string): Promise<void> {
    if (!ruleOf(row, 'unhealthy').enabled) return Promise.resolve();
    return this.open(row, 'unhealthy', 'critical', null, null, `the instance is unhealthy: ${reason}`);
  }

  private async loadFiring(): Promise<Set<string>> {
    return new Set((await alerts.firingAlerts(this.d.db)).map((a) => key(a.instance_id, a.rule)));
  }

  private async open(row: InstanceRow, rule: string, severity: Severity, value: number | null, threshold: number | null, message: string): Promise<void> {
    const known = this.known ??= await this.loadFiring();
    if (known.has(key(row.id, rule))) return;
    const at = new Date(this.d.clock.now());
    const created = await alerts.fireAlert(this.d.db, {
      instanceId: row.id, rule, severity, value, threshold, message, at, delivery: this.d.notifier ? PENDING : undefined,
    });
    known.add(key(row.id, rule));
    if (!created) return;
    this.d.logger.warn({ instanceId: row.id, name: row.name, rule, severity, value }, `alert ${rule} firing on ${row.name}: ${message}`);
    await this.d.audit?.record({ action: 'alerts.fire', instanceId: row.id, params: { rule, severity, value, threshold, message }, outcome: { ok: true } });
    await this.announce(created.id, 'fired');
  }

  private async close(row: InstanceRow, rule: string, message: string): Promise<void> {
    const known = this.known ??= await this.loadFiring();
    if (!known.has(key(row.id, rule))) return;
    known.delete(key(row.id, rule));
    const done = await alerts.resolveAlert(this.d.db, row.id, rule, message, new Date(this.d.clock.now()), this.d.notifier ? PENDING : undefined);
    if (!done) return;
    this.d.logger.info({ instanceId: row.id, name: row.name, rule }, `alert ${rule} resolved on ${row.name}: ${message}`);
    await this.d.audit?.record({ action: 'alerts.resolve', instanceId: row.id, params: { rule, message }, outcome: { ok: true } });
    await this.announce(done.id, 'resolved');
  }

  private async announce(id: string, event: alerts.AlertEventName): Promise<void> {
    if (!this.d.notifier) return;
    const alert = await alerts.findAlert(this.d.db, id);
    if (alert) this.d.notifier.enqueue(alert, event);
  }

  /** Runs `work` after the instance's earlier evaluations; never rejects (a failure is logged). */
  private later(instanceId: number, work: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(instanceId) ?? Promise.resolve()).then(work).catch((err: unknown) => {
      this.d.logger.warn({ instanceId, err: (err as Error).message }, 'evaluating alerts failed');
    });
    this.chains.set(instanceId, next);
    void next.finally(() => { if (this.chains.get(instanceId) === next) this.chains.delete(instanceId); });
    return next;
  }

  /** The webhook's delivery workers until `signal` aborts (the plugin spawns them); resolves at once without a webhook. */
  async deliver(signal: AbortSignal): Promise<void> {
    await this.d.notifier?.run(signal);
  }

  /** Resolves once every queued evaluation has run. */
  async idle(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  /** GET /alerts. */
  async list(filter: alerts.AlertFilter) {
    return (await alerts.listAlerts(this.d.db, filter)).map(alertView);
  }

  /** The instance's firing alerts (the health route). */
  async firing(instanceId: number) {
    return (await alerts.firingAlerts(this.d.db, instanceId)).map(alertView);
  }

  /** GET /databases/{id}/alert-rules: every built-in rule as it applies, and what the instance overrides. */
  rules(row: InstanceRow) {
    return { instance_id: row.id, rules: effectiveRules(row.alert_rules), overrides: row.alert_rules ?? {} };
  }

  /** PUT /databases/{id}/alert-rules: replaces the overrides (`{}` restores the defaults); a rule turned off resolves now. */
  async setRules(row: InstanceRow, body: Record<string, unknown>) {
    const overrides = checkOverrides(body);
    const fresh = (await repo.updateInstance(this.d.db, row.id, { alert_rules: JSON.stringify(overrides) })) ?? row;
    await this.later(row.id, async () => this.sweepOne(fresh, this.known ??= await this.loadFiring()));
    return this.rules(fresh);
  }
}
