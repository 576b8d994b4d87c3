import type { InstanceRow } from '../../db/schema.js';
import { AdapterInputError, badRequest, ModuleError, notFound, notImplemented } from '../../errors.js';
import { getAdapter } from '../adapters/registry.js';
import { BrowseNotFound, type BrowseListing, type BrowserRole, type RowSample, type TableDescription } from '../adapters/roles/browser.js';
import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import { MEANT_TO_RUN, type InstanceStatus } from '../instances/instance-state.js';
import type { InstanceSupport } from '../instances/support.js';

/** The list route's query: key scans only for key-value engines. */
export interface ListQuery { pattern?: string; cursor?: string; count?: number }
export interface DataQuery { limit?: number; offset?: number; order?: string }

export type BrowseAnswer<T> = T & { engine: string; object_noun: string };

/** `column`, `column:asc` or `column:desc`; the column is checked against the table's own later. */
export function parseOrder(order: string | undefined): { column: string; descending: boolean } | undefined {
  if (order === undefined) return undefined;
  const m = /^([A-Za-z_][A-Za-z0-9_$]{0,62})(?::(asc|desc))?$/.exec(order);
  if (!m) throw badRequest('querystring.order must be a column name, optionally followed by :asc or :desc');
  return { column: m[1]!, descending: m[2] === 'desc' };
}

/**
 * GET /databases/{id}/tables, …/schema and …/data: finds the instance's browser role and its
 * engine endpoint and runs one read-only call. Failures are coded: a name the engine cannot have
 * is a 400, an object it does not list a 404, an engine that cannot be reached or refuses the
 * query (a view that writes, the statement timeout) ENGINE_QUERY_FAILED, with the engine's reason
 * and never the instance password.
 */
export class DataBrowser {
  constructor(private readonly support: InstanceSupport) {}

  async list(id: number, query: ListQuery): Promise<BrowseAnswer<BrowseListing>> {
    return this.run(id, async (role, ep) => {
      if (!role.scansKeys && (query.pattern !== undefined || query.cursor !== undefined || query.count !== undefined)) {
        throw badRequest('pattern, cursor and count are for key-value engines (a key scan); this engine lists its tables whole');
      }
      return role.list(ep, query);
    });
  }

  async describe(id: number, name: string): Promise<BrowseAnswer<TableDescription>> {
    return this.run(id, (role, ep) => role.describe(ep, name), name);
  }

  async sample(id: number, name: string, query: DataQuery): Promise<BrowseAnswer<RowSample>> {
    const order = parseOrder(query.order);
    return this.run(id, (role, ep) => role.sample(ep, name, { limit: query.limit ?? 100, offset: query.offset ?? 0, ...(order ? { order } : {}) }), name);
  }

  private async run<T extends object>(id: number, fn: (role: BrowserRole, ep: EngineEndpoint) => Promise<T>, name?: string): Promise<BrowseAnswer<T>> {
    const row = await this.support.get(id);
    const adapter = getAdapter(row.engine);
    const role = adapter.roles.browser;
    if (!role) throw notImplemented(`${adapter.displayName} offers no data browser`);
    if (!MEANT_TO_RUN.has(row.status as InstanceStatus)) {
      throw new ModuleError('CONFLICT', `the instance is ${row.status}: browsing needs it running`);
    }
    if (name !== undefined) {
      try {
        role.checkName(name);
      } catch (err) {
        throw err instanceof AdapterInputError ? badRequest(err.message, err) : err;
      }
    }
    const ep = await this.support.driverOf(row).endpoint(row);
    try {
      return { engine: row.engine, object_noun: role.objectNoun, ...(await fn(role, ep)) };
    } catch (err) {
      throw this.coded(row, ep, err);
    }
  }

  private coded(row: InstanceRow, ep: EngineEndpoint, err: unknown): unknown {
    if (err instanceof ModuleError) return err;
    if (err instanceof AdapterInputError) return badRequest(err.message, err);
    if (err instanceof BrowseNotFound) return notFound(`${err.message} in instance ${row.id}`);
    const reason = mask(err instanceof Error ? err.message : String(err), ep.password);
    this.support.deps.logger.warn({ instanceId: row.id, engine: row.engine, reason }, 'browse query failed');
    return new ModuleError('ENGINE_QUERY_FAILED', `${getAdapter(row.engine).displayName} could not answer the browser: ${reason}`);
  }
}

/** The instance password never leaves in a message, whatever an engine or a client library put there. */
export function mask(message: string, password: string): string {
  return password ? message.split(password).join('********') : message;
}
