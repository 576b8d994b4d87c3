import { forgetInnerDatabase, listInnerDatabases, recordInnerDatabase } from '../../db/repositories/accounts.js';
import { badRequest, notFound } from '../../errors.js';
import type { AccountsSession, EngineDatabase } from '../adapters/roles/accounts.js';
import { engineFailure, locked, runningTarget, type AccountsDeps, type AccountTarget } from './account-context.js';
import { audited, type Caller } from './account-audit.js';

export interface DatabaseEntry {
  name: string;
  /** The instance's own database (the connection string's): never dropped. */
  instance_database: boolean;
  /** One the engine keeps for itself: never dropped. */
  system: boolean;
  in_engine: boolean;
  /** Created through the module. */
  in_module: boolean;
  created_at: string | null;
}

export interface DatabasesView {
  databases: DatabaseEntry[];
  drift: { engine_only: string[]; module_only: string[] };
}

async function inSession<T>(t: AccountTarget, doing: string, fn: (s: AccountsSession) => Promise<T>): Promise<T> {
  const secrets = [t.endpoint.password];
  const session = await t.role.open(t.endpoint).catch((err) => { throw engineFailure(err, secrets, `${doing}: the module could not sign in as the admin`); });
  try {
    return await fn(session).catch((err) => { throw engineFailure(err, secrets, doing); });
  } finally {
    await session.close();
  }
}

/** Databases inside an instance's engine: the list is the engine's, beside what the module created. */
export class InnerDatabases {
  constructor(private readonly deps: AccountsDeps) {}

  async list(id: number): Promise<DatabasesView> {
    const t = await runningTarget(this.deps, id, 'databases');
    const engine = await inSession(t, 'Listing databases failed', (s) => s.listDatabases());
    const recorded = await listInnerDatabases(this.deps.db, id);
    const inEngine = new Map(engine.map((d) => [d.name, d]));
    const byName = new Map(recorded.map((r) => [r.name, r]));
    const databases: DatabaseEntry[] = engine.map((d: EngineDatabase) => ({
      name: d.name, instance_database: d.name === t.row.database_name, system: d.system, in_engine: true,
      in_module: byName.has(d.name), created_at: byName.get(d.name)?.createdAt.toISOString() ?? null,
    }));
    for (const r of recorded) {
      if (!inEngine.has(r.name)) databases.push({ name: r.name, instance_database: false, system: false, in_engine: false, in_module: true, created_at: r.createdAt.toISOString() });
    }
    return {
      databases,
      drift: {
        engine_only: engine.filter((d) => !d.system && d.name !== t.row.database_name && !byName.has(d.name)).map((d) => d.name),
        module_only: recorded.filter((r) => !inEngine.has(r.name)).map((r) => r.name),
      },
    };
  }

  create(id: number, name: string, caller: Caller): Promise<DatabaseEntry> {
    return audited(this.deps.audit, { action: 'databases.create', instanceId: id, caller, params: { name } }, () =>
      locked(this.deps, id, 'databases', async (t) => {
        const listed = await inSession(t, `Database ${name} was not created`, async (s) => {
          await s.createDatabase(name);
          return s.listDatabases();
        });
        // Proof from the engine's own list, not from the statement's success alone.
        if (!listed.some((d) => d.name === name)) throw engineFailure(new Error('the engine does not list it afterwards'), [], `Database ${name} was not created`);
        await recordInnerDatabase(this.deps.db, id, name, t.row.username);
        this.deps.logger.info({ instanceId: id, database: name }, 'inner database created');
        return { name, instance_database: false, system: false, in_engine: true, in_module: true, created_at: new Date(this.deps.clock.now()).toISOString() };
      }));
  }

  drop(id: number, name: string, confirm: string | undefined, caller: Caller): Promise<{ name: string; dropped: boolean }> {
    return audited(this.deps.audit, { action: 'databases.delete', instanceId: id, caller, params: { name } }, () =>
      locked(this.deps, id, 'databases', async (t) => {
        if (confirm !== name) throw badRequest(`Dropping a database needs ?confirm=${name} (its name again); nothing changed`);
        if (name === t.row.database_name) throw badRequest(`${name} is the instance's own database and cannot be dropped; nothing changed`);
        const found = await inSession(t, `Database ${name} was not dropped`, async (s) => {
          const d = (await s.listDatabases()).find((x) => x.name === name);
          if (d?.system) throw badRequest(`${name} is one of ${t.adapter.displayName}'s own databases and cannot be dropped; nothing changed`);
          if (d) await s.dropDatabase(name);
          return Boolean(d);
        });
        const recorded = (await listInnerDatabases(this.deps.db, id)).some((r) => r.name === name);
        if (!found && !recorded) throw notFound(`No database ${name} in this instance`);
        await forgetInnerDatabase(this.deps.db, id, name);
        this.deps.logger.info({ instanceId: id, database: name }, 'inner database dropped');
        return { name, dropped: found };
      }));
  }
}
