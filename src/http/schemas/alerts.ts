import { Type, type Static } from 'typebox';
import { ID_PATTERN, literals, Nullable } from './common.js';

const Severity = literals(['warning', 'critical']);
const Iso = Type.String({ format: 'date-time' });

export const DeliveryOutcome = Type.Object({
  state: literals(['pending', 'retrying', 'delivered', 'failed']),
  attempts: Type.Integer({ minimum: 0 }),
  last_status: Nullable(Type.Integer({ description: 'the receiver\'s HTTP status' })),
  last_error: Nullable(Type.String()),
  last_attempt_at: Nullable(Iso),
  next_attempt_at: Nullable(Iso),
  delivered_at: Nullable(Iso),
});

export const AlertView = Type.Object({
  id: Type.Integer(),
  instance_id: Type.Integer(),
  instance_name: Type.String(),
  engine: Type.String(),
  sku: Type.String(),
  rule: Type.String({ description: 'a built-in rule (unhealthy, disk_warning, disk_critical, memory, connections) or one of the module\'s own checks' }),
  severity: Severity,
  state: literals(['firing', 'resolved']),
  value: Nullable(Type.Number({ description: 'the figure when it fired, in percent (null for a state such as unhealthy)' })),
  threshold: Nullable(Type.Number({ description: 'percent' })),
  message: Type.String({ description: 'why it fired' }),
  fired_at: Iso,
  resolved_at: Nullable(Iso),
  resolved_message: Nullable(Type.String({ description: 'why it resolved' })),
  delivery: Type.Object({ fired: Type.Optional(DeliveryOutcome), resolved: Type.Optional(DeliveryOutcome) }, {
    description: 'the webhook delivery of each change; empty when no webhook is configured',
  }),
});
export type AlertView = Static<typeof AlertView>;

export const AlertList = Type.Array(AlertView, { description: 'alerts, newest first' });

export const AlertsQuery = Type.Object({
  state: Type.Optional(literals(['firing', 'resolved'])),
  instance: Type.Optional(Type.String({ pattern: ID_PATTERN, description: 'an instance id' })),
  since: Type.Optional(Type.Integer({ minimum: 0, maximum: 32_503_680_000, description: 'Unix seconds: alerts fired or resolved at or after it' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
}, { additionalProperties: false });
export type AlertsQuery = Static<typeof AlertsQuery>;

const Percent = Type.Number({ exclusiveMinimum: 2, maximum: 100, description: 'percent; the alert resolves 2 points below it' });
const Toggle = Type.Object({ enabled: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
const Threshold = Type.Object({ enabled: Type.Optional(Type.Boolean()), threshold: Type.Optional(Percent) }, { additionalProperties: false });

/** PUT /databases/{id}/alert-rules: the instance's overrides, replacing the previous ones (`{}` restores every default). */
export const AlertRulesBody = Type.Object({
  unhealthy: Type.Optional(Toggle),
  disk_warning: Type.Optional(Threshold),
  disk_critical: Type.Optional(Threshold),
  memory: Type.Optional(Threshold),
  connections: Type.Optional(Threshold),
}, { additionalProperties: false });
export type AlertRulesBody = Static<typeof AlertRulesBody>;

export const AlertRulesView = Type.Object({
  instance_id: Type.Integer(),
  rules: Type.Array(Type.Object({
    rule: literals(['unhealthy', 'disk_warning', 'disk_critical', 'memory', 'connections']),
    enabled: Type.Boolean(),
    severity: Severity,
    threshold: Nullable(Type.Number({ description: 'percent; null for a rule that is a state' })),
    default_threshold: Nullable(Type.Number()),
    overridden: Type.Boolean(),
    description: Type.String(),
  })),
  overrides: AlertRulesBody,
}, { description: 'the built-in alert rules as they apply to this instance, and its overrides' });
export type AlertRulesView = Static<typeof AlertRulesView>;

/** GET /metrics answers text, not JSON: the OpenAPI document describes it as such. */
export const PrometheusText = {
  description: 'the Prometheus text exposition format (version 0.0.4)',
  content: { 'text/plain': { schema: Type.String() } },
};
