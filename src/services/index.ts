import { createHash } from 'node:crypto';
import path from 'node:path';
import { LABELS } from '../constants.js';
import { usedPorts, usedVnetIps } from '../db/repositories/instances.js';
import type { ModuleContext } from '../module-contract.js';
import { ContainerOrchestrator } from './container-orchestrator.js';
import { CredentialManager } from './credential-manager.js';
import { DatabaseOperations } from './database-operations.js';
import { ContainerDriver } from './drivers/container-driver.js';
import { DuckDbEngines } from './drivers/duckdb-files.js';
import { EmbeddedDriver } from './drivers/embedded-driver.js';
import { DriverSet } from './drivers/instance-driver.js';
import { HealthMonitor } from './health-monitor.js';
import { HostProbe } from './host/host-probe.js';
import { SystemReport } from './host/system-report.js';
import { InstanceManager } from './instance-manager.js';
import { MetricsCollector } from './metrics-collector.js';
import { ImageCatalog } from './images/image-catalog.js';
import { ImageService } from './images/image-service.js';
import { AlertService } from './monitoring/alert-service.js';
import { PrometheusExporter } from './monitoring/prometheus-exporter.js';
import { WebhookNotifier } from './monitoring/webhook-notifier.js';
import { RegistryAuth } from './images/registry-auth.js';
import { defaultProber, type Prober } from './instances/probe-runner.js';
import { ReadinessWaiter } from './instances/readiness.js';
import { Reconciler } from './instances/reconciler.js';
import { StorageMonitor } from './instances/storage-monitor.js';
import { InstanceNetworks } from './network/instance-networks.js';
import { PortAllocator } from './network/port-allocator.js';
import { VnetService } from './network/vnet-service.js';
import { PodmanManager } from './podman/podman-manager.js';
import type { ContainerRuntime } from './runtime/container-runtime.js';
import { PodmanRuntime } from './runtime/podman-runtime.js';
import { withDeadlines } from './runtime/runtime-deadlines.js';
import { discoverSocket } from './runtime/socket-discovery.js';
import { systemClock } from './scheduler/clock.js';
import { schedulerFor, type Scheduler } from './scheduler/scheduler.js';
import { loadModuleKey } from './security/secret-box.js';
import { accountAudit } from './security/audit-accounts.js';
import { AuditLog } from './security/audit-log.js';
import { ModuleCa } from './security/tls-ca.js';
import { InstanceCertificates } from './security/tls-issuer.js';
import { TlsService } from './security/tls-service.js';
import { VolumeService } from './volume-service.js';
import { BackupService } from './backup-service.js';
import { SnapshotFiles } from './backups/snapshot-files.js';

/**
 * Every service the routes call, built once per module context. A plain object: a new
 * service is one more field here and one more line in createServices.
 */
export interface Services {
  hostProbe: HostProbe;
  podman: PodmanManager;
  system: SystemReport;
  /** Named jobs on intervals and cron expressions; the disable hook stops them. */
  background: Scheduler;
  runtime: ContainerRuntime;
  /** Runs one readiness or health probe against an engine (fast tests script it). */
  prober: Prober;
  credentials: CredentialManager;
  instances: InstanceManager;
  reconciler: Reconciler;
  /** The engines' images: present or not, and their pulls (GET /images, POST /images/pull). */
  images: ImageCatalog;
  /** Measures each instance's volume against its storage limit. */
  storage: StorageMonitor;
  /** Health checks, their history and uptime, and Podman's event stream. */
  health: HealthMonitor;
  /** Snapshots, restores, clones, exports, imports, restore drills and backup policies. */
  backups: BackupService;
  /** Passwords, users and inner databases inside each instance's engine. */
  accounts: DatabaseOperations;
  /** Metrics of each instance (container, volume, engine) with their history; onSample tells listeners. */
  metrics: MetricsCollector;
  /** Alert rules, firing and resolved alerts, the webhook (also the AlertSink of the module's own checks). */
  alerts: AlertService;
  /** GET /metrics in the Prometheus text format. */
  prometheus: PrometheusExporter;
  /** The audit trail: every write action, by a route (the plugin's hook) or by the module itself. */
  audit: AuditLog;
  /** The module's CA (GET /tls/ca) and replacing an instance's certificate (PUT /databases/{id}/tls). */
  tls: TlsService;
}

/** Stable id of this installation, from its data directory. */
export function installationId(dataDir: string): string {
  return createHash('sha256').update(dataDir).digest('hex').slice(0, 16);
}

/** The composition root; `overrides` replaces any service (tests pass fakes, e.g. a runtime). */
export function createServices(ctx: ModuleContext, overrides: Partial<Services> = {}): Services {
  const { db, config, dataDir } = ctx;
  const hostProbe = overrides.hostProbe ?? new HostProbe();
  const podman = overrides.podman ?? new PodmanManager({ config, hostProbe, logDir: path.join(dataDir, 'logs') });
  // Every call gets a deadline, the fakes' too: a wedged Podman answers 503 and holds no lock.
  const podmanTimeoutMs = config.podmanTimeoutS * 1000;
  const runtime = withDeadlines(overrides.runtime ?? new PodmanRuntime(discoverSocket(config).path, { requestTimeoutMs: podmanTimeoutMs }), podmanTimeoutMs);
  const prober = overrides.prober ?? defaultProber(runtime);
  const ownLabels = { [LABELS.installation]: installationId(dataDir) };
  const volumes = new VolumeService({ dataDir, ownership: hostProbe.rootless ? 'rootless' : 'rootful' });
  const credentials = overrides.credentials ?? new CredentialManager(db, () => loadModuleKey(dataDir, config.masterKey));
  const logger = ctx.logger.child({ service: 'instances' });
  const storage = overrides.storage ?? new StorageMonitor({ db, volumes, logger: ctx.logger.child({ service: 'storage' }) });
  const images = new ImageService({
    runtime, auth: new RegistryAuth(config.registryAuthFile), pullTimeoutMs: config.pullTimeoutS * 1000,
    logger: ctx.logger.child({ service: 'images' }),
  });
  const instanceNetworks = new InstanceNetworks({ runtime, ownLabels });
  const audit = overrides.audit ?? new AuditLog({ db, clock: systemClock, logger: ctx.logger.child({ service: 'audit' }), retentionDays: config.auditRetentionDays });
  const certificates = new InstanceCertificates(new ModuleCa({ dir: path.join(dataDir, 'tls'), moduleKey: () => loadModuleKey(dataDir, config.masterKey) }));
  const container = new ContainerDriver({
    db, runtime, volumes, credentials, ownLabels, logger, imageOverrides: config.imageOverrides,
    images,
    hostReachesVnets: !hostProbe.rootless,
    prober, readiness: new ReadinessWaiter(runtime, prober),
    specs: new ContainerOrchestrator({ runtime, extraLabels: ownLabels }),
    vnets: new VnetService({ runtime, ownLabels, usedIps: (name) => usedVnetIps(db, name) }),
    instanceNetworks, certificates,
  });
  const embedded = new EmbeddedDriver(new DuckDbEngines((name) => volumes.paths(name).data), volumes);
  const instances = overrides.instances ?? new InstanceManager({
    db, credentials, volumes, config, logger, storage,
    drivers: new DriverSet({ container, embedded }),
    ports: new PortAllocator({ range: config.portRange, usedPorts: () => usedPorts(db) }),
  });
  const background = overrides.background ?? schedulerFor(ctx);
  const webhook = config.alertWebhook && new WebhookNotifier({
    target: config.alertWebhook, db, clock: systemClock, logger: ctx.logger.child({ service: 'alert-webhook' }),
  });
  const alerts = overrides.alerts ?? new AlertService({ db, clock: systemClock, logger: ctx.logger.child({ service: 'alerts' }), notifier: webhook, audit });
  const health = overrides.health ?? new HealthMonitor({
    db, support: instances.support, runtime, config, scheduler: background, clock: systemClock, ownLabels,
    logger: ctx.logger.child({ service: 'health' }), onTransition: alerts.onTransition,
  });
  const metrics = overrides.metrics ?? new MetricsCollector({
    db, support: instances.support, runtime, config, scheduler: background, clock: systemClock,
    logger: ctx.logger.child({ service: 'metrics' }),
  });
  metrics.onSample(alerts.onSample);
  const prometheus = overrides.prometheus ?? new PrometheusExporter({
    db, clock: systemClock, samples: metrics, maxSampleAgeMs: config.metricsIntervalS * 3000,
  });
  const accounts = overrides.accounts ?? new DatabaseOperations({
    db, support: instances.support, credentials, volumes, clock: systemClock, audit: accountAudit(audit),
    logger: ctx.logger.child({ service: 'accounts' }),
  }, background);
  const backups = overrides.backups ?? new BackupService({
    db, files: new SnapshotFiles(config.backupDir ?? path.join(dataDir, 'backups'), () => loadModuleKey(dataDir, config.masterKey)),
    support: instances.support, runtime, volumes, ownership: hostProbe.rootless ? 'rootless' : 'rootful',
    specs: container.deps.specs, readiness: container.deps.readiness, ownLabels, clock: background.clock,
    logger: ctx.logger.child({ service: 'backups' }), stallTimeoutMs: config.backupStallTimeoutS * 1000,
    importMaxBytes: config.importMaxMb * 1048576, safetyRetentionDays: config.backupRetentionDays,
    // Failed drills and scheduled backups raise alerts through the alert service.
    alerts: () => alerts,
    audit,
  }, background, instances);
  const services: Services = {
    backups,
    accounts,
    hostProbe,
    metrics,
    alerts,
    prometheus,
    podman,
    system: overrides.system ?? new SystemReport(hostProbe, podman, dataDir),
    background,
    health,
    runtime,
    prober,
    credentials,
    instances,
    storage,
    images: overrides.images ?? new ImageCatalog(images, config.imageOverrides),
    reconciler: overrides.reconciler ?? new Reconciler(db, runtime, instances.support, instances.actions, ownLabels, ctx.logger.child({ service: 'reconciler' }), instanceNetworks, audit),
    audit,
    tls: overrides.tls ?? new TlsService({ support: instances.support, actions: instances.actions, volumes, certificates, logger: ctx.logger.child({ service: 'tls' }) }),
  };
  return services;
}
