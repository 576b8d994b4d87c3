import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { RouteKey } from '../lib/route-support';
import type { EngineView, InstanceView } from '../types/api';

/** What every tab of the instance page receives. */
export interface TabProps {
  instance: InstanceView;
  engine: EngineView | undefined;
  canWrite: boolean;
}

/**
 * A tab of the instance page. It shows only when the module serves `route` today (the served
 * OpenAPI document gives it a success answer) and, with `engineFlag`, when GET /engines says the
 * instance's engine has the feature. A feature that lands adds one entry here and its component:
 *
 *   { id: 'metrics', label: 'Metrics', route: 'GET /databases/{id}/metrics', engineFlag: 'supports_metrics',
 *     component: lazy(() => import('../components/metrics/metrics-tab')) },
 *
 */
type EngineFlag = keyof Pick<EngineView, 'supports_backup' | 'supports_metrics' | 'supports_users' | 'supports_databases' | 'supports_tls' | 'supports_restore' | 'supports_browse'>;

export interface DetailTab {
  id: string;
  label: string;
  route: RouteKey;
  /** The engine must have this feature (or, for a list, any of them). */
  engineFlag?: EngineFlag | EngineFlag[];
  /** Hidden for an instance without a container (embedded engines): stats, inspect and logs need one. */
  needsContainer?: boolean;
  component: LazyExoticComponent<ComponentType<TabProps>>;
}

export const DETAIL_TABS: DetailTab[] = [
  { id: 'overview', label: 'Overview', route: 'GET /databases/{id}/connection-string', component: lazy(() => import('../components/instances/overview-tab')) },
  { id: 'health', label: 'Health', route: 'GET /databases/{id}/health', component: lazy(() => import('../components/health/health-tab')) },
  { id: 'metrics', label: 'Metrics', route: 'GET /databases/{id}/metrics', component: lazy(() => import('../components/metrics/metrics-tab')) },
  { id: 'data', label: 'Data', route: 'GET /databases/{id}/tables', engineFlag: 'supports_browse', component: lazy(() => import('../components/data-browser/data-tab')) },
  { id: 'backups', label: 'Backups', route: 'GET /databases/{id}/snapshots', engineFlag: 'supports_backup', component: lazy(() => import('../components/backups/backups-tab')) },
  { id: 'users', label: 'Users', route: 'GET /databases/{id}/users', engineFlag: ['supports_users', 'supports_databases'], component: lazy(() => import('../components/accounts/users-tab')) },
  { id: 'logs', label: 'Logs', route: 'GET /databases/{id}/logs', component: lazy(() => import('../components/logs/logs-tab')) },
  { id: 'settings', label: 'Settings', route: 'POST /databases/{id}/credentials/rotate', component: lazy(() => import('../components/settings/settings-tab')) },
  { id: 'tls', label: 'TLS', route: 'GET /databases/{id}/tls', engineFlag: 'supports_tls', component: lazy(() => import('../components/security/tls-tab')) },
  { id: 'audit', label: 'Audit', route: 'GET /audit', component: lazy(() => import('../components/audit/audit-tab')) },
  { id: 'container', label: 'Container', route: 'GET /databases/{id}/inspect', needsContainer: true, component: lazy(() => import('../components/instances/container-tab')) },
];

/** Whether the engine has the tab's feature. */
export function engineHas(engine: EngineView | undefined, flag: DetailTab['engineFlag']): boolean {
  if (!flag) return true;
  return (Array.isArray(flag) ? flag : [flag]).some((f) => !!engine?.[f]);
}
