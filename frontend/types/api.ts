/**
 * The API's types, taken from the route schemas themselves (src/http/schemas/*.ts export the
 * Static<> type of every request and answer), so the UI and the server cannot drift apart.
 * Type-only imports: nothing of the server reaches the bundle.
 */
export type { ErrorBody, MessageBody } from '../../src/http/schemas/common.js';
export type {
  ActionResult, CreateAccepted, CreateInstanceBody, InstanceView, LimitsEnforced, ReconcileReport, StorageUsage,
} from '../../src/http/schemas/instances.js';
export type { HealthView, InspectView, LogsQuery, LogsView, MetricsView, StatsView } from '../../src/http/schemas/monitoring.js';
export type { ConnectionView } from '../../src/http/schemas/data.js';
export type { TableDataView, TableSchemaView, TablesView } from '../../src/http/schemas/browse.js';
export type { ImageList, PullImageBody } from '../../src/http/schemas/images.js';
export type { BackupPolicyBody, CloneBody, OperationView, SnapshotView } from '../../src/http/schemas/backups.js';
export type {
  CreatedUserView, CreateUserBody, DatabaseEntry, DatabasesView, RotateBody, RotationView, UserEntry, UsersView,
} from '../../src/http/schemas/accounts.js';
export type { AlertRulesBody, AlertRulesView, AlertView } from '../../src/http/schemas/alerts.js';
export type {
  EngineView, InstallAccepted, InstallRefused, PodmanStatusView, RequirementsView, SkuTable, StatusView, SystemInfo,
} from '../../src/http/schemas/system.js';

import type { InstanceView } from '../../src/http/schemas/instances.js';
import type { HealthView, LogsView, MetricsView } from '../../src/http/schemas/monitoring.js';
import type { ImageList } from '../../src/http/schemas/images.js';
import type { SkuTable } from '../../src/http/schemas/system.js';

export type InstanceStatus = InstanceView['status'];
export type EngineId = InstanceView['engine'];
export type PullStatus = NonNullable<InstanceView['pull_progress']>;
export type ImageEntry = ImageList['images'][number];
export type LogEntry = LogsView['entries'][number];
export type LogLevel = LogEntry['level'];
export type HealthRange = HealthView['range'];
export type Sku = SkuTable['skus'][number];
export type MetricUnit = MetricsView['series'][number]['unit'];
export type MetricSeries = MetricsView['series'][number];
export type SkuSeries = SkuTable['series'][number];

/** The host's answer about the browser session (host/session-routes.ts). */
export interface SessionView {
  role: 'admin' | 'read';
  permissions: string[];
  csrf_token: string;
  expires_at: string;
}
