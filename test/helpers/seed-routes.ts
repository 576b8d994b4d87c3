/** Every route of the seed README's API tables, with its permission, plus GET /databases/{id}. */
export interface SeedRoute {
  method: 'GET' | 'POST' | 'DELETE';
  path: string;
  /** null: the seed names no permission (a valid token is still needed). */
  permission: 'databases:read' | 'databases:write' | null;
}

const r = (method: SeedRoute['method'], path: string, permission: SeedRoute['permission']): SeedRoute => ({ method, path, permission });

export const SEED_ROUTES: SeedRoute[] = [
  // System
  r('GET', '/status', null), r('GET', '/requirements', null), r('GET', '/system-info', null),
  r('GET', '/podman/status', null), r('POST', '/podman/install', 'databases:write'),
  r('GET', '/engines', null), r('GET', '/skus', null),
  // Instance management
  r('GET', '/databases', 'databases:read'), r('POST', '/databases', 'databases:write'),
  r('POST', '/databases/{id}/start', 'databases:write'), r('POST', '/databases/{id}/stop', 'databases:write'),
  r('POST', '/databases/{id}/restart', 'databases:write'), r('DELETE', '/databases/{id}', 'databases:write'),
  r('GET', '/databases/{id}', 'databases:read'),
  // Monitoring
  r('GET', '/databases/{id}/logs', 'databases:read'), r('GET', '/databases/{id}/metrics', 'databases:read'),
  r('GET', '/databases/{id}/stats', 'databases:read'), r('GET', '/databases/{id}/inspect', 'databases:read'),
  r('GET', '/databases/{id}/health', 'databases:read'),
  // Backup & restore
  r('POST', '/databases/{id}/snapshot', 'databases:write'), r('GET', '/databases/{id}/snapshots', 'databases:read'),
  r('POST', '/databases/{id}/restore/{sid}', 'databases:write'), r('DELETE', '/databases/{id}/snapshots/{sid}', 'databases:write'),
  r('GET', '/databases/{id}/export', 'databases:read'),
  // Data & security
  r('GET', '/databases/{id}/tables', 'databases:read'), r('GET', '/databases/{id}/tables/{name}/schema', 'databases:read'),
  r('GET', '/databases/{id}/tables/{name}/data', 'databases:read'), r('POST', '/databases/{id}/credentials/rotate', 'databases:write'),
  r('GET', '/databases/{id}/connection-string', 'databases:read'), r('POST', '/databases/{id}/databases', 'databases:write'),
  r('GET', '/databases/{id}/databases', 'databases:read'), r('POST', '/databases/{id}/users', 'databases:write'),
  r('GET', '/databases/{id}/users', 'databases:read'),
];

export const MOUNT = '/api/modules/databases';

/** The route's URL with sample parameters filled in. */
export function urlOf(route: SeedRoute): string {
  return MOUNT + route.path.replace('{id}', '1').replace('{sid}', '2').replace('{name}', 'users');
}
