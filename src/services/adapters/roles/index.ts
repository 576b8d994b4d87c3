/**
 * An engine's operations beyond running it, as role objects on its adapter. A role is present
 * only when the module really performs the operation for that engine, and the capability flags
 * of GET /engines are derived from the roles (see deriveCapabilities), so the API can never
 * advertise an operation the module does not offer. Each role's methods are added by the
 * feature that implements it; engines that share a protocol share a family helper.
 */
export type { BackupRole } from './backup.js';
export type { AccountsRole } from './accounts.js';
export type { BrowserRole } from './browser.js';
export type { MetricsRole } from './metrics.js';

import type { AccountsRole } from './accounts.js';
import type { BackupRole } from './backup.js';
import type { BrowserRole } from './browser.js';
import type { MetricsRole } from './metrics.js';

export interface EngineRoles {
  backup?: BackupRole;
  accounts?: AccountsRole;
  browser?: BrowserRole;
  metrics?: MetricsRole;
}
