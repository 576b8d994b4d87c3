import type { AlertEventName, AlertWithInstance } from '../../db/repositories/alerts.js';

/** One webhook delivery of one alert change, as recorded on the alert. */
export interface DeliveryOutcome {
  state: 'pending' | 'retrying' | 'delivered' | 'failed';
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  delivered_at: string | null;
}

export const PENDING: DeliveryOutcome = {
  state: 'pending', attempts: 0, last_status: null, last_error: null, last_attempt_at: null, next_attempt_at: null, delivered_at: null,
};

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

/**
 * An alert as GET /alerts, the health route and the webhook show it. `delivery` holds the
 * webhook outcome of each change (empty when no webhook is configured).
 */
export function alertView(a: AlertWithInstance) {
  const d = (a.delivery ?? {}) as Partial<Record<AlertEventName, DeliveryOutcome>>;
  return {
    id: Number(a.id),
    instance_id: a.instance_id,
    instance_name: a.instance_name,
    engine: a.engine,
    sku: a.sku,
    rule: a.rule,
    severity: a.severity,
    state: a.state,
    value: a.value,
    threshold: a.threshold,
    message: a.message,
    fired_at: iso(a.fired_at)!,
    resolved_at: iso(a.resolved_at),
    resolved_message: a.resolved_message,
    delivery: { ...(d.fired ? { fired: d.fired } : {}), ...(d.resolved ? { resolved: d.resolved } : {}) },
  };
}
export type AlertView = ReturnType<typeof alertView>;

/**
 * The JSON body of one webhook delivery. The alert as it was at that change: a `fired`
 * delivery sent late (after a restart) still says firing. `delivery_id` is the same on every
 * attempt, so a receiver can drop a duplicate.
 */
export function webhookPayload(a: AlertWithInstance, event: AlertEventName) {
  const { delivery: _delivery, ...alert } = alertView(a);
  const asThen = event === 'fired' ? { state: 'firing' as const, resolved_at: null, resolved_message: null } : {};
  return { delivery_id: `alert-${alert.id}-${event}`, event: `alert.${event}`, alert: { ...alert, ...asThen } };
}
