import type { ModuleContext } from '../module-contract.js';
import type { Services } from '../services/index.js';

/** What every route file receives from the plugin. */
export interface RouteOptions {
  ctx: ModuleContext;
  services: Services;
}
