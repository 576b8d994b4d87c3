import { TypeBoxValidatorCompiler, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorHandler } from './http/error-handler.js';
import { registerOpenApi } from './http/openapi.js';
import type { ModuleContext } from './module-contract.js';
import { accountRoutes } from './routes/accounts.js';
import { auditRoutes } from './routes/audit.js';
import { securityRoutes } from './routes/security.js';
import { auditRequests } from './http/audit-hook.js';
import { alertRoutes } from './routes/alerts.js';
import { backupRoutes } from './routes/backups.js';
import { dataRoutes } from './routes/data.js';
import { imageRoutes } from './routes/images.js';
import { instanceRoutes } from './routes/instances.js';
import { monitoringRoutes } from './routes/monitoring.js';
import { systemRoutes } from './routes/system.js';
import { GRACE_SWEEP_MS } from './services/accounts/grace-periods.js';
import { createServices, type Services } from './services/index.js';
import { renewExpiring } from './services/security/tls-renewal.js';

export interface DatabasesPluginOptions {
  ctx: ModuleContext;
  /** Replaces services (tests pass fakes); the rest come from createServices. */
  services?: Partial<Services>;
}

/**
 * The module's Fastify plugin; the host registers it under `/api/modules/databases`.
 * Encapsulated on purpose: its error and not-found handlers apply to its own routes only.
 */
export const databasesPlugin: FastifyPluginAsyncTypebox<DatabasesPluginOptions> = async (app, { ctx, services: overrides }) => {
  app.setValidatorCompiler(TypeBoxValidatorCompiler);
  app.setErrorHandler(errorHandler(ctx.logger));
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: 'NOT_FOUND', message: `no route ${request.method} ${request.url}` }));
  const services = createServices(ctx, overrides);
  await registerOpenApi(app);
  // Before the routes: every write route, a later one included, is recorded without code of its own.
  auditRequests(app, ctx, services.audit);
  for (const routes of [systemRoutes, instanceRoutes, imageRoutes, monitoringRoutes, alertRoutes, backupRoutes, dataRoutes, accountRoutes, securityRoutes, auditRoutes]) {
    await app.register(routes, { ctx, services });
  }
  scheduleReconciliation(ctx, services);
  scheduleHealth(ctx, services);
  scheduleBackups(services);
  scheduleMetrics(ctx, services);
  scheduleAlerts(ctx, services);
  // Rotations' grace periods end on their own timers; the sweep finds those a restart interrupted.
  services.background.every('password-grace', GRACE_SWEEP_MS, () => services.accounts.grace.sweep(), { runAtStart: true });
  // A pull under way is cancelled with the module (its waiters see the failure), never left running.
  app.addHook('onClose', async () => services.images.close());
  // Volume usage against storage_limit_gb: a filesystem quota does not hold it here, the module watches it.
  services.background.every('storage', ctx.config.storageIntervalS * 1000, (signal) => services.storage.measureAll(signal), { runAtStart: true });
  // FLUX_DATABASES_AUDIT_RETENTION_DAYS, in batches.
  services.background.every('audit-retention', 6 * 3600_000, async (signal) => { await services.audit.prune(signal); }, { runAtStart: true });
  // Certificates of the module's CA, renewed before they end (an operator's is left to its owner).
  const renewal = { db: ctx.db, tls: services.tls, audit: services.audit, logger: ctx.logger.child({ service: 'tls' }) };
  services.background.every('tls-renewal', 24 * 3600_000, async (signal) => { await renewExpiring(renewal, Date.now(), signal); }, { runAtStart: true });
};

/** Backup policies' jobs, snapshots a crash left running failed, and a daily sweep of expired safety snapshots. */
function scheduleBackups(services: Services): void {
  services.background.spawn(() => services.backups.start());
  services.background.every('backup-sweep', 24 * 3600_000, () => services.backups.sweep(), { runAtStart: true });
}

/** Reconcile rows with containers once at start (finishing creates a crash interrupted), then periodically. */
function scheduleReconciliation(ctx: ModuleContext, services: Services): void {
  services.background.every('reconcile', ctx.config.reconcileIntervalS * 1000, async () => {
    await services.reconciler.runIfIdle();
  }, { runAtStart: true });
}

/** A metrics cycle on its interval; rollups and retention every five minutes (each run picks up where the last stopped). */
function scheduleMetrics(ctx: ModuleContext, services: Services): void {
  services.background.every('metrics', ctx.config.metricsIntervalS * 1000, (signal) => services.metrics.collectAll(signal));
  services.background.every('metrics-history', 300_000, (signal) => services.metrics.maintain(signal), { runAtStart: true });
}

/** Health checks on their interval, Podman's event stream for deaths in between, and retention of the history. */
function scheduleHealth(ctx: ModuleContext, services: Services): void {
  services.background.every('health', ctx.config.healthIntervalS * 1000, () => services.health.checkAll());
  services.background.spawn((signal) => services.health.watch(signal));
  services.background.every('health-retention', 6 * 3600_000, async () => { await services.health.prune(); }, { runAtStart: true });
}

/** Alerts brought in line with the rows on the health interval; the webhook's deliveries off every job's path. */
function scheduleAlerts(ctx: ModuleContext, services: Services): void {
  services.background.every('alerts', ctx.config.healthIntervalS * 1000, () => services.alerts.sweep(), { runAtStart: true });
  services.background.spawn((signal) => services.alerts.deliver(signal));
}
