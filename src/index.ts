/** The module's backend entry (module.json `backend.entry`). */
export { MODULE_ID, MODULE_NAME, TABLE_PREFIX, TABLES, PERMISSIONS, MOUNT_PATH, type Permission } from './constants.js';
export { databasesPlugin, type DatabasesPluginOptions } from './plugin.js';
export { onEnable, onDisable, type HookResult } from './hooks.js';
export type { ModuleContext, ModuleLogger, PermissionGuard } from './module-contract.js';
export { createServices, type Services } from './services/index.js';
